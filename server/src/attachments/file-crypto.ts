import { open, seal } from '../crypto/aead.js';

/** Plaintext bytes per sealed chunk; each chunk costs 28 more (IV and tag). */
export const CHUNK_SIZE = 64 * 1024;
const OVERHEAD = 28;

const chunkAad = (aad: string, index: number, last: boolean) => `${aad}:chunk:${index}:${last ? 'last' : 'more'}`;

/**
 * Encrypts a file as independent AES-256-GCM chunks, so a range of a large PDF can be served
 * by decrypting only the chunks it touches. Each chunk's AAD names the file, its index and
 * whether it is the last, so chunks cannot be reordered, swapped between files or dropped.
 */
export function sealFile(key: Buffer, data: Buffer, aad: string): Buffer {
  const count = Math.max(1, Math.ceil(data.length / CHUNK_SIZE));
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++)
    parts.push(seal(key, data.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE), chunkAad(aad, i, i === count - 1)));
  return Buffer.concat(parts);
}

export const sealedSize = (plainSize: number) => Math.max(1, Math.ceil(plainSize / CHUNK_SIZE)) * OVERHEAD + plainSize;

/** Which stored bytes hold plaintext bytes [start, end] (inclusive), and the first chunk's index. */
export function sealedRange(plainSize: number, start: number, end: number) {
  const first = Math.floor(start / CHUNK_SIZE);
  const last = Math.floor(end / CHUNK_SIZE);
  const total = Math.max(1, Math.ceil(plainSize / CHUNK_SIZE));
  return {
    first,
    last,
    total,
    from: first * (CHUNK_SIZE + OVERHEAD),
    to: Math.min(sealedSize(plainSize), (last + 1) * (CHUNK_SIZE + OVERHEAD)) - 1,
  };
}

/** Opens consecutive sealed chunks starting at chunk `first` of a file with `total` chunks. */
export function openChunks(key: Buffer, sealed: Buffer, aad: string, first: number, total: number): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0, i = first; offset < sealed.length; offset += CHUNK_SIZE + OVERHEAD, i++)
    parts.push(open(key, sealed.subarray(offset, offset + CHUNK_SIZE + OVERHEAD), chunkAad(aad, i, i === total - 1)));
  return Buffer.concat(parts);
}

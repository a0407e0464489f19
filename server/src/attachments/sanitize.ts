import sharp, { type Metadata } from 'sharp';
import type { AttachmentMime } from './file-type.js';

export interface CleanImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Not a decodable image of the type its first bytes claim. */
export class BadImageError extends Error {}

// JPEG segments kept: JFIF (APP0), ICC colour profile (APP2), Adobe colour transform (APP14).
const JPEG_KEEP_APP = new Set([0xe0, 0xe2, 0xee]);
// PNG ancillary chunks kept: they only describe how to show the pixels.
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'bKGD', 'pHYs', 'acTL', 'fcTL', 'fdAT']);

/**
 * Strips EXIF, XMP, IPTC, comments and text chunks (patients' photos carry GPS positions)
 * without re-encoding, so the pixels stay byte-identical. Only a photo that needs rotating
 * (EXIF orientation other than 1) is re-encoded upright, since its orientation tag goes.
 */
export async function sanitizeImage(data: Buffer, mime: AttachmentMime): Promise<CleanImage> {
  let meta: Metadata;
  try {
    meta = await sharp(data).metadata();
  } catch {
    throw new BadImageError('not a readable image');
  }
  if (!meta.width || !meta.height) throw new BadImageError('image has no size');
  if (meta.orientation && meta.orientation !== 1) {
    const out = sharp(data).rotate();
    const upright = await (mime === 'image/png' ? out.png() : out.jpeg({ quality: 92 })).toBuffer({ resolveWithObject: true });
    return { data: upright.data, width: upright.info.width, height: upright.info.height };
  }
  const stripped = mime === 'image/jpeg' ? stripJpeg(data) : stripPng(data);
  return { data: stripped, width: meta.width, height: meta.height };
}

function stripJpeg(data: Buffer): Buffer {
  const parts: Buffer[] = [data.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= data.length) {
    if (data[i] !== 0xff) throw new BadImageError('broken JPEG segment');
    const marker = data[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xda) {
      parts.push(data.subarray(i)); // start of scan: the rest is image data
      return Buffer.concat(parts);
    }
    const length = data.readUInt16BE(i + 2);
    const segment = data.subarray(i, i + 2 + length);
    const isMetadata = (marker >= 0xe1 && marker <= 0xef && !JPEG_KEEP_APP.has(marker)) || marker === 0xfe;
    if (!isMetadata) parts.push(segment);
    i += 2 + length;
  }
  throw new BadImageError('JPEG without image data');
}

function stripPng(data: Buffer): Buffer {
  const parts: Buffer[] = [data.subarray(0, 8)];
  let i = 8;
  while (i + 12 <= data.length) {
    const length = data.readUInt32BE(i);
    const type = data.subarray(i + 4, i + 8).toString('latin1');
    const end = i + 12 + length;
    if (end > data.length) throw new BadImageError('truncated PNG chunk');
    if (PNG_KEEP.has(type)) parts.push(data.subarray(i, end));
    i = end;
    if (type === 'IEND') return Buffer.concat(parts);
  }
  throw new BadImageError('PNG without IEND');
}

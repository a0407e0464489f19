import { spawn } from 'node:child_process';
import type { AttachmentMime } from './file-type.js';
import { decodable, decode, readHeader } from './image-decode.js';

const SIZE = 320;

export interface Thumbnail {
  data: Buffer;
  mime: 'image/jpeg' | 'image/png';
}

/**
 * A small preview: images through sharp; a PDF's first page through Debian's poppler-utils
 * (`pdftoppm`, reading from stdin so no plaintext touches the disk). Without pdftoppm, or
 * for a PDF it cannot render, there is no thumbnail and clients show a file card.
 */
export async function makeThumbnail(data: Buffer, mime: AttachmentMime): Promise<Thumbnail | null> {
  const source = mime === 'application/pdf' ? await renderFirstPage(data) : data;
  if (!source) return null;
  // Past the pixel limit (image-decode.ts) there is no preview: clients show a file card.
  const meta = await readHeader(source);
  if (!decodable(meta)) return null;
  const image = decode(source, meta).rotate().resize(SIZE, SIZE, { fit: 'inside', withoutEnlargement: true });
  return meta.hasAlpha
    ? { data: await image.png().toBuffer(), mime: 'image/png' }
    : { data: await image.jpeg({ quality: 75 }).toBuffer(), mime: 'image/jpeg' };
}

function renderFirstPage(pdf: Buffer): Promise<Buffer | null> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('pdftoppm', ['-png', '-f', '1', '-l', '1', '-scale-to', String(SIZE * 2), '-singlefile', '-'], {
        stdio: ['pipe', 'pipe', 'ignore'],
      });
    } catch {
      return resolve(null);
    }
    const out: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', () => resolve(null)); // pdftoppm not installed
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 && out.length > 0 ? Buffer.concat(out) : null);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(pdf);
  });
}

import { spawn } from 'node:child_process';
import sharp from 'sharp';
import type { AttachmentMime } from './file-type.js';

const SIZE = 320;
// A picture larger than this is stored with no preview (clients show a file card): a PNG is
// decoded whole, 4 bytes a pixel, and a 10 MiB one can claim sharp's default of 268 million
// pixels, about a gigabyte. 100 million is past ordinary phone photos and page scans; a
// phone's 200-megapixel mode is the one everyday picture that loses its preview.
const MAX_SOURCE_PIXELS = 100_000_000;

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
  const options = { limitInputPixels: MAX_SOURCE_PIXELS };
  const image = sharp(source, options).rotate().resize(SIZE, SIZE, { fit: 'inside', withoutEnlargement: true });
  const { hasAlpha } = await sharp(source, options).metadata();
  return hasAlpha
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

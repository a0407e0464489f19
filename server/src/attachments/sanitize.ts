import type { AttachmentMime } from './file-type.js';
import { BadImageError, decode, readHeader } from './image-decode.js';

export { BadImageError, ImageTooLargeError } from './image-decode.js';

export interface CleanImage {
  data: Buffer;
  width: number;
  height: number;
}

// JPEG segments kept: JFIF (APP0), ICC colour profile (APP2, only with that signature: APP2 also
// carries MPF, the index of further pictures after the first), Adobe colour transform (APP14).
const JPEG_KEEP_APP = new Set([0xe0, 0xe2, 0xee]);
const ICC_SIGNATURE = Buffer.from('ICC_PROFILE\0', 'latin1');
// PNG ancillary chunks kept: they only describe how to show the pixels.
const PNG_KEEP = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'bKGD',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);
// Restart markers (FF D0-D7) sit between a scan's data and carry no length.
const isRestart = (marker: number): boolean => marker >= 0xd0 && marker <= 0xd7;
// After FF inside a scan's data: 00 is a stuffed byte, a restart continues the scan, anything else ends it.
const endsScan = (marker: number): boolean => marker !== 0x00 && !isRestart(marker);

/**
 * Strips EXIF, XMP, IPTC, comments and text chunks (patients' photos carry GPS positions)
 * without re-encoding, so the pixels stay byte-identical. Only a photo that needs rotating
 * (EXIF orientation other than 1) is re-encoded upright, since its orientation tag goes;
 * past the pixel limit that throws ImageTooLargeError.
 */
export async function sanitizeImage(data: Buffer, mime: AttachmentMime): Promise<CleanImage> {
  const meta = await readHeader(data);
  if (meta.orientation && meta.orientation !== 1) {
    // The one step that holds the whole picture decoded: past the pixel limit it is refused.
    const out = decode(data, meta).rotate();
    const upright = await (mime === 'image/png' ? out.png() : out.jpeg({ quality: 92 })).toBuffer({
      resolveWithObject: true,
    });
    return { data: upright.data, width: upright.info.width, height: upright.info.height };
  }
  const stripped = mime === 'image/jpeg' ? stripJpeg(data) : stripPng(data);
  return { data: stripped, width: meta.width, height: meta.height };
}

/**
 * The first picture, without metadata segments, ending at its end-of-image marker: phones
 * append more after it (a motion photo's video, the pictures MPF indexes, each with its own
 * EXIF and GPS), none of which is the image shown.
 */
function stripJpeg(data: Buffer): Buffer {
  const parts: Buffer[] = [data.subarray(0, 2)];
  let i = 2;
  let scanned = false;
  while (i + 2 <= data.length) {
    if (data[i] !== 0xff) throw new BadImageError('broken JPEG segment');
    const marker = data.readUInt8(i + 1);
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9 && scanned) {
      parts.push(data.subarray(i, i + 2));
      return Buffer.concat(parts);
    }
    if (marker === 0xd9) break;
    if (i + 4 > data.length) break;
    if (isRestart(marker)) {
      parts.push(data.subarray(i, i + 2)); // a restart marker between scans' data: no length
      i += 2;
      continue;
    }
    const length = data.readUInt16BE(i + 2);
    const end = i + 2 + length;
    if (end > data.length) throw new BadImageError('truncated JPEG segment');
    const segment = data.subarray(i, end);
    const isIcc = marker === 0xe2 && segment.subarray(4, 4 + ICC_SIGNATURE.length).equals(ICC_SIGNATURE);
    const isMetadata =
      (marker >= 0xe1 && marker <= 0xef && (!JPEG_KEEP_APP.has(marker) || (marker === 0xe2 && !isIcc))) ||
      marker === 0xfe;
    if (marker !== 0xda) {
      if (!isMetadata) parts.push(segment);
      i = end;
      continue;
    }
    // Start of scan: its header, then entropy-coded data up to the next marker that is not a
    // stuffed byte (FF 00) or a restart (FF D0-D7). Progressive images have several scans.
    scanned = true;
    let j = end;
    while (j + 1 < data.length && !(data[j] === 0xff && endsScan(data.readUInt8(j + 1)))) j++;
    if (j + 1 >= data.length) j = data.length;
    parts.push(data.subarray(i, j));
    i = j;
  }
  // Image data that runs to the end with no end marker: decoders show it, so it is kept.
  if (scanned) return Buffer.concat(parts);
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

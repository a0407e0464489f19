import sharp, { type Metadata, type Sharp } from 'sharp';

/**
 * The one pixel limit every decode of a picture is held to: 100 million pixels of 3 bytes
 * (8-bit RGB, an everyday photo), fewer when a pixel takes more (alpha, CMYK, 16-bit
 * samples), so a decode never holds more than DECODE_BUDGET_BYTES of samples. A phone's
 * 200-megapixel mode is the one everyday picture past it. Measured: turning a picture at the
 * limit upright (the one decode that holds it whole) adds 303-306 MB of RSS whether it is
 * 100 MP of 8-bit RGB, 75 MP of RGBA or 37.5 MP of 16-bit RGBA; past the limit, nothing.
 * Decodes run one per core (WorkQueue), so the server holds at most that many at once.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;
const DECODE_BUDGET_BYTES = 3 * MAX_IMAGE_PIXELS;

// Nothing is decoded twice (every upload is a new picture): sharp's cache would only keep
// patients' pixels in memory after their upload ended.
sharp.cache(false);

/** Not a decodable image of the type its first bytes claim. */
export class BadImageError extends Error {}

/** Decoding this picture would pass the pixel limit. */
export class ImageTooLargeError extends Error {}

/** A header that names the picture's size (sharp's Metadata leaves width and height optional). */
export type ImageHeader = Metadata & { width: number; height: number };

/** Width, height, orientation, channels and depth from the header alone: no pixel is decoded. */
export async function readHeader(data: Buffer): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch {
    throw new BadImageError('not a readable image');
  }
  const { width, height } = meta;
  if (!width || !height) throw new BadImageError('image has no size');
  return { ...meta, width, height };
}

/** This picture's pixel limit: MAX_IMAGE_PIXELS, less for pixels of more than 3 bytes. */
function pixelLimit(meta: Metadata): number {
  const bytesPerSample =
    meta.depth === 'ushort' || meta.depth === 'short'
      ? 2
      : meta.depth === 'float' || meta.depth === 'uint' || meta.depth === 'int'
        ? 4
        : meta.depth === 'double'
          ? 8
          : 1;
  const bytesPerPixel = Math.max(1, meta.channels ?? 4) * bytesPerSample;
  return Math.min(MAX_IMAGE_PIXELS, Math.floor(DECODE_BUDGET_BYTES / bytesPerPixel));
}

export const decodable = (meta: ImageHeader): boolean => meta.width * meta.height <= pixelLimit(meta);

/**
 * The one door to a picture's pixels (`meta` from `readHeader`): past the pixel limit it
 * refuses, and sharp itself checks the same limit against what it finds while decoding.
 */
export function decode(data: Buffer, meta: ImageHeader): Sharp {
  if (!decodable(meta)) throw new ImageTooLargeError(`${meta.width} x ${meta.height} is past the pixel limit`);
  return sharp(data, { limitInputPixels: pixelLimit(meta) });
}

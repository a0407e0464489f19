import sharp from 'sharp';

/** Test files built here, so every byte is known. */
export async function cleanPng(width = 40, height = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toBuffer();
}

export async function cleanJpeg(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 140, b: 200 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * A black PNG marked as turned (EXIF orientation 6), built row by row by libvips: a
 * 16,000 x 16,000 one is 750 KB and a gigabyte once decoded. Tests and the bench's attacks.
 */
export async function sidewaysPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#000' } })
    .png({ compressionLevel: 9 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** The APP1 (EXIF) segment of a JPEG carrying a GPS position. */
export async function gpsExifSegment(): Promise<Buffer> {
  const tagged = await sharp(await cleanJpeg())
    .withExif({
      IFD0: { Make: 'CareChatTestCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
    })
    .jpeg()
    .toBuffer();
  for (let i = 2; i + 4 < tagged.length;) {
    const marker = tagged[i + 1]!;
    const length = tagged.readUInt16BE(i + 2);
    if (marker === 0xe1) return tagged.subarray(i, i + 2 + length);
    i += 2 + length;
  }
  throw new Error('sharp wrote no EXIF segment');
}

/** `jpeg` with a segment inserted right after its SOI marker. */
export const withSegment = (jpeg: Buffer, segment: Buffer) =>
  Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);

/** `png` with a text chunk (as cameras and editors write) inserted before IEND. */
export function withTextChunk(png: Buffer, text: string): Buffer {
  const data = Buffer.from(`Comment\0${text}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

/** A one-page PDF; `extra` goes into a comment line, `padTo` pads it to an exact size. */
export function pdf(extra = '', padTo?: number): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
  ];
  const stream = '0 0 1 rg 20 20 160 160 re f';
  let out = `%PDF-1.4\n% ${extra}\n`;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  offsets.push(Buffer.byteLength(out));
  out += `4 0 obj\n<< /Length ${stream.length} >>\nstream\n${stream}\nendstream\nendobj\n`;
  const xref = Buffer.byteLength(out);
  out += `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const body = Buffer.from(out, 'latin1');
  if (padTo === undefined) return body;
  // Trailing comment bytes after %%EOF: still a PDF by its first bytes, and exactly padTo long.
  return Buffer.concat([body, Buffer.alloc(padTo - body.length, 0x25)]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

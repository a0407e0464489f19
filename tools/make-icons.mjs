// Draws the web app's icons (web/public/icons/*.png) with no dependency: a white speech bubble
// with a teal cross on the theme's teal, 4×4 samples a pixel for smooth edges. Run once with
// `node tools/make-icons.mjs`; the PNGs are committed, so builds need nothing of this.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const TEAL = [0x0f, 0x76, 0x6e];
const WHITE = [0xff, 0xff, 0xff];
const OUT = new URL('../web/public/icons/', import.meta.url);

const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const inTriangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by);
  const d2 = s(x, y, bx, by, cx, cy);
  const d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};

/** The colour at (x, y) in [0, 1]², or null outside the icon; `scale` shrinks the bubble toward the middle. */
function colourAt(x, y, { fullBleed, scale }) {
  if (!fullBleed && !inRoundRect(x, y, 0, 0, 1, 1, 0.22)) return null;
  const u = 0.5 + (x - 0.5) / scale;
  const v = 0.5 + (y - 0.5) / scale;
  const cross =
    (Math.abs(u - 0.5) < 0.045 && Math.abs(v - 0.45) < 0.15) ||
    (Math.abs(v - 0.45) < 0.045 && Math.abs(u - 0.5) < 0.15);
  const bubble =
    inRoundRect(u, v, 0.18, 0.2, 0.82, 0.7, 0.14) || inTriangle(u, v, [0.3, 0.62], [0.27, 0.84], [0.48, 0.68]);
  return bubble && !cross ? WHITE : TEAL;
}

function render(size, options) {
  const N = 4;
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < N; sy++)
        for (let sx = 0; sx < N; sx++) {
          const c = colourAt((px + (sx + 0.5) / N) / size, (py + (sy + 0.5) / N) / size, options);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a++;
        }
      const o = 1 + px * 4;
      if (a) [row[o], row[o + 1], row[o + 2]] = [r / a, g / a, b / a].map(Math.round);
      row[o + 3] = Math.round((a / (N * N)) * 255);
    }
    rows.push(row);
  }
  return png(size, Buffer.concat(rows));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(size, raw) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
const icons = {
  'icon-192.png': [192, { fullBleed: false, scale: 1 }],
  'icon-512.png': [512, { fullBleed: false, scale: 1 }],
  // Maskable: the background to every edge, the bubble inside the safe circle (80% across).
  'maskable-192.png': [192, { fullBleed: true, scale: 0.78 }],
  'maskable-512.png': [512, { fullBleed: true, scale: 0.78 }],
  // iOS rounds the corners itself and shows no transparency.
  'apple-touch-icon.png': [180, { fullBleed: true, scale: 0.9 }],
};
for (const [name, [size, options]] of Object.entries(icons)) writeFileSync(new URL(name, OUT), render(size, options));

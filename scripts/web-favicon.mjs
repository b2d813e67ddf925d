// web-favicon.mjs — draw ioc's icon (the same picture as web/src/public/favicon.svg: a rounded
// square, a white ring, an amber dot) into a 32×32 PNG wrapped in an ICO file, so /favicon.ico
// exists for browsers that ask for it without reading <link rel="icon">. Pure node (zlib).

import { deflateSync } from 'node:zlib';

const SIZE = 32;
const SAMPLES = 4; // supersampling per axis, for smooth edges

const BRAND = [0x0b, 0x4f, 0x6c];
const WHITE = [0xff, 0xff, 0xff];
const AMBER = [0xff, 0xbf, 0x47];

// The colour (and alpha) at a point of the 32×32 design, or null outside the rounded square.
function shade(x, y) {
    const r = 7;
    const cx = Math.min(Math.max(x, r), SIZE - r);
    const cy = Math.min(Math.max(y, r), SIZE - r);
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
    const d = Math.hypot(x - 16, y - 16);
    if (d <= 3.5) return AMBER;
    if (Math.abs(d - 9.5) <= 1.5) return WHITE;
    return BRAND;
}

function pixels() {
    const rgba = Buffer.alloc(SIZE * SIZE * 4);
    for (let py = 0; py < SIZE; py++) {
        for (let px = 0; px < SIZE; px++) {
            const acc = [0, 0, 0, 0];
            for (let sy = 0; sy < SAMPLES; sy++) {
                for (let sx = 0; sx < SAMPLES; sx++) {
                    const c = shade(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
                    if (!c) continue;
                    acc[0] += c[0];
                    acc[1] += c[1];
                    acc[2] += c[2];
                    acc[3] += 1;
                }
            }
            const o = (py * SIZE + px) * 4;
            const n = acc[3];
            rgba[o] = n ? Math.round(acc[0] / n) : 0;
            rgba[o + 1] = n ? Math.round(acc[1] / n) : 0;
            rgba[o + 2] = n ? Math.round(acc[2] / n) : 0;
            rgba[o + 3] = Math.round((255 * n) / (SAMPLES * SAMPLES));
        }
    }
    return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
});

function crc32(buf) {
    let c = 0xffffffff;
    for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
}

function png(rgba) {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(SIZE, 0);
    ihdr.writeUInt32BE(SIZE, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 6; // RGBA
    const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
    for (let y = 0; y < SIZE; y++) rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr),
        chunk('IDAT', deflateSync(raw, { level: 9 })),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

/** The bytes of favicon.ico: one 32×32 PNG image in an ICO container. */
export function faviconIco() {
    const image = png(pixels());
    const header = Buffer.alloc(6 + 16);
    header.writeUInt16LE(0, 0); // reserved
    header.writeUInt16LE(1, 2); // type: icon
    header.writeUInt16LE(1, 4); // one image
    header[6] = SIZE;
    header[7] = SIZE;
    header.writeUInt16LE(1, 10); // colour planes
    header.writeUInt16LE(32, 12); // bits per pixel
    header.writeUInt32LE(image.length, 14);
    header.writeUInt32LE(22, 18); // offset of the image
    return Buffer.concat([header, image]);
}

// A tiny PNG encoder (8-bit RGBA, filter 0, one IDAT) and helpers to turn images and label maps
// into RGBA tiles and lay tiles out side by side. Node only (node:zlib).
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  Buffer.from(data.buffer, data.byteOffset, data.length).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes width×height 8-bit RGBA pixels (row-major, Uint8Array of width·height·4) as a PNG. */
export function encodePng(width, height, rgba) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`encodePng: bad size ${width}×${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`encodePng: expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** PASCAL VOC's colour for label `i` (bit-interleaving palette); 255 gives VOC's void colour. */
function vocColor(i) {
  let r = 0, g = 0, b = 0, c = i;
  for (let j = 0; j < 8; j++) {
    r |= ((c >> 0) & 1) << (7 - j);
    g |= ((c >> 1) & 1) << (7 - j);
    b |= ((c >> 2) & 1) << (7 - j);
    c >>= 3;
  }
  return Uint8Array.of(r, g, b);
}

/** PASCAL VOC's colour map for labels 0..classes−1: [r, g, b] each. */
export function labelColors(classes) {
  return Array.from({ length: classes }, (_, i) => vocColor(i));
}

/** A [3, H, W] float image in ~[-1, 1] (size = H = W) as RGBA bytes. */
export function imageToRgba(image, size) {
  const hw = size * size;
  const out = new Uint8Array(hw * 4);
  for (let i = 0; i < hw; i++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.round((image[c * hw + i] + 1) * 127.5);
      out[i * 4 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** An [H, W] label map (size = H = W) in VOC colours; 255 (ignore) is VOC's light grey (224, 224, 192). */
export function labelsToRgba(labels, size, classes) {
  const palette = labelColors(classes);
  const ignore = Uint8Array.of(224, 224, 192);
  const hw = size * size;
  const out = new Uint8Array(hw * 4);
  for (let i = 0; i < hw; i++) {
    const l = labels[i];
    const col = l === 255 ? ignore : l < classes ? palette[l] : vocColor(l);
    out[i * 4] = col[0];
    out[i * 4 + 1] = col[1];
    out[i * 4 + 2] = col[2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Tiles ({ rgba, width, height }) side by side, `gap` pixels apart and around, on a dark background. */
export function montage(tiles, gap = 4) {
  const width = tiles.reduce((w, t) => w + t.width, 0) + gap * (tiles.length + 1);
  const height = tiles.reduce((h, t) => Math.max(h, t.height), 0) + 2 * gap;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = 24;
    rgba[i * 4 + 1] = 24;
    rgba[i * 4 + 2] = 28;
    rgba[i * 4 + 3] = 255;
  }
  let x0 = gap;
  for (const t of tiles) {
    for (let y = 0; y < t.height; y++) {
      rgba.set(t.rgba.subarray(y * t.width * 4, (y + 1) * t.width * 4), ((gap + y) * width + x0) * 4);
    }
    x0 += t.width + gap;
  }
  return { rgba, width, height };
}

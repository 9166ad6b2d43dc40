// The synthetic segmentation dataset (src/nn/synthetic.ts) and the PNG helpers of scripts/lib/png.js.
import { describe, expect, it } from "vitest";
import { inflateSync } from "node:zlib";
import { syntheticSample, syntheticBatch, SYNTHETIC_CLASS_NAMES } from "../dist/nn/synthetic.js";
import { AttributeError } from "../dist/errors.js";
// @ts-ignore plain ESM script without type declarations
import { encodePng, labelColors, imageToRgba, labelsToRgba, montage } from "../scripts/lib/png.js";

describe("syntheticSample", () => {
  it("is deterministic in (index, options) and differs across indices and seeds", () => {
    const a = syntheticSample(7), b = syntheticSample(7);
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(b.image.buffer))).toBe(true);
    expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
    const c = syntheticSample(8);
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(c.image.buffer))).toBe(false);
    const d = syntheticSample(7, { seed: 2 });
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(d.image.buffer))).toBe(false);
    const e = syntheticSample(7, { seed: 2 });
    expect(Buffer.from(d.labels).equals(Buffer.from(e.labels))).toBe(true);
  });

  it("has the documented shapes (default size 64, other sizes)", () => {
    const s = syntheticSample(0);
    expect(s.size).toBe(64);
    expect(s.image).toBeInstanceOf(Float32Array);
    expect(s.image.length).toBe(3 * 64 * 64);
    expect(s.labels).toBeInstanceOf(Uint8Array);
    expect(s.labels.length).toBe(64 * 64);
    const t = syntheticSample(3, { size: 32 });
    expect(t.size).toBe(32);
    expect(t.image.length).toBe(3 * 32 * 32);
    expect(t.labels.length).toBe(32 * 32);
  });

  it("rejects bad options", () => {
    expect(() => syntheticSample(-1)).toThrow(AttributeError);
    expect(() => syntheticSample(0, { classes: 1 })).toThrow(AttributeError);
    expect(() => syntheticSample(0, { classes: SYNTHETIC_CLASS_NAMES.length + 1 })).toThrow(AttributeError);
    expect(() => syntheticSample(0, { size: 4 })).toThrow(AttributeError);
  });

  for (const classes of [5, SYNTHETIC_CLASS_NAMES.length]) {
    it(`labels stay in {0..${classes - 1}, 255} and every class appears in the first 50 samples (classes = ${classes})`, () => {
      const seen = new Set<number>();
      for (let i = 0; i < 50; i++) {
        const { labels } = syntheticSample(i, { classes });
        for (const l of labels) seen.add(l);
      }
      const expected = [...Array.from({ length: classes }, (_, c) => c), 255];
      expect([...seen].sort((a, b) => a - b)).toEqual(expected);
    });
  }

  it("separates regions by a 255 contour: no two 4-adjacent labelled pixels differ; every object has one", () => {
    for (let i = 0; i < 20; i++) {
      const { labels, size } = syntheticSample(i);
      let objectPixels = 0, ignorePixels = 0;
      const clashes: string[] = [];
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const l = labels[y * size + x];
          if (l === 255) { ignorePixels++; continue; }
          if (l > 0) objectPixels++;
          if (x + 1 < size) {
            const r = labels[y * size + x + 1];
            if (r !== 255 && r !== l) clashes.push(`(${x},${y})→right`);
          }
          if (y + 1 < size) {
            const d = labels[(y + 1) * size + x];
            if (d !== 255 && d !== l) clashes.push(`(${x},${y})→down`);
          }
        }
      }
      expect(clashes, `sample ${i}`).toEqual([]);
      // 1–4 objects per image: some object pixels and a thin (not dominant) ignore contour
      expect(objectPixels + ignorePixels).toBeGreaterThan(0);
      expect(ignorePixels).toBeGreaterThan(0);
      expect(ignorePixels).toBeLessThan(size * size * 0.25);
    }
  });

  it("has sane image statistics: finite, in [-1, 1], roughly zero-mean, with variation", () => {
    const { images } = syntheticBatch(0, 16);
    const d = images.data;
    let sum = 0, sq = 0;
    let min = Infinity, max = -Infinity;
    for (const v of d) {
      sum += v;
      sq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThanOrEqual(1);
    const mean = sum / d.length, std = Math.sqrt(sq / d.length - mean * mean);
    expect(Number.isFinite(sum)).toBe(true); // no NaN or infinity anywhere
    expect(Math.abs(mean)).toBeLessThan(0.4);
    expect(std).toBeGreaterThan(0.15);
    expect(std).toBeLessThan(0.8);
  });
});

describe("syntheticBatch", () => {
  it("stacks samples start..start+count−1", () => {
    const opts = { size: 32, classes: 4, seed: 5 };
    const { images, labels } = syntheticBatch(10, 3, opts);
    expect(images.shape).toEqual([3, 3, 32, 32]);
    expect(images.data.length).toBe(3 * 3 * 32 * 32);
    expect(labels.length).toBe(3 * 32 * 32);
    for (let n = 0; n < 3; n++) {
      const s = syntheticSample(10 + n, opts);
      expect(Array.from(images.data.subarray(n * 3 * 1024, (n + 1) * 3 * 1024))).toEqual(Array.from(s.image));
      expect(Array.from(labels.subarray(n * 1024, (n + 1) * 1024))).toEqual(Array.from(s.labels));
    }
  });
});

describe("png.js", () => {
  it("encodes a 3×2 RGBA image: signature, IHDR, CRCs, IDAT inflates to filter-0 scanlines", () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 11) & 255);
    const png: Buffer = encodePng(3, 2, rgba);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // walk the chunks
    const chunks: { type: string; data: Buffer }[] = [];
    let off = 8;
    while (off < png.length) {
      const len = png.readUInt32BE(off);
      const type = png.toString("ascii", off + 4, off + 8);
      chunks.push({ type, data: png.subarray(off + 8, off + 8 + len) });
      off += 12 + len;
    }
    expect(off).toBe(png.length);
    expect(chunks.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    const ihdr = chunks[0].data;
    expect(ihdr.length).toBe(13);
    expect(ihdr.readUInt32BE(0)).toBe(3);
    expect(ihdr.readUInt32BE(4)).toBe(2);
    expect(Array.from(ihdr.subarray(8))).toEqual([8, 6, 0, 0, 0]);
    // IHDR's CRC, as everyone knows it for this header: check against an independent bitwise CRC32
    const crc = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) { c ^= x; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1; }
      return (c ^ 0xffffffff) >>> 0;
    };
    off = 8;
    for (const ch of chunks) {
      expect(png.readUInt32BE(off + 8 + ch.data.length)).toBe(crc(png.subarray(off + 4, off + 8 + ch.data.length)));
      off += 12 + ch.data.length;
    }
    const raw = inflateSync(chunks[1].data);
    const expected = [0, ...rgba.subarray(0, 12), 0, ...rgba.subarray(12)];
    expect(Array.from(raw)).toEqual(expected);
  });

  it("labelColors is PASCAL VOC's palette", () => {
    const cols = labelColors(5).map((c: Uint8Array) => Array.from(c));
    expect(cols).toEqual([[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0], [0, 0, 128]]);
    expect(Array.from(labelColors(21)[20])).toEqual([0, 64, 128]);
  });

  it("imageToRgba, labelsToRgba and montage", () => {
    const img = new Float32Array([-1, 1, 0, 0.5, /* G */ 1, -1, 0, 0, /* B */ 0, 0, 2, -2]);
    const rgba = imageToRgba(img, 2);
    expect(Array.from(rgba.subarray(0, 8))).toEqual([0, 255, 128, 255, 255, 0, 128, 255]);
    expect(Array.from(rgba.subarray(8, 16))).toEqual([128, 128, 255, 255, 191, 128, 0, 255]);
    const lab = labelsToRgba(new Uint8Array([0, 1, 255, 2]), 2, 3);
    expect(Array.from(lab)).toEqual([0, 0, 0, 255, 128, 0, 0, 255, 224, 224, 192, 255, 0, 128, 0, 255]);
    const m = montage([{ rgba, width: 2, height: 2 }, { rgba: new Uint8Array(3 * 1 * 4).fill(7), width: 3, height: 1 }], 1);
    expect(m.width).toBe(1 + 2 + 1 + 3 + 1);
    expect(m.height).toBe(2 + 2);
    expect(m.rgba.length).toBe(m.width * m.height * 4);
    const px = (x: number, y: number) => Array.from(m.rgba.subarray((y * m.width + x) * 4, (y * m.width + x) * 4 + 4));
    expect(px(1, 1)).toEqual([0, 255, 128, 255]);
    expect(px(2, 2)).toEqual([191, 128, 0, 255]);
    expect(px(4, 1)).toEqual([7, 7, 7, 7]);
    expect(px(0, 0)[0]).toBeLessThan(64); // dark background
    expect(px(4, 2)[0]).toBeLessThan(64); // below the shorter tile
  });
});

describe("synthetic options radius and objects", () => {
  const objectShare = (options: object) => {
    let objects = 0, all = 0;
    for (let i = 0; i < 20; i++) for (const l of syntheticSample(i, options).labels) { all++; if (l !== 0) objects++; }
    return objects / all;
  };

  it("are deterministic and keep labels in range", () => {
    const options = { size: 48, classes: 6, radius: [0.05, 0.12] as [number, number], objects: [3, 6] as [number, number] };
    for (let i = 0; i < 10; i++) {
      const a = syntheticSample(i, options), b = syntheticSample(i, options);
      expect(Buffer.from(a.labels).equals(Buffer.from(b.labels))).toBe(true);
      expect(Buffer.from(a.image.buffer).equals(Buffer.from(b.image.buffer))).toBe(true);
      for (const l of a.labels) expect(l === 255 || l < 6).toBe(true);
    }
  });

  it("the defaults given explicitly (objects [1, 4]) give the same bytes as no option", () => {
    for (let i = 0; i < 5; i++) {
      expect(Buffer.from(syntheticSample(i, { objects: [1, 4] }).image.buffer).equals(Buffer.from(syntheticSample(i).image.buffer))).toBe(true);
    }
  });

  it("smaller radii and fewer objects cover less of the image; objects [0, 0] is background only", () => {
    expect(objectShare({ radius: [0.04, 0.08] })).toBeLessThan(objectShare({}) / 2);
    expect(objectShare({ radius: [0.3, 0.4], objects: [4, 4] })).toBeGreaterThan(objectShare({}));
    expect(objectShare({ objects: [0, 0] })).toBe(0);
  });

  it("rejects bad ranges", () => {
    for (const bad of [{ radius: [0.2, 0.1] }, { radius: [0, 0.1] }, { radius: [0.1, 2] }, { radius: 0.1 }, { objects: [1.5, 3] }, { objects: [-1, 2] }, { objects: [3] }]) {
      expect(() => syntheticSample(0, bad as object)).toThrow(/synthetic: (radius|objects) must be/);
    }
  });
});

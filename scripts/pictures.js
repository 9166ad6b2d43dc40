// `npm run pictures`: the README's pictures, drawn by the package itself into docs/:
//  - overlap.png: how many kernel taps reach each output pixel of a 6×6 → stride-2 transposed
//    convolution, k = 3 (a checkerboard: s does not divide k) next to k = 4 (uniform inside);
//  - bilinear.png: a small image, its ×4 upsampling by a depthwise transposed convolution with
//    FCN's bilinear kernel (k = 8, s = 4, p = 2), and the same with a random kernel.
import { mkdirSync, writeFileSync } from "node:fs";
import * as fcn from "../dist/index.js";
import { encodePng, montage } from "./lib/png.js";

await fcn.ready();
mkdirSync("docs", { recursive: true });

/** A grey-scale tile of a [H, W] map scaled to 0…255, enlarged f times. */
function greyTile(values, H, W, f, lo = Math.min(...values), hi = Math.max(...values)) {
  const rgba = new Uint8Array(H * f * W * f * 4);
  for (let y = 0; y < H * f; y++) for (let x = 0; x < W * f; x++) {
    const v = values[Math.floor(y / f) * W + Math.floor(x / f)];
    const g = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 128;
    rgba.set([g, g, g, 255], (y * W * f + x) * 4);
  }
  return { rgba, width: W * f, height: H * f };
}

// Overlap maps: k = 3 vs k = 4 at stride 2 on a 6×6 input.
const maps = [3, 4].map((k) => fcn.explain.overlapMap([1, 1, 6, 6], [1, 1, k, k], { strides: 2 }));
const tiles = maps.map((m) => greyTile(Array.from(m.counts.data), m.counts.shape[0], m.counts.shape[1], 16, 0, 4));
const o = montage(tiles, 16);
writeFileSync("docs/overlap.png", encodePng(o.width, o.height, o.rgba));
console.log(`docs/overlap.png: taps per output pixel, k=3 (min ${maps[0].min}, max ${maps[0].max}) and k=4 (min ${maps[1].min}, max ${maps[1].max}), stride 2`);

// Bilinear upsampling ×4 of a 12×12 image (3 channels as 3 groups), and a random kernel.
const { image } = fcn.syntheticSample(3, { size: 12, classes: 5 });
const x = fcn.tensor(image, [1, 3, 12, 12]);
const up = fcn.convTranspose(x, fcn.bilinearWeights(3, 8), null, { strides: 4, pads: 2, group: 3 });
let seed = 5;
const random = fcn.tensor(Float32Array.from({ length: 3 * 64 }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 0.5), [3, 1, 8, 8]);
const rough = fcn.convTranspose(x, random, null, { strides: 4, pads: 2, group: 3 });
const rgbTile = (t, H, W, f) => {
  const rgba = new Uint8Array(H * f * W * f * 4);
  for (let y = 0; y < H * f; y++) for (let xx = 0; xx < W * f; xx++) {
    const p = Math.floor(y / f) * W + Math.floor(xx / f);
    const c = [0, 1, 2].map((k) => Math.max(0, Math.min(255, Math.round(127.5 * (t.data[k * H * W + p] + 1)))));
    rgba.set([...c, 255], (y * W * f + xx) * 4);
  }
  return { rgba, width: W * f, height: H * f };
};
const b = montage([rgbTile(x, 12, 12, 16), rgbTile(up, 48, 48, 4), rgbTile(rough, 48, 48, 4)], 16);
writeFileSync("docs/bilinear.png", encodePng(b.width, b.height, b.rgba));
console.log("docs/bilinear.png: a 12×12 image | ×4 by a depthwise transposed convolution with FCN's bilinear kernel | the same with a random kernel");

// out/reproduce.png of `npm run reproduce`: FCN's Figure 4 on held-out generated images (one row
// per image: input | FCN-32s | FCN-16s | FCN-8s | ground truth), then the upsampling filters: the
// bilinear start of the ×32 filter (upscore, k64) beside what FCN-32s learned for each class
// (the weight from class c to class c), and the same for the ×2 filter (upscore2, k4) of FCN-8s.
import * as fcn from "../../dist/index.js";
import { encodePng, imageToRgba, labelsToRgba, montage } from "./png.js";
import { HELD_OUT } from "./reproduce-schedule.js";

/** RGBA tile enlarged f times (nearest neighbour). */
function enlarge(rgba, width, height, f) {
  const out = new Uint8Array(width * f * height * f * 4);
  for (let y = 0; y < height * f; y++) {
    for (let x = 0; x < width * f; x++) {
      const from = (Math.floor(y / f) * width + Math.floor(x / f)) * 4;
      out.set(rgba.subarray(from, from + 4), (y * width * f + x) * 4);
    }
  }
  return { rgba: out, width: width * f, height: height * f };
}

/** A k×k kernel as grey levels on the shared range [lo, hi] (so tiles of one row compare), enlarged to ≈ side. */
function kernelTile(values, k, lo, hi, side) {
  const rgba = new Uint8Array(k * k * 4);
  for (let i = 0; i < k * k; i++) {
    const g = Math.round((255 * (values[i] - lo)) / (hi - lo || 1));
    rgba.set([g, g, g, 255], i * 4);
  }
  return enlarge(rgba, k, k, Math.max(1, Math.round(side / k)));
}

/** Blocks ({ rgba, width, height }) stacked top to bottom, left-aligned, on the montage background. */
function stack(blocks) {
  const width = Math.max(...blocks.map((b) => b.width)), height = blocks.reduce((h, b) => h + b.height, 0);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([24, 24, 28, 255], i * 4);
  let y0 = 0;
  for (const b of blocks) {
    for (let y = 0; y < b.height; y++) rgba.set(b.rgba.subarray(y * b.width * 4, (y + 1) * b.width * 4), ((y0 + y) * width) * 4);
    y0 += b.height;
  }
  return { rgba, width, height };
}

/** The C diagonal kernels w[c, c] (dense) or w[c, 0] (depthwise) of an upsampling weight [C, M/g, k, k]. */
export function diagonalKernels(weight) {
  const [C, Mg, k] = weight.shape;
  return Array.from({ length: C }, (_, c) => weight.data.slice(((c * Mg) + (Mg === 1 ? 0 : c)) * k * k, ((c * Mg) + (Mg === 1 ? 0 : c) + 1) * k * k));
}

function filterRow(start, learned, k, side) {
  const all = [start, ...learned];
  let lo = 0, hi = 0;
  for (const kern of all) for (const v of kern) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return montage(all.map((kern) => kernelTile(kern, k, lo, hi, side)), 8);
}

/**
 * The PNG bytes. `nets` holds the trained FCN-32s, 16s and 8s by variant ("32s", "16s", "8s");
 * `rows` held-out images from HELD_OUT on; scale enlarges the 64-pixel tiles.
 */
export function drawReproduction(nets, { data, rows = 4, scale = 2 }) {
  const { size, classes } = data;
  const blocks = [];
  const { images, labels } = fcn.syntheticBatch(HELD_OUT, rows, data);
  const predictions = {};
  for (const variant of ["32s", "16s", "8s"]) {
    nets[variant].training = false;
    predictions[variant] = fcn.argmaxChannels(nets[variant].run(images));
  }
  const plane = size * size;
  for (let n = 0; n < rows; n++) {
    const tile = (rgba) => enlarge(rgba, size, size, scale);
    const labelTile = (l) => tile(labelsToRgba(l.subarray(n * plane, (n + 1) * plane), size, classes));
    blocks.push(montage([
      tile(imageToRgba(images.data.subarray(n * 3 * plane, (n + 1) * 3 * plane), size)),
      ...["32s", "16s", "8s"].map((v) => labelTile(Uint8Array.from(predictions[v]))),
      labelTile(labels),
    ], 6));
  }
  const side = size * scale;
  const p32 = nets["32s"].parameters().get("upscore.weight");
  const p2 = nets["8s"].parameters().get("upscore2.weight");
  blocks.push(filterRow(fcn.bilinearKernel(64), diagonalKernels(p32), 64, side));
  blocks.push(filterRow(fcn.bilinearKernel(4), diagonalKernels(p2), 4, side));
  const picture = stack(blocks);
  return encodePng(picture.width, picture.height, picture.rgba);
}

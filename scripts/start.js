// `npm start`, the main job: runs the shipped trained FCN-8s on generated images, prints a
// per-layer timing table and the held-out pixel accuracy / mean IoU, and writes a PNG
// (input | ground truth | prediction | the coarse-to-fine stages) whose path it prints.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as fcn from "../dist/index.js";
import { syntheticSample } from "../dist/nn/synthetic.js";
import { CLASSES, DATA, HELD_OUT, SIZE, demoSpec, evaluate } from "../weights/fcn8s-synthetic.js";
import { encodePng, imageToRgba, labelsToRgba, montage } from "./lib/png.js";

const weightsPath = fileURLToPath(new URL("../weights/fcn8s-synthetic.safetensors", import.meta.url));
const outDir = fileURLToPath(new URL("../out/", import.meta.url));

const info = await fcn.ready();
console.log(`fcn-wasm: ${info.build} build, ${info.threads} thread (${info.threadsReason})`);
if (!existsSync(weightsPath)) {
  console.error(`no trained weights at ${weightsPath}: run \`npm run train\` first`);
  process.exit(1);
}
const net = fcn.Net.fromGraph(demoSpec("fixed"), fcn.loadSafetensors(readFileSync(weightsPath)));

// Per-layer timings: the median of a few runs on one 64×64 image.
const { image } = syntheticSample(HELD_OUT, DATA);
const x = fcn.tensor(image, [1, 3, SIZE, SIZE]);
const runs = [];
for (let r = 0; r < 5; r++) {
  net.run(x);
  runs.push(new Map(net.timings));
}
const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const rows = net.spec.layers.map((l) => ({ name: l.name, op: l.op, ms: median(runs.map((t) => t.get(l.name))), shape: net.blob(l.name).shape.join("×") }));
const total = rows.reduce((a, r) => a + r.ms, 0);
console.log(`\nFCN-8s forward on one ${SIZE}×${SIZE} image: ${total.toFixed(1)} ms (median of 5), per layer:`);
console.log("layer".padEnd(15) + "op".padEnd(15) + "output".padEnd(16) + "ms".padStart(8) + "   share");
for (const r of rows) {
  if (r.ms < 0.005 * total && r.op !== "ConvTranspose") continue; // keep the table short: skip tiny layers
  console.log(r.name.padEnd(15) + r.op.padEnd(15) + r.shape.padEnd(16) + r.ms.toFixed(2).padStart(8) + `   ${((100 * r.ms) / total).toFixed(1).padStart(5)}%`);
}

const { pixelAccuracy, meanIoU } = evaluate(net, 64);
console.log(`\nheld-out images (64): pixel accuracy ${(100 * pixelAccuracy).toFixed(1)}%, mean IoU ${(100 * meanIoU).toFixed(1)}%`);

// The picture: for 3 held-out images, input | ground truth | prediction, then the argmax of the
// coarse scores (score_fr, 1/32), after fusing pool4 (1/16) and pool3 (1/8), nearest-upscaled.
function argmaxTile(t, n) {
  const [, K, H, W] = t.shape;
  const labels = new Uint8Array(SIZE * SIZE);
  for (let i = 0; i < SIZE; i++) for (let j = 0; j < SIZE; j++) {
    const y = Math.min(H - 1, Math.floor((i * H) / SIZE)), xx = Math.min(W - 1, Math.floor((j * W) / SIZE));
    let best = 0;
    for (let k = 1; k < K; k++) if (t.data[((n * K + k) * H + y) * W + xx] > t.data[((n * K + best) * H + y) * W + xx]) best = k;
    labels[i * SIZE + j] = best;
  }
  return { rgba: labelsToRgba(labels, SIZE, CLASSES), width: SIZE, height: SIZE };
}
const strips = [];
for (let k = 0; k < 3; k++) {
  const sample = syntheticSample(HELD_OUT + 100 + k, DATA);
  const scores = net.run(fcn.tensor(sample.image, [1, 3, SIZE, SIZE]));
  strips.push(montage([
    { rgba: imageToRgba(sample.image, SIZE), width: SIZE, height: SIZE },
    { rgba: labelsToRgba(sample.labels, SIZE, CLASSES), width: SIZE, height: SIZE },
    argmaxTile(scores, 0),
    argmaxTile(net.blob("score_fr"), 0),
    argmaxTile(net.blob("fuse_pool4"), 0),
    argmaxTile(net.blob("fuse_pool3"), 0),
  ]));
}
const rowsImage = enlarge(stack(strips), 2);
mkdirSync(outDir, { recursive: true });
const png = `${outDir}fcn8s-demo.png`;
writeFileSync(png, encodePng(rowsImage.width, rowsImage.height, rowsImage.rgba));
console.log(`\npicture (input | ground truth | prediction | score_fr 1/32 | fuse_pool4 1/16 | fuse_pool3 1/8): ${png}`);

/** Stacks equally wide images vertically with a 4-pixel gap. */
function stack(images, gap = 4) {
  const width = Math.max(...images.map((i) => i.width));
  const height = images.reduce((a, i) => a + i.height, 0) + gap * (images.length - 1);
  const rgba = new Uint8Array(width * height * 4).fill(24);
  for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
  let top = 0;
  for (const img of images) {
    for (let r = 0; r < img.height; r++) rgba.set(img.rgba.subarray(r * img.width * 4, (r + 1) * img.width * 4), ((top + r) * width) * 4);
    top += img.height + gap;
  }
  return { rgba, width, height };
}

/** Nearest-neighbour enlargement by an integer factor (the tiles are only 64 pixels wide). */
function enlarge(img, f) {
  const width = img.width * f, height = img.height * f;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const src = ((Math.floor(y / f) * img.width) + Math.floor(x / f)) * 4;
    rgba.set(img.rgba.subarray(src, src + 4), (y * width + x) * 4);
  }
  return { rgba, width, height };
}

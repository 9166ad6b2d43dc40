// `npm start`, the main job: runs the three shipped nets (FCN-32s, FCN-16s, FCN-8s, trained in FCN's
// stages with learned upsampling; weights/fcn-synthetic-*.safetensors) on generated images, prints
// the per-layer timing table of the FCN-8s and each net's held-out metrics (also written to
// out/fcn-synthetic.json), and writes a PNG whose path it prints: input | FCN-32s | FCN-16s |
// FCN-8s | ground truth for held-out images (FCN's Figure 4), then the learned ×32 and ×2 filters
// beside their bilinear start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as fcn from "../dist/index.js";
import { DATA, HELD_OUT, NETS, evaluate, specFor, weightsUrl } from "../weights/fcn-synthetic.js";
import { drawReproduction } from "./lib/reproduce-picture.js";

/** Held-out images the metrics are measured on: the same ones `npm run reproduce` reports. */
const EVAL_IMAGES = 96;
const outDir = fileURLToPath(new URL("../out/", import.meta.url));

const info = await fcn.ready();
console.log(`fcn-wasm: ${info.build} build, ${info.threads} thread (${info.threadsReason})`);
const nets = {};
for (const variant of NETS) {
  const path = fileURLToPath(weightsUrl(variant));
  if (!existsSync(path)) {
    console.error(`no trained weights at ${path}: run \`npm run reproduce -- --only learned --save weights\` first`);
    process.exit(1);
  }
  nets[variant] = fcn.Net.fromGraph(specFor(variant, "learned"), fcn.loadSafetensors(readFileSync(path)));
}

// Per-layer timings of the FCN-8s: the median of a few runs on one image.
const net = nets["8s"];
net.training = false;
const { size } = DATA;
const x = fcn.syntheticBatch(HELD_OUT, 1, DATA).images;
const runs = [];
for (let r = 0; r < 5; r++) {
  net.run(x);
  runs.push(new Map(net.timings));
}
const median = (values) => values.slice().sort((a, b) => a - b)[values.length >> 1];
const rows = net.spec.layers.map((l) => ({ name: l.name, op: l.op, ms: median(runs.map((t) => t.get(l.name))), shape: net.blob(l.name).shape.join("×") }));
const total = rows.reduce((a, r) => a + r.ms, 0);
console.log(`\nFCN-8s forward on one ${size}×${size} image: ${total.toFixed(1)} ms (median of 5), per layer:`);
console.log("layer".padEnd(15) + "op".padEnd(15) + "output".padEnd(16) + "ms".padStart(8) + "   share");
for (const r of rows) {
  if (r.ms < 0.005 * total && r.op !== "ConvTranspose") continue; // keep the table short: skip tiny layers
  console.log(r.name.padEnd(15) + r.op.padEnd(15) + r.shape.padEnd(16) + r.ms.toFixed(2).padStart(8) + `   ${((100 * r.ms) / total).toFixed(1).padStart(5)}%`);
}

const pct = (v) => `${(100 * v).toFixed(1)}%`;
console.log(`\nheld-out images (${EVAL_IMAGES}):`);
const metrics = {};
for (const variant of NETS) {
  const m = evaluate(nets[variant], EVAL_IMAGES);
  metrics[`FCN-${variant}`] = m;
  console.log(`  FCN-${variant.padEnd(3)}  mean IU ${pct(m.meanIU).padStart(6)}   pixel accuracy ${pct(m.pixelAccuracy).padStart(6)}` +
    `   mean accuracy ${pct(m.meanAccuracy).padStart(6)}   f.w. IU ${pct(m.frequencyWeightedIU).padStart(6)}`);
}

mkdirSync(outDir, { recursive: true });
const json = `${outDir}fcn-synthetic.json`;
writeFileSync(json, `${JSON.stringify({ heldOutImages: EVAL_IMAGES, nets: metrics }, null, 2)}\n`);
const png = `${outDir}fcn-synthetic.png`;
writeFileSync(png, drawReproduction(nets, { data: DATA }));
console.log(`\nmetrics: ${json}`);
console.log(`picture (input | FCN-32s | FCN-16s | FCN-8s | ground truth; then the ×32 and ×2 filters, bilinear start first): ${png}`);
for (const n of Object.values(nets)) n.dispose();

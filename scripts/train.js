// `npm run train`: trains the recipe's FCN-8s (weights/fcn-synthetic.js, learned upsampling) from
// scratch in one stage on generated images with a progress bar, saves the weights as safetensors
// (out/fcn-synthetic-8s.safetensors unless --out says otherwise; an existing file only with
// --force) and reports pixel accuracy and mean IU on held-out images. The shipped nets are trained
// in FCN's stages instead (32s → 16s → 8s): `npm run reproduce -- --only learned --save weights`.
//   npm run train -- --steps 400
//   npm run train -- --experiment   (fixed bilinear vs learned bilinear-init vs learned random-init)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as fcn from "../dist/index.js";
import { BATCH, evaluate, specFor, trainStep } from "../weights/fcn-synthetic.js";
import { progress } from "./lib/progress.js";
import { parseTrainOptions } from "./lib/train-options.js";

let options;
try {
  options = parseTrainOptions(process.argv.slice(2));
} catch (e) {
  console.error(`npm run train: ${e.message}`);
  process.exit(2);
}
const { steps, out, lr, eval: evalImages } = options;

await fcn.ready();

function train(upsampling, label) {
  const net = fcn.Net.fromGraph(specFor("8s", upsampling), undefined, { seed: 7 });
  const optimizer = new fcn.Adam({ lr });
  const t0 = performance.now();
  let loss = 0;
  for (let step = 1; step <= steps; step++) {
    loss = trainStep(net, optimizer, (step - 1) * BATCH, BATCH);
    progress(step, steps, loss, (step * BATCH) / ((performance.now() - t0) / 1000), label);
  }
  if (process.stderr.isTTY) process.stderr.write("\n");
  const seconds = (performance.now() - t0) / 1000;
  return { net, loss, seconds, imagesPerSecond: (steps * BATCH) / seconds, ...evaluate(net, evalImages) };
}

if (options.experiment) {
  console.log(`FCN-8s (widths small), ${steps} Adam steps of ${BATCH} images, evaluated on ${evalImages} held-out images`);
  const rows = [];
  for (const [mode, name] of [["fixed", "fixed bilinear"], ["learned", "learned, bilinear init (FCN's)"], ["random-init", "learned, random init"]]) {
    const r = train(mode, `${mode.padEnd(11)} `);
    rows.push({ name, ...r });
  }
  console.log("\n| upsampling | final loss | pixel accuracy | mean IU | images/s |\n|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.name} | ${r.loss.toFixed(3)} | ${(100 * r.pixelAccuracy).toFixed(1)}% | ${(100 * r.meanIU).toFixed(1)}% | ${r.imagesPerSecond.toFixed(1)} |`);
} else {
  const r = train("learned", "");
  mkdirSync(dirname(out), { recursive: true });
  // "wx": a file that appeared while training is not replaced either, unless --force
  const bytes = fcn.saveSafetensors(Object.fromEntries(r.net.parameters()), { recipe: "fcn-synthetic.js", net: "8s", upsampling: "learned", steps: String(steps) });
  writeFileSync(out, bytes, { flag: options.force ? "w" : "wx" });
  console.log(`trained ${steps} steps (${r.imagesPerSecond.toFixed(1)} images/s); held-out pixel accuracy ${(100 * r.pixelAccuracy).toFixed(1)}%, mean IU ${(100 * r.meanIU).toFixed(1)}%`);
  console.log(`weights: ${out}`);
}

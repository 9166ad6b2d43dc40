// Export, reload, fine-tune, run: the shipped FCN-8s (weights/fcn-synthetic-8s.safetensors) goes out
// as an .onnx file, comes back with Net.fromOnnx as any exported model would, learns for a few
// Adam steps (its upsampling filters included: ONNX has no "frozen" flag, so an imported
// ConvTranspose trains like any other layer) and is written again.
//
//   node examples/onnx/finetune.js [--steps 20] [--eval 16] [--out out/fcn8s-finetuned.onnx]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Adam, Net, loadSafetensors, ready } from "fcn-wasm"; // the package, by its own name
import { BATCH, evaluate, specFor, trainStep, weightsUrl } from "../../weights/fcn-synthetic.js";

let values;
try {
  ({ values } = parseArgs({
    options: { steps: { type: "string", default: "20" }, eval: { type: "string", default: "16" }, out: { type: "string", default: "out/fcn8s-finetuned.onnx" } },
  }));
} catch (e) {
  console.error(`finetune: ${e.message}`);
  process.exit(2);
}
const steps = Number(values.steps), evalImages = Number(values.eval);
if (!(Number.isInteger(steps) && steps >= 0) || !(Number.isInteger(evalImages) && evalImages >= 1)) {
  console.error("finetune: --steps must be an integer ≥ 0 and --eval an integer ≥ 1");
  process.exit(2);
}

await ready();

// 1. The model as its author has it: a GraphSpec and trained weights.
const weightsFile = fileURLToPath(weightsUrl("8s"));
const original = Net.fromGraph(specFor("8s", "learned"), loadSafetensors(readFileSync(weightsFile)));

// 2. Out as ONNX, and back in, as a user with only the .onnx file would load it.
const onnx = original.toOnnx();
const net = Net.fromOnnx(onnx);
const before = evaluate(net, evalImages);
const same = evaluate(original, evalImages);
console.log(`exported ${onnx.length} bytes; reloaded: ${net.summary().layers.length} layers, ${net.parameters().size} parameter tensors`);
console.log(`held-out mean IU ${pct(before.meanIU)} (the original net: ${pct(same.meanIU)}), pixel accuracy ${pct(before.pixelAccuracy)}`);

// 3. Fine-tune the imported net: forward, loss, backward, Adam, on new synthetic images.
const optimizer = new Adam({ lr: 1e-4 });
let loss = NaN;
for (let step = 0; step < steps; step++) loss = trainStep(net, optimizer, (1000 + step) * BATCH, BATCH);
const after = evaluate(net, evalImages);
console.log(`fine-tuned ${steps} steps (last loss ${loss.toFixed(4)}): held-out mean IU ${pct(after.meanIU)}, pixel accuracy ${pct(after.pixelAccuracy)}`);

// 4. Written again: any ONNX runtime runs the fine-tuned model.
const tuned = net.toOnnx();
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, tuned);
const again = evaluate(Net.fromOnnx(tuned), evalImages);
console.log(`wrote ${values.out} (${tuned.length} bytes); reloaded it: mean IU ${pct(again.meanIU)}`);

function pct(v) {
  return `${(100 * v).toFixed(1)}%`;
}

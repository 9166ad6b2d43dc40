// `npm run bench:models [-- --quick] [-- --threads N] [-- --filter <substring of a model name>]`: whole ONNX models in fcn-wasm
// (Net.fromOnnx, relaxed build) and onnxruntime-web (wasm EP) in one process, on the same bytes:
// the generated models of test/models/generated.ts at benchmark sizes (U-Net, DCGAN generator,
// ESPCN, a segmentation head with a Shape→Resize chain, a Paddle-style block) and the FCN-8s demo
// net exported with net.toOnnx(). Per model: outputs checked against each other first (within
// 1e-4 of the output's scale), then load time (bytes → ready to run) and the median of interleaved
// timed runs; the ratio is onnxruntime-web's median over fcn-wasm's (> 1: fcn-wasm faster). With
// --threads N both run on N threads (ort's thread count is fixed per process: run once per N).
// Also prints the wasm bytes each runtime loads, and fcn-wasm's time when it writes the output into
// one reused array (`net.run(x, { out })`): a new output array's pages are fresh memory, whose first
// touch can cost more than the model on some machines (README "Speed: large outputs");
// onnxruntime-web 1.30's pre-allocated CPU outputs come back unfilled, so it has no such column.
import "./v8-flags.js";
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import * as fcn from "../dist/index.js";
import { dcgan, espcn, paddleBlock, segmentationHead, unet, type GeneratedModel } from "../test/models/generated.js";

const quick = process.argv.includes("--quick");
const threadsAt = process.argv.indexOf("--threads");
const threads = threadsAt >= 0 ? Number(process.argv[threadsAt + 1]) : 1;
if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error("bench:models: --threads needs an integer from 1 to 64");
const rounds = quick ? 3 : 15;
const filterAt = process.argv.indexOf("--filter");
const filter = filterAt >= 0 ? process.argv[filterAt + 1].toLowerCase() : "";
/** Idle time before each timed run on several threads (ms): well past a pool's spinning. */
const IDLE_GAP_MS = 20;
const idle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (v: number[]): number => v.slice().sort((a, b) => a - b)[v.length >> 1];

/** The shipped FCN-8s (weights/fcn-synthetic-8s.safetensors, learned upsampling) exported through toOnnx. */
async function fcn8sDemo(): Promise<GeneratedModel> {
  const { readFileSync } = await import("node:fs");
  const { specFor } = await import("../weights/fcn-synthetic.js");
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const weights = fcn.loadSafetensors(readFileSync(join(root, "weights/fcn-synthetic-8s.safetensors")));
  const spec = specFor("8s", "learned");
  const size = 128;
  const sized = { ...spec, input: { ...spec.input, shape: [1, 3, size, size] } };
  const net = fcn.Net.fromGraph(sized, weights);
  return { name: `FCN-8s demo (toOnnx) ${size}²`, bytes: net.toOnnx(), input: { name: sized.input.name, dims: [1, 3, size, size] }, output: sized.output, ops: [] };
}

ort.env.wasm.numThreads = threads;
ort.env.wasm.proxy = false;
ort.env.logLevel = "error";
await fcn.ready({ simd: "relaxed", threads });

const models: GeneratedModel[] = [
  unet(13, 128, 16),
  dcgan(13, 100, 256),
  espcn(13, "DCR", 3, 96, 96),
  segmentationHead(13, 224, 224, 21),
  paddleBlock(13, 56, 32),
  await fcn8sDemo(),
];

interface Row { model: string; fcnLoad: number; ortLoad: number; fcnMs: number; ortMs: number; outMs: number }
const rows: Row[] = [];
for (const m of models.filter((m) => m.name.toLowerCase().includes(filter))) {
  const n = m.input.dims.reduce((a, b) => a * b, 1);
  const x = fcn.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i)), m.input.dims.slice());
  let t0 = performance.now();
  const net = fcn.Net.fromOnnx(m.bytes);
  net.run(x); // the plan is laid out on the first run: part of getting ready
  const fcnLoad = performance.now() - t0;
  t0 = performance.now();
  const session = await ort.InferenceSession.create(m.bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const feeds = { [m.input.name]: new ort.Tensor("float32", x.data, m.input.dims) };
  await session.run(feeds);
  const ortLoad = performance.now() - t0;
  // outputs first
  const mine = net.run(x), theirs = (await session.run(feeds))[session.outputNames[0]].data as Float32Array;
  let scale = 0, diff = 0;
  for (let i = 0; i < theirs.length; i++) { scale = Math.max(scale, Math.abs(theirs[i])); diff = Math.max(diff, Math.abs(theirs[i] - mine.data[i])); }
  if (mine.data.length !== theirs.length || !(diff <= 1e-4 * scale)) throw new Error(`${m.name}: outputs differ (max |Δ| ${diff}, scale ${scale})`);
  const a: number[] = [], b: number[] = [], c: number[] = [];
  const out = new Float32Array(mine.data.length);
  net.run(x, { out });
  if (!out.every((v, i) => Object.is(v, mine.data[i]))) throw new Error(`${m.name}: net.run(x, { out }) differs from net.run(x)`);
  for (let r = 0; r < rounds; r++) {
    // interleaved, so both see the same machine load; with threads, an idle gap before each timed
    // run, so onnxruntime-web's pool threads (they spin a while after a call before they sleep)
    // no longer hold the cores fcn-wasm is timed on
    if (threads > 1) await idle(IDLE_GAP_MS);
    let s = performance.now(); net.run(x); a.push(performance.now() - s);
    if (threads > 1) await idle(IDLE_GAP_MS);
    s = performance.now(); await session.run(feeds); b.push(performance.now() - s);
    if (threads > 1) await idle(IDLE_GAP_MS);
    s = performance.now(); net.run(x, { out }); c.push(performance.now() - s);
  }
  rows.push({ model: m.name, fcnLoad, ortLoad, fcnMs: median(a), ortMs: median(b), outMs: median(c) });
  process.stderr.write(`${m.name}: fcn-wasm ${median(a).toFixed(1)} ms, onnxruntime-web ${median(b).toFixed(1)} ms\n`);
  net.dispose();
  await session.release();
}
await fcn.dispose();

const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve("onnxruntime-web"));
const ortWasm = statSync(join(ortDist, threads > 1 ? "ort-wasm-simd-threaded.wasm" : "ort-wasm-simd-threaded.wasm")).size;
const ourWasm = statSync(join(dirname(fileURLToPath(import.meta.url)), "../dist/wasm", threads > 1 ? "fcn-wasm.relaxed-threads.wasm" : "fcn-wasm.relaxed.wasm")).size;
const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const geo = Math.exp(rows.reduce((s, r) => s + Math.log(r.ortMs / r.fcnMs), 0) / rows.length);
console.log(`\nOne run, ${threads} thread${threads > 1 ? "s" : ""}, medians of ${rounds} interleaved runs (fcn-wasm relaxed build; onnxruntime-web ${ort.env.versions.web} wasm EP)\n`);
console.log("| model | fcn-wasm | onnxruntime-web | ratio | load fcn-wasm | load ort-web | fcn-wasm with out |\n|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.model} | ${ms(r.fcnMs)} | ${ms(r.ortMs)} | ${(r.ortMs / r.fcnMs).toFixed(2)}× | ${ms(r.fcnLoad)} | ${ms(r.ortLoad)} | ${ms(r.outMs)} |`);
console.log(`\ngeomean ratio ${geo.toFixed(2)}×; wasm loaded: fcn-wasm ${(ourWasm / 1024).toFixed(0)} KB, onnxruntime-web ${(ortWasm / 1024 / 1024).toFixed(1)} MB`);

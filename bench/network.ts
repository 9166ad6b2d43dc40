// `npm run bench:network [-- --quick] [-- --threads N]`: whole networks, fcn-wasm against
// onnxruntime-web (wasm EP) in one process.
//  - FCN-8s with VGG16 widths (fc6/fc7 4096, 21 classes, conv1_1 padded by 100; seeded random
//    weights: He for the VGG layers, and the parameters FCN starts at zero, the score layers and
//    the biases, filled with seeded uniform values so the output is not all zeros) forward at 64×64 and 224×224 on fcn-wasm's resident plan (Net.fromGraph), the
//    same weights run op by op, and the same net exported with net.toOnnx() run by
//    onnxruntime-web. Before timing, fcn-wasm's output is checked to be finite and of the input's
//    size, and onnxruntime-web's to agree with it (max |Δ| ≤ 1e-4 · max |y|). Then the runs are
//    interleaved (plan, op by op, onnxruntime-web, repeated) so all see the same machine load;
//    medians; ratio = onnxruntime-web's median / fcn-wasm's (> 1: fcn-wasm faster).
//  - one training step (forward, cross-entropy, backward, Adam) of the shipped small FCN-8s's
//    recipe (weights/fcn-synthetic.js, learned upsampling) on 4 generated 64×64 images, as images/s
//    (fcn-wasm only).
// Builds: 1 thread, SIMD128 and relaxed, onnxruntime-web on 1 thread. With --threads N: fcn-wasm
// relaxed on 1 and on N threads, onnxruntime-web on N threads (its thread count is fixed per
// process), timed and compared against the N-thread fcn-wasm only.
import "./v8-flags.js";
import * as ort from "onnxruntime-web";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";

const quick = process.argv.includes("--quick");
const threadsAt = process.argv.indexOf("--threads");
const threads = threadsAt >= 0 ? Number(process.argv[threadsAt + 1]) : 1;
if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error("bench:network: --threads needs an integer from 1 to 64");
const configs: { build: "simd" | "relaxed"; threads: number }[] = threads > 1
  ? [{ build: "relaxed", threads: 1 }, { build: "relaxed", threads }]
  : [{ build: "simd", threads: 1 }, { build: "relaxed", threads: 1 }];
/** Interleaved repetitions of each forward (plan, op by op, onnxruntime-web). */
const reps = quick ? 3 : 7;
const sizes = [64, 224];
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[v.length >> 1];

ort.env.wasm.numThreads = threads; // before the first session: fixed for the process
ort.env.wasm.proxy = false;
ort.env.logLevel = "error";

interface Row { build: string; work: string; ms: number; ortMs?: number; note: string }
const rows: Row[] = [];
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

function time(fn: () => void, n: number): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/**
 * The weights every net below gets: fromGraph's seeded init (He for VGG's convs, bilinear for the
 * upsamplings), with each all-zero parameter (FCN's score layers, the biases) replaced by seeded
 * uniform values of variance 1/fanIn (biases: ±0.1), so every layer contributes to the output the
 * two runtimes are compared on. Passed to fromGraph, which copies them (the timed nets' own
 * parameters are never handed out, so their plans keep them resident).
 */
function benchWeights(): Map<string, fcn.Tensor> {
  const seeded = fcn.Net.fromGraph(fcn.fcn({ variant: "8s", classes: 21, inputShape: [1, 3, 64, 64] }), undefined, { seed: 1 });
  const rand = mulberry32(7);
  const weights = new Map<string, fcn.Tensor>();
  for (const [name, t] of seeded.parameters()) {
    if (!t.data.every((v) => v === 0)) { weights.set(name, fcn.tensor(Float32Array.from(t.data), t.shape.slice())); continue; }
    // a = √(3 / fanIn): uniform [−a, a) has variance 1/fanIn (fanIn = C·kH·kW of a conv weight)
    const a = t.shape.length > 1 ? Math.sqrt(3 / (t.data.length / t.shape[0])) : 0.1;
    weights.set(name, fcn.tensor(Float32Array.from(t.data, () => (2 * rand() - 1) * a), t.shape.slice()));
  }
  seeded.dispose();
  return weights;
}

await fcn.ready({ simd: configs[0].build, threads: configs[0].threads });
const weights = benchWeights();

for (const size of sizes) {
  const spec = fcn.fcn({ variant: "8s", classes: 21, inputShape: [1, 3, size, size] });
  const x = fcn.tensor(Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i)), [1, 3, size, size]);
  // One onnxruntime-web session per size (the weights are 540 MB: one session at a time), made
  // from the first config's net; every config's net has the same weights.
  let session: ort.InferenceSession | null = null;
  let ortLoad = 0;
  const feeds = { [spec.input.name]: new ort.Tensor("float32", x.data, [1, 3, size, size]) };
  for (const config of configs) {
    await fcn.ready({ simd: config.build, threads: config.threads });
    const build = config.threads > 1 ? `${config.build} ×${config.threads}` : config.build;
    const net = fcn.Net.fromGraph(spec, weights);
    const y = net.run(x); // warm-up and check
    if (y.shape.join() !== `1,21,${size},${size}` || !y.data.every(Number.isFinite) || y.data.every((v) => v === 0)) throw new Error(`FCN-8s ${size}²: bad output ${y.shape}`);
    if (!session) {
      process.stderr.write(`FCN-8s VGG16 ${size}²: exporting with toOnnx and loading into onnxruntime-web…\n`);
      const t0 = performance.now();
      session = await ort.InferenceSession.create(net.toOnnx(), { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
      await session.run(feeds);
      ortLoad = performance.now() - t0;
    }
    const withOrt = config.threads === threads;
    const ortRun = async (): Promise<Float32Array> => (await session!.run(feeds))[session!.outputNames[0]].data as Float32Array;
    if (withOrt) {
      // outputs first: onnxruntime-web against fcn-wasm, element by element
      const theirs = await ortRun();
      let scale = 0, diff = 0;
      for (let i = 0; i < y.data.length; i++) { scale = Math.max(scale, Math.abs(y.data[i])); diff = Math.max(diff, Math.abs(theirs[i] - y.data[i])); }
      if (theirs.length !== y.data.length || !(diff <= 1e-4 * scale)) throw new Error(`FCN-8s ${size}² (${build}): onnxruntime-web differs from fcn-wasm (max |Δ| ${diff}, max |y| ${scale})`);
      process.stderr.write(`FCN-8s VGG16 ${size}² (${build}): onnxruntime-web agrees, max |Δ| = ${(diff / scale).toExponential(1)} · max |y|\n`);
    }
    // The same weights run op by op (every layer copies its operands in and its output out), to
    // show what the resident plan saves.
    const copying = fcn.Net.fromGraph(spec, weights, { resident: false });
    copying.run(x);
    process.stderr.write(`FCN-8s VGG16 ${size}² (${build}): timing, ${reps} interleaved rounds…\n`);
    const planned: number[] = [], copied: number[] = [], theirs: number[] = [];
    for (let i = 0; i < reps; i++) {
      planned.push(time(() => net.run(x), 1));
      copied.push(time(() => copying.run(x), 1));
      if (withOrt) {
        const t0 = performance.now();
        await ortRun();
        theirs.push(performance.now() - t0);
      }
    }
    const ms = median(planned);
    const top = [...net.timings].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ");
    rows.push({ build, work: `FCN-8s VGG16 forward ${size}×${size}`, ms, ortMs: withOrt ? median(theirs) : undefined, note: `resident plan; slowest: ${top}` });
    rows.push({ build, work: `FCN-8s VGG16 forward ${size}×${size}, op by op`, ms: median(copied), note: `every layer copies in and out: ${(median(copied) / ms).toFixed(2)}× the plan's time` });
    net.dispose();
    copying.dispose();
  }
  process.stderr.write(`FCN-8s VGG16 ${size}²: onnxruntime-web load (bytes → first run) ${fmt(ortLoad)}\n`);
  await session?.release();
}

for (const config of configs) {
  await fcn.ready({ simd: config.build, threads: config.threads });
  const build = config.threads > 1 ? `${config.build} ×${config.threads}` : config.build;
  const { specFor, trainStep, BATCH } = await import("../weights/fcn-synthetic.js");
  const small = fcn.Net.fromGraph(specFor("8s", "learned"), undefined, { seed: 1 });
  const adam = new fcn.Adam({ lr: 1e-3 });
  let start = 0;
  trainStep(small, adam, start, BATCH);
  const ms = time(() => { start += BATCH; trainStep(small, adam, start, BATCH); }, quick ? 3 : 10);
  rows.push({ build, work: `demo FCN-8s training step (${BATCH} images 64×64)`, ms, note: `${((1000 * BATCH) / ms).toFixed(1)} images/s` });
}

await fcn.dispose();
console.log(`\nOne run, fcn-wasm ${configs.map((c) => (c.threads > 1 ? `${c.build} ×${c.threads}` : c.build)).join(" and ")}; onnxruntime-web ${ort.env.versions.web} wasm EP on ${threads} thread${threads > 1 ? "s" : ""}, ` +
  `the same weights through toOnnx, outputs checked first; medians of ${reps} interleaved runs (training: of ${quick ? 3 : 10} steps). ratio = onnxruntime-web / fcn-wasm (> 1: fcn-wasm faster).\n`);
console.log("| build | work | fcn-wasm | onnxruntime-web | ratio | note |\n|---|---|---:|---:|---:|---|");
for (const r of rows) {
  const ortCells = r.ortMs === undefined ? "— | —" : `${fmt(r.ortMs)} | ${(r.ortMs / r.ms).toFixed(2)}×`;
  console.log(`| ${r.build} | ${r.work} | ${fmt(r.ms)} | ${ortCells} | ${r.note} |`);
}

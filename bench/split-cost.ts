// What splitting a model's layers over two threads costs and gains: each generated model of
// bench:models in one process on a 2-thread pool, as three plans run interleaved: one left to its
// per-layer tuner (src/nn/split-tuner.ts, after its trial runs), one with every layer split as the
// thresholds say, one with no layer split (every layer on the calling thread); each writes into
// one reused output (net.run(x, { out }): no first touch of fresh memory), with and without an
// idle gap before each run. Prints the medians of wall time and of the process's CPU time
// (process.cpuUsage: every thread's user + system time). A split whose pieces ran side by side
// shows CPU time above wall time; CPU time above the unsplit run's is work the split added.
// First, the machine's own floor, without fcn-wasm: a worker_thread and this thread each run the
// same fixed wasm arithmetic (no memory, no pool), woken the way the pool wakes its workers, and
// the time both take is set beside the time one takes alone: what any two-thread split can get
// here at best, back to back and after the idle gap.
//   npx tsx bench/split-cost.ts [--gap ms] [--reps 21]
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { dcgan, espcn, paddleBlock, segmentationHead, unet } from "../test/models/generated.js";
import { Worker } from "node:worker_threads";
import { SPLIT_TRIALS, type SplitTuner } from "../dist/nn/split-tuner.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const GAP = arg("gap", 0), REPS = arg("reps", 21);
const idle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (v: number[]): number => v.slice().sort((a, b) => a - b)[v.length >> 1];

/**
 * A wasm module of one function, spin(n): x = 0; for k < n: x += √(x + k); returns x (f64
 * arithmetic only, hand-assembled: type (i32) → f64, export "spin", locals k: i32, x: f64).
 */
const SPIN_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7c, // type section: (i32) → f64
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00, // export "spin" = function 0
  0x0a, 0x2c, 0x01, 0x2a, 0x02, 0x01, 0x7f, 0x01, 0x7c, // code section, one body: locals k: i32, x: f64
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x01, 0x20, 0x00, 0x4e, 0x0d, 0x01, // if k ≥ n: break
  0x20, 0x02, 0x20, 0x02, 0x20, 0x01, 0xb7, 0xa0, 0x9f, 0xa0, 0x21, 0x02, // x = x + √(x + f64(k))
  0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c, 0x00, // k += 1; continue
  0x0b, 0x0b, 0x20, 0x02, 0x0b, // end loop, end block, return x
]);

/** Medians of one thread's spin alone and of two threads' (this one and a worker's) side by side: wall ms. */
async function machineFloor(n: number): Promise<{ alone: number; both: number; bothCpu: number }> {
  const spin = new WebAssembly.Instance(new WebAssembly.Module(SPIN_WASM)).exports.spin as (n: number) => number;
  // the hand-assembled module computes what it says, checked against the same loop in JS first
  let want = 0;
  for (let k = 0; k < n; k++) want += Math.sqrt(want + k);
  if (spin(n) !== want) throw new Error(`spin(${n}) gives ${spin(n)}, the JS loop ${want}`);
  const ctl = new Int32Array(new SharedArrayBuffer(8)); // [go sequence, done sequence]
  const worker = new Worker(`
    const { workerData } = require("node:worker_threads");
    const spin = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes)).exports.spin;
    const ctl = new Int32Array(workerData.ctl);
    for (let seq = 0; ; ) {
      Atomics.wait(ctl, 0, seq);
      seq = Atomics.load(ctl, 0);
      spin(workerData.n);
      Atomics.store(ctl, 1, seq);
      Atomics.notify(ctl, 1);
    }`, { eval: true, workerData: { bytes: SPIN_WASM, ctl: ctl.buffer, n } });
  await idle(100);
  const alone: number[] = [], both: number[] = [], bothCpu: number[] = [];
  spin(n);
  for (let seq = 1; seq <= REPS; seq++) {
    if (GAP > 0) await idle(GAP);
    let t0 = performance.now();
    spin(n);
    alone.push(performance.now() - t0);
    if (GAP > 0) await idle(GAP);
    const c0 = process.cpuUsage();
    t0 = performance.now();
    Atomics.store(ctl, 0, seq);
    Atomics.notify(ctl, 0);
    spin(n);
    while (Atomics.load(ctl, 1) !== seq) Atomics.wait(ctl, 1, seq - 1, 1000);
    both.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    bothCpu.push((c.user + c.system) / 1000);
  }
  await worker.terminate();
  return { alone: median(alone), both: median(both), bothCpu: median(bothCpu) };
}

console.log(`the machine's floor: the same wasm arithmetic on one thread, and on two side by side (no fcn-wasm), medians of ${REPS}, ${GAP} ms idle before each\n`);
console.log("| work per thread | one thread alone: wall ms | two threads: wall ms | two threads: CPU ms | two threads ÷ one alone |\n|---|---:|---:|---:|---:|");
for (const n of [1e5, 5e5, 2e6]) {
  const f = await machineFloor(n);
  console.log(`| ${n.toExponential(0)} steps | ${f.alone.toFixed(2)} | ${f.both.toFixed(2)} | ${f.bothCpu.toFixed(2)} | ${(f.both / f.alone).toFixed(2)} |`);
}
console.log("");

await fcn.ready({ simd: "relaxed", threads: 2 });
const models = [unet(13, 128, 16), dcgan(13, 100, 256), espcn(13, "DCR", 3, 96, 96), segmentationHead(13, 224, 224, 21), paddleBlock(13, 56, 32)];
const MODES = ["tuned", "split", "single"] as const;
/** A net's plan's tuner (a private field: benchmarks hold plans split or unsplit through it). */
const tunerOf = (net: fcn.Net) => (net as unknown as { plan: { tuner: SplitTuner } }).plan.tuner;
console.log(`relaxed build, 2 threads, one process, medians of ${REPS} interleaved runs, ${GAP} ms idle before each; wall / CPU ms`);
console.log("tuned: the plan's own per-layer choice (src/nn/split-tuner.ts) after its trial runs; split: every layer as the thresholds say; single: no layer split\n");
console.log("| model | tuned | split | single |\n|---|---:|---:|---:|");
for (const m of models) {
  const n = m.input.dims.reduce((a, b) => a * b, 1);
  const x = fcn.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i)), m.input.dims.slice());
  // three plans of the same model: one left to its tuner, one held split, one held unsplit
  const nets = MODES.map(() => fcn.Net.fromOnnx(m.bytes));
  const want = nets[0].run(x);
  for (const k of [1, 2] as const) {
    nets[k].run(x);
    tunerOf(nets[k]).decideAll(MODES[k] as "split" | "single");
  }
  // the tuner's trials, under the same idle gaps (the first run above was one)
  for (let r = 1; r < 2 * SPLIT_TRIALS; r++) {
    if (GAP > 0) await idle(GAP);
    nets[0].run(x);
  }
  const out = new Float32Array(want.data.length);
  const times = MODES.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < REPS; r++) {
    for (let k = 0; k < MODES.length; k++) {
      if (GAP > 0) await idle(GAP);
      const c0 = process.cpuUsage(), t0 = performance.now();
      nets[k].run(x, { out });
      const wall = performance.now() - t0, c = process.cpuUsage(c0);
      // the same bits whichever way it ran (a split never divides a reduction)
      if (!out.every((v, i) => Object.is(v, want.data[i]))) throw new Error(`${m.name}: the ${MODES[k]} run differs`);
      times[k].wall.push(wall);
      times[k].cpu.push((c.user + c.system) / 1000);
    }
  }
  const f = (v: number[]) => median(v).toFixed(2);
  console.log(`| ${m.name} | ${times.map((t) => `${f(t.wall)} / ${f(t.cpu)}`).join(" | ")} |`);
  nets.forEach((net) => net.dispose());
}
await fcn.dispose();

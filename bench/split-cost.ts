// What splitting a model's layers over two threads costs and gains: each generated model of
// bench:models in one process on a 2-thread pool, run with the pool's split thresholds in force
// and with splitting turned off (every layer on the calling thread), interleaved, each writing
// into one reused output (net.run(x, { out }): no first touch of fresh memory), with and without
// an idle gap before each run. Prints the medians of wall time and of the process's CPU time
// (process.cpuUsage: every thread's user + system time). A split whose pieces ran side by side
// shows CPU time above wall time; CPU time above the unsplit run's is work the split added.
//   npx tsx bench/split-cost.ts [--gap ms] [--reps 21]
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { splitThresholds } from "../dist/ops/run.js";
import { dcgan, espcn, paddleBlock, segmentationHead, unet } from "../test/models/generated.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const GAP = arg("gap", 0), REPS = arg("reps", 21);
const idle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (v: number[]): number => v.slice().sort((a, b) => a - b)[v.length >> 1];

await fcn.ready({ simd: "relaxed", threads: 2 });
const saved = { ...splitThresholds };
const models = [unet(13, 128, 16), dcgan(13, 100, 256), espcn(13, "DCR", 3, 96, 96), segmentationHead(13, 224, 224, 21), paddleBlock(13, 56, 32)];
console.log(`relaxed build, 2 threads, one process, medians of ${REPS} interleaved runs, ${GAP} ms idle before each\n`);
console.log("| model | split: wall ms | split: CPU ms | not split: wall ms | not split: CPU ms |\n|---|---:|---:|---:|---:|");
for (const m of models) {
  const n = m.input.dims.reduce((a, b) => a * b, 1);
  const x = fcn.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i)), m.input.dims.slice());
  const net = fcn.Net.fromOnnx(m.bytes);
  const want = net.run(x);
  const out = new Float32Array(want.data.length);
  const times = { split: { wall: [] as number[], cpu: [] as number[] }, single: { wall: [] as number[], cpu: [] as number[] } };
  for (let r = 0; r < REPS; r++) {
    for (const mode of ["split", "single"] as const) {
      Object.assign(splitThresholds, mode === "split" ? saved : { macs: Infinity, bytes: Infinity });
      if (GAP > 0) await idle(GAP);
      const c0 = process.cpuUsage(), t0 = performance.now();
      net.run(x, { out });
      const wall = performance.now() - t0, c = process.cpuUsage(c0);
      // the same bits whichever way it ran (a split never divides a reduction)
      if (!out.every((v, i) => Object.is(v, want.data[i]))) throw new Error(`${m.name}: the ${mode} run differs`);
      times[mode].wall.push(wall);
      times[mode].cpu.push((c.user + c.system) / 1000);
    }
  }
  Object.assign(splitThresholds, saved);
  const f = (v: number[]) => median(v).toFixed(2);
  console.log(`| ${m.name} | ${f(times.split.wall)} | ${f(times.split.cpu)} | ${f(times.single.wall)} | ${f(times.single.cpu)} |`);
  net.dispose();
}
await fcn.dispose();

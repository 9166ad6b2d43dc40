// `npm run bench:network [-- --quick] [-- --threads N]`: whole networks on fcn-wasm (1 thread,
// both builds; with --threads N, the relaxed build on 1 and on N threads).
//  - FCN-8s with VGG16 widths (fc6/fc7 4096, 21 classes, random weights, conv1_1 padded by 100)
//    forward at 64×64 and 224×224 (fcn-wasm alone: no peer runs here, so no ratio to one);
//  - one training step (forward, cross-entropy, backward, Adam) of the small demo FCN-8s
//    (weights/fcn8s-synthetic.js) on 4 generated 64×64 images, as images/s.
// The output of the VGG16 forward is checked to be finite and of the input's size before timing.
import "./v8-flags.js";
import * as fcn from "../dist/index.js";

const quick = process.argv.includes("--quick");
const threadsAt = process.argv.indexOf("--threads");
const threads = threadsAt >= 0 ? Number(process.argv[threadsAt + 1]) : 1;
if (!Number.isInteger(threads) || threads < 1) throw new Error(`bench:network: --threads needs a positive integer`);
const configs: { build: "simd" | "relaxed"; threads: number }[] = threads > 1
  ? [{ build: "relaxed", threads: 1 }, { build: "relaxed", threads }]
  : [{ build: "simd", threads: 1 }, { build: "relaxed", threads: 1 }];
const reps = quick ? 1 : 3;
const median = (v: number[]) => v.slice().sort((a, b) => a - b)[v.length >> 1];

interface Row { build: string; work: string; ms: number; note: string }
const rows: Row[] = [];

function time(fn: () => void, n: number): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

for (const config of configs) {
  await fcn.ready({ simd: config.build, threads: config.threads });
  const build = config.threads > 1 ? `${config.build} ×${config.threads}` : config.build;
  for (const size of quick ? [64] : [64, 224]) {
    const spec = fcn.fcn({ variant: "8s", classes: 21, inputShape: [1, 3, size, size] });
    const net = fcn.Net.fromGraph(spec, undefined, { seed: 1 });
    const x = fcn.tensor(Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i)), [1, 3, size, size]);
    const y = net.run(x); // warm-up and check
    if (y.shape.join() !== `1,21,${size},${size}` || !y.data.every(Number.isFinite)) throw new Error(`FCN-8s ${size}²: bad output ${y.shape}`);
    // The same weights run op by op (every layer copies its operands in and its output out), to
    // show what the resident plan saves; timed alternately so both see the same machine load.
    const copying = fcn.Net.fromGraph(spec, net.parameters(), { resident: false });
    copying.run(x);
    process.stderr.write(`FCN-8s VGG16 ${size}² (${build})…\n`);
    const planned: number[] = [], copied: number[] = [];
    for (let i = 0; i < reps; i++) {
      planned.push(time(() => net.run(x), 1));
      copied.push(time(() => copying.run(x), 1));
    }
    const ms = median(planned);
    const top = [...net.timings].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(", ");
    rows.push({ build, work: `FCN-8s VGG16 forward ${size}×${size}`, ms, note: `resident plan; slowest: ${top}` });
    rows.push({ build, work: `FCN-8s VGG16 forward ${size}×${size}, op by op`, ms: median(copied), note: `every layer copies in and out: ${(median(copied) / ms).toFixed(2)}× the plan's time` });
    net.dispose();
  }
  const { demoSpec, trainStep, BATCH } = await import("../weights/fcn8s-synthetic.js");
  const small = fcn.Net.fromGraph(demoSpec("fixed"), undefined, { seed: 1 });
  const adam = new fcn.Adam({ lr: 1e-3 });
  let start = 0;
  trainStep(small, adam, start, BATCH);
  const ms = time(() => { start += BATCH; trainStep(small, adam, start, BATCH); }, quick ? 3 : 10);
  rows.push({ build, work: `demo FCN-8s training step (${BATCH} images 64×64)`, ms, note: `${((1000 * BATCH) / ms).toFixed(1)} images/s` });
}

await fcn.dispose();
console.log("| build | work | median | note |\n|---|---|---:|---|");
for (const r of rows) console.log(`| ${r.build} | ${r.work} | ${r.ms >= 1000 ? `${(r.ms / 1000).toFixed(2)} s` : `${r.ms.toFixed(0)} ms`} | ${r.note} |`);

// `npm run soak`: many mixed calls in one process — ops, async ops, resident tensors disposed and
// forgotten, Net cycles (run, backward, dispose), forgotten Nets, Net.runAsync, erroring calls —
// printing RSS and WebAssembly memory as it goes, to show that memory stays bounded (README "Memory").
//   npm run soak -- --calls 5000 --threads 2 --budget 64   (budget in MiB; fcn-wasm's default is 1024)
// The mix is seeded (the same calls every run). It never forces a garbage collection: forgotten
// Nets are bounded by the resident budget (their plans are evicted), not by the GC.
import os from "node:os";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const calls = option("calls", 5000);
const threads = option("threads", 2);
const budgetMiB = option("budget", 64);
const rows = option("rows", 20);
const MiB = 2 ** 20;

const info = await fcn.ready({ threads });
fcn.setResidentBudget(budgetMiB * MiB);

// The package's seeded generator, so the mix is the same on every run.
const random = mulberry32(12345);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const rand = (shape) => fcn.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1), shape);

/** FCN-8s with small widths (≈ 7.7 MiB of plan each at 64×64, 6.7 MiB at 48×48). */
const fcnSpec = (side) => fcn.fcn({ variant: "8s", classes: 3, widths: [4, 6, 8, 8, 8], fc: 12, learnUpsampling: true, inputShape: [1, 3, side, side] });

const counts = { ops: 0, async: 0, resident: 0, nets: 0, forgotten: 0, errors: 0 };

/** One call of the mix; returns a promise for the async kinds. */
async function call() {
  const kind = random();
  if (kind < 0.3) {
    counts.ops++;
    const C = int(1, 8), M = int(1, 8), H = int(4, 40);
    const x = rand([1, C, H, H]);
    fcn.conv(x, rand([M, C, 3, 3]), null, { pads: 1 });
    fcn.convTranspose(x, rand([C, M, 4, 4]), rand([M]), { strides: 2, pads: 1 });
    fcn.maxPool(x, { kernelShape: 2, strides: 2 });
    fcn.gemm(rand([int(1, 64), 32]), rand([32, int(1, 64)]));
  } else if (kind < 0.45) {
    counts.async++;
    const x = rand([1, 8, 32, 32]);
    const pending = random() < 0.5 ? fcn.convAsync(x, rand([8, 8, 3, 3]), null, { pads: 1 }) : fcn.matmulAsync(rand([3, 40, 50]), rand([50, 30]));
    x.data.fill(0); // the async forms took their operands at call time
    await pending;
  } else if (kind < 0.6) {
    counts.resident++;
    const w = fcn.resident(rand([16, 8, 4, 4]));
    fcn.convTranspose(rand([1, 16, 12, 12]), w, null, { strides: 2 });
    if (random() < 0.8) w.dispose(); // else forgotten: freed when collected
  } else if (kind < 0.75) {
    counts.nets++;
    const net = fcn.Net.fromGraph(fcnSpec(48), undefined, { seed: int(1, 1e6) });
    net.training = random() < 0.5;
    const x = rand([1, 3, 48, 48]);
    const y = random() < 0.5 ? net.run(x) : await net.runAsync(x);
    if (net.training) net.backward(fcn.tensor(new Float32Array(y.data.length).fill(1e-3), y.shape.slice()));
    net.dispose();
  } else if (kind < 0.9) {
    counts.forgotten++;
    fcn.Net.fromGraph(fcnSpec(64), undefined, { seed: int(1, 1e6) }).run(rand([1, 3, 64, 64])); // never disposed
  } else {
    counts.errors++;
    const attempts = [
      () => fcn.conv(rand([1, 3, 8, 8]), rand([4, 2, 3, 3])), // ShapeError: channels
      () => fcn.convTranspose(rand([1, 2, 4, 4]), rand([2, 2, 3, 3]), null, { strides: 0 }), // AttributeError
      () => fcn.gemm(fcn.tensor(new Float32Array(70000), [70000, 1]), fcn.tensor(new Float32Array(70000), [1, 70000])), // OutOfMemoryError: 18 GiB
      () => fcn.Net.fromGraph(fcnSpec(32)).run(rand([1, 4, 32, 32])), // ShapeError: input channels
    ];
    try {
      attempts[int(0, attempts.length - 1)]();
      throw new Error("soak: an erroring call did not throw");
    } catch (e) {
      if (!(e instanceof fcn.FcnWasmError)) throw e;
    }
  }
}

const mib = (n) => (n / MiB).toFixed(1);
const header = ["calls", "seconds", "RSS MiB", "JS heap MiB", "wasm MiB", "zone MiB", "plans", "plan MiB", "evictions"];
const table = [];
const sample = (done, t0) => {
  const m = fcn.memoryInfo(), u = process.memoryUsage();
  const row = [done, ((performance.now() - t0) / 1000).toFixed(1), mib(u.rss), mib(u.heapUsed), mib(m.wasmBytes), mib(m.zoneBytes), m.plans, mib(m.planBytes), m.evictions];
  table.push(row);
  console.log(row.map((v, i) => String(v).padStart(header[i].length)).join("  "));
  return m;
};

console.log(`fcn-wasm soak: ${calls} calls, ${info.threads} thread(s) (${info.build}), resident budget ${budgetMiB} MiB, Node ${process.version}, ${os.cpus()[0]?.model ?? "?"} × ${os.availableParallelism?.() ?? os.cpus().length}, ${new Date().toISOString().slice(0, 10)}`);
console.log(header.join("  "));
const t0 = performance.now();
let maxWasm = sample(0, t0).wasmBytes;
const every = Math.max(1, Math.floor(calls / rows));
for (let i = 1; i <= calls; i++) {
  await call();
  if (i % every === 0 || i === calls) maxWasm = Math.max(maxWasm, sample(i, t0).wasmBytes);
}
console.log(`mix: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ")}`);
console.log(`largest wasm memory: ${mib(maxWasm)} MiB (budget ${budgetMiB} MiB for the resident zone)`);
await fcn.dispose();

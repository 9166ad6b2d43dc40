// Where the time of a large-output op goes: the FCN upsamplings (21 channels, 7–25 MB outputs) as
// one public call (fcn.convTranspose, resident weights, as `npm run bench` times it), the same
// op's work inside wasm memory alone (operands already there, no copy in or out), and the copy of
// its output out of wasm memory into a fresh Float32Array (what every call returns) and into one
// already written (what a reused buffer would cost). On a VM whose first touch of a fresh page is
// slow, the fresh copy can cost more than the arithmetic, for every runtime that hands back a new
// array; this measures it in one run so the figures can be set side by side, with the whole call
// given `{ out }` (the same array every time: options.out, src/ops/output-array.ts).
// With --threads 2 it times instead the whole call on one thread and on two (the pool's split turned
// off and on in one process, interleaved), each without and with `out`: the copy out runs on the
// calling thread, so its first touch is the serial part that caps a split.
//   npx tsx bench/output-first-touch.ts [--reps 9] [--threads 2]
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";
import { operand, splitThresholds, withArena } from "../dist/ops/run.js";
import { packTransposedWeights, packedBuffers, packedWeightBytes, runTransposed } from "../dist/ops/conv-transpose/algorithm.js";
import { resolveConvTranspose } from "../dist/shape.js";

const at = process.argv.indexOf("--reps");
const REPS = at >= 0 ? Number(process.argv[at + 1]) : 9;
const tAt = process.argv.indexOf("--threads");
const THREADS = tAt >= 0 ? Number(process.argv[tAt + 1]) : 1;
const median = (a: number[]) => a.slice().sort((p, q) => p - q)[Math.floor(a.length / 2)];

/** Throws unless a and b hold the same bits (what is timed must compute the same result). */
function checkSameBits(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length || !a.every((v, i) => Object.is(v, b[i]))) throw new Error(`${what}: the results differ`);
}

/** [name, C = M, input side, k, s]: FCN's dense 21-channel upsamplings of `npm run bench`, and a decoder layer. */
const SHAPES: [string, number, number, number, number][] = [
  ["convT k4 s2 p0 21->21 34x34 dense", 21, 34, 4, 2],
  ["convT k16 s8 p0 21->21 34x34 dense", 21, 34, 16, 8],
  ["convT k64 s32 p0 21->21 8x8 dense", 21, 8, 64, 32],
  ["convT k64 s32 p0 21->21 16x16 dense", 21, 16, 64, 32],
  ["convT k4 s2 p0 64->64 64x64", 64, 64, 4, 2],
];

if (THREADS > 1) {
  await threadsTable();
  process.exit(0);
}

/** --threads N: whole calls on 1 and N threads, without and with out. */
async function threadsTable(): Promise<void> {
  await fcn.ready({ simd: "relaxed", threads: THREADS });
  const saved = { ...splitThresholds };
  console.log(`relaxed build, 1 and ${THREADS} threads in one process, medians of ${REPS} interleaved repetitions\n`);
  console.log(`| shape | output MB | 1 thread ms | ${THREADS} threads ms | speed-up | 1 thread, out ms | ${THREADS} threads, out ms | speed-up with out |\n|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const [name, C, H, k, s] of SHAPES) {
    const r = mulberry32(C * 131 + H + k);
    const rnd = (n: number) => Float32Array.from({ length: n }, () => 2 * r() - 1);
    const w = fcn.resident(fcn.tensor(rnd(C * C * k * k), [C, C, k, k])), b = fcn.resident(fcn.tensor(rnd(C), [C]));
    const x = fcn.tensor(rnd(C * H * H), [1, C, H, H]);
    const y = fcn.convTranspose(x, w, b, { strides: [s, s] });
    const out = new Float32Array(y.data.length);
    const cases = {
      one: [false, false], many: [true, false], oneOut: [false, true], manyOut: [true, true],
    } as const;
    const times: Record<keyof typeof cases, number[]> = { one: [], many: [], oneOut: [], manyOut: [] };
    // every case first, checked to give y's bits (a split never divides a reduction)
    for (const [key, [split, withOut]] of Object.entries(cases)) {
      Object.assign(splitThresholds, split ? saved : { macs: Infinity, bytes: Infinity });
      out.fill(NaN);
      checkSameBits(fcn.convTranspose(x, w, b, { strides: [s, s] }, withOut ? { out } : {}).data, y.data, `${name}, ${key}`);
    }
    for (let i = 0; i < REPS + 1; i++) {
      for (const [key, [split, withOut]] of Object.entries(cases)) {
        Object.assign(splitThresholds, split ? saved : { macs: Infinity, bytes: Infinity });
        const t0 = performance.now();
        fcn.convTranspose(x, w, b, { strides: [s, s] }, withOut ? { out } : {});
        if (i > 0) times[key as keyof typeof cases].push(performance.now() - t0);
      }
    }
    Object.assign(splitThresholds, saved);
    w.dispose();
    b.dispose();
    const m = (k2: keyof typeof cases) => median(times[k2]);
    console.log(`| ${name} | ${((y.data.length * 4) / 2 ** 20).toFixed(1)} | ${m("one").toFixed(2)} | ${m("many").toFixed(2)} | ${(m("one") / m("many")).toFixed(2)}× | ${m("oneOut").toFixed(2)} | ${m("manyOut").toFixed(2)} | ${(m("oneOut") / m("manyOut")).toFixed(2)}× |`);
  }
  await fcn.dispose();
}

await fcn.ready({ simd: "relaxed", threads: 1 });
console.log(`relaxed build, 1 thread, medians of ${REPS} interleaved repetitions\n`);
console.log("| shape | output MB | whole call ms | whole call with out ms | op in wasm ms (algorithm) | copy out, fresh array ms | copy out, written array ms |\n|---|---:|---:|---:|---:|---:|---:|");
for (const [name, C, H, k, s] of SHAPES) {
  const r = mulberry32(C * 131 + H + k);
  const rnd = (n: number) => Float32Array.from({ length: n }, () => 2 * r() - 1);
  const xShape = [1, C, H, H], wShape = [C, C, k, k];
  const g = resolveConvTranspose(xShape, wShape, [C], { strides: [s, s] });
  const n = g.outShape.reduce((a, b) => a * b, 1);
  const x = fcn.tensor(rnd(C * H * H), xShape), w = fcn.tensor(rnd(C * C * k * k), wShape), b = fcn.tensor(rnd(C), [C]);
  const wr = fcn.resident(w), br = fcn.resident(b);
  const algorithm = fcn.convTransposePlan(xShape, wShape, { strides: [s, s] }).algorithm;
  const times = { call: [] as number[], callOut: [] as number[], op: [] as number[], fresh: [] as number[], written: [] as number[] };
  const reused = new Float32Array(n), out = new Float32Array(n);
  withArena((rt) => {
    const px = operand(rt, x, "x"), pw = operand(rt, w, "w"), pb = operand(rt, b, "b");
    // the op alone: the algorithm 'auto' takes, on its weights packed ahead as a resident w keeps them
    const packed = rt.arena.alloc(packedWeightBytes(g, algorithm), "packed w"), y = rt.arena.alloc(n * 4, "y");
    rt.arena.commit();
    packTransposedWeights(rt, g, algorithm, pw, packed);
    const kept = packedBuffers(algorithm, packed);
    const run = {
      call: () => { fcn.convTranspose(x, wr, br, { strides: [s, s] }); },
      callOut: () => { fcn.convTranspose(x, wr, br, { strides: [s, s] }, { out }); },
      op: () => withArena(rt, () => runTransposed(rt, algorithm, { g, x: px, w: pw, b: pb, y, ...kept })),
      fresh: () => { new Float32Array(n).set(rt.arena.f32(y, n)); }, // as arena.take does
      written: () => { reused.set(rt.arena.f32(y, n)); },
    };
    for (const f of Object.values(run)) f();
    // checked first: the call with and without out, and the op alone, give the same y
    const whole = fcn.convTranspose(x, wr, br, { strides: [s, s] }).data;
    checkSameBits(out, whole, `${name}, with out`);
    checkSameBits(rt.arena.f32(y, n), whole, `${name}, the op alone`);
    for (let i = 0; i < REPS; i++) {
      for (const [key, f] of Object.entries(run)) {
        const t0 = performance.now();
        f();
        times[key as keyof typeof times].push(performance.now() - t0);
      }
    }
  });
  wr.dispose();
  br.dispose();
  const ms = (v: number[]) => median(v).toFixed(2);
  console.log(`| ${name} | ${((n * 4) / 2 ** 20).toFixed(1)} | ${ms(times.call)} | ${ms(times.callOut)} | ${ms(times.op)} (${algorithm}) | ${ms(times.fresh)} | ${ms(times.written)} |`);
}
await fcn.dispose();

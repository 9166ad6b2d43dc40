// A/B of the conv weight gradient: Winograd F(2×2,3×3) (src/ops/conv-engine/winograd-weight-gradient.ts)
// against im2col + GEMM (weight-gradient.ts) on 3×3, stride-1, pads-1 layers, one thread, both
// paths on the same operands in wasm memory, interleaved (the order alternates each repetition),
// median of the repetitions; prints the ratio im2col / winograd (> 1: Winograd faster) per build.
// Checks the two agree before timing. The numbers behind WINOGRAD_GRADIENT_AUTO.
//   npx tsx bench/winograd-gradient.ts [--reps 11] [--threads 1] [--shapes N:C:M:S,…]
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";
import { operand, withArena } from "../dist/ops/run.js";
import { type WeightGradientCall, weightGradient } from "../dist/ops/conv-engine/weight-gradient.js";
import { winogradWeightGradient } from "../dist/ops/conv-engine/winograd-weight-gradient.js";
import { resolveConv } from "../dist/shape.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const REPS = arg("reps", 11), THREADS = arg("threads", 1);

/** [N, C, M, S]: x [N, C, S, S], w [M, C, 3, 3], pads 1. */
const SHAPES: [number, number, number, number][] = [
  [1, 64, 64, 56], [2, 64, 64, 56], [1, 64, 64, 112], [2, 64, 64, 112], [1, 128, 128, 56], [2, 128, 128, 56],
  [1, 256, 256, 28], [2, 256, 256, 28], [1, 32, 32, 56], [2, 32, 32, 56], [1, 16, 16, 64], [2, 16, 16, 64],
  [1, 32, 16, 56], [1, 16, 32, 56], [1, 64, 32, 64], [1, 32, 64, 64],
  [1, 512, 512, 14], [1, 256, 256, 14], [1, 128, 128, 14], [1, 64, 64, 14], [1, 32, 32, 14],
  [1, 512, 512, 7], [1, 256, 256, 10],
];

/** --shapes N:C:M:S,… replaces the list (e.g. to re-measure the edge of a threshold). */
const custom = process.argv.indexOf("--shapes");
if (custom !== -1) SHAPES.splice(0, SHAPES.length, ...process.argv[custom + 1].split(",").map((t) => t.split(":").map(Number) as [number, number, number, number]));

const median = (a: number[]) => a.slice().sort((p, q) => p - q)[Math.floor(a.length / 2)];

for (const build of ["relaxed", "simd"] as const) {
  await fcn.ready({ simd: build, threads: THREADS });
  console.log(`\n${build} build, ${THREADS} thread(s), median of ${REPS}`);
  for (const [N, C, M, S] of SHAPES) {
    const r = mulberry32(N * 1000 + C + M + S);
    const xShape = [N, C, S, S], wShape = [M, C, 3, 3];
    const g = resolveConv(xShape, wShape, null, { pads: 1 });
    const rnd = (n: number) => Float32Array.from({ length: n }, () => 2 * r() - 1);
    const x = fcn.tensor(rnd(N * C * S * S), xShape), dy = fcn.tensor(rnd(N * M * S * S), [N, M, S, S]);
    const times = { winograd: [] as number[], im2col: [] as number[] };
    let maxDiff = 0, maxAbs = 0;
    withArena((rt) => {
      const px = operand(rt, x, "x"), pdy = operand(rt, dy, "dy");
      const dwW = rt.arena.alloc(M * C * 9 * 4, "dw winograd"), dwI = rt.arena.alloc(M * C * 9 * 4, "dw im2col");
      const call = (dw: number): WeightGradientCall => ({ window: g.window, N, group: 1, a: pdy, rows: M, s: px, sChannels: C, dw });
      // each call in its own arena mark, as runConvGradients' callers give it (else the arena grows every repetition)
      const run = {
        winograd: () => withArena(rt, () => winogradWeightGradient(rt, call(dwW))),
        im2col: () => withArena(rt, () => weightGradient(rt, call(dwI))),
      };
      run.winograd(); run.im2col();
      const a = rt.arena.f32(dwW, M * C * 9), b = rt.arena.f32(dwI, M * C * 9);
      for (let i = 0; i < a.length; i++) { maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i])); maxAbs = Math.max(maxAbs, Math.abs(b[i])); }
      if (!(maxDiff <= 1e-4 * maxAbs + 1e-5)) throw new Error(`N=${N} ${C}→${M} ${S}²: paths disagree by ${maxDiff} (max |dW| ${maxAbs})`);
      for (let k = 0; k < REPS; k++) {
        const order = k % 2 === 0 ? (["winograd", "im2col"] as const) : (["im2col", "winograd"] as const);
        for (const p of order) {
          const t0 = performance.now();
          run[p]();
          times[p].push(performance.now() - t0);
        }
      }
    });
    const w = median(times.winograd), i = median(times.im2col);
    const tiles = Math.ceil(S / 2) ** 2;
    console.log(`N=${N} ${C}→${M} at ${S}² (${tiles} tiles): winograd ${w.toFixed(2)} ms, im2col ${i.toFixed(2)} ms, ratio ${(i / w).toFixed(2)}×  (max |Δ| ${maxDiff.toExponential(1)} of ${maxAbs.toFixed(1)})`);
  }
}
fcn.dispose();

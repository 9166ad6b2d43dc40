// A/B of sub-pixel transposed convolution with Winograd F(2×2,2×2) phase kernels
// (src/ops/conv-transpose/subpixel-winograd.ts) against plain sub-pixel and GEMM + col2im, and the
// upper bound that justified building it (issue 15 item 2). For ⌈k/s⌉ = 2 on both axes every phase
// is a 2×2 stride-1 conv of the same input, so the single sub-pixel GEMM
// P [Mg·s², cells] = W_sub [Mg·s², Cg·4] · cols [Cg·4, cells] becomes 9 GEMMs
// P_e [Mg·s², tiles] = U_e [Mg·s², Cg] · V_e [Cg, tiles], tiles = ⌈cellsH/2⌉·⌈cellsW/2⌉ (1.78× fewer
// MACs for even cells; each GEMM's K shrinks from 4·Cg to Cg and its output is 9/4 of P).
// Per shape, one thread, all paths on the same operands with their weights packed ahead (as for a
// resident w or a Net plan), interleaved (order alternates), median of the repetitions:
//   subpixel     the whole current sub-pixel op (im2col + GEMM + interleave + bias)
//   winograd     the whole subpixel-winograd op (input transform + 9 GEMMs + output transform + bias)
//   gemm-col2im  GEMM + col2im
//   bound        the single sub-pixel GEMM alone / the 9 Winograd GEMMs alone, and the whole
//                sub-pixel op / the 9 GEMMs alone (transforms free): what Winograd could at best give
// Checks that sub-pixel and Winograd agree before timing.
//   npx tsx bench/subpixel-winograd-bound.ts [--reps 9] [--threads 1]
//
// Measured 2026-12-07, shared 2-core machine, 1 thread, median of 9, two runs (relaxed / simd build);
// ratio = subpixel time / winograd time (> 1: Winograd faster):
//   bound first (9 GEMMs alone): 64→32 64² 1.46–2.14×, 512→256 14² 1.45–1.61×, 21→21 FCN 0.90–1.61×
//   (k64 s32 on 8²: 0.96–1.03×), 32→32 sweep 1.14–1.50×, 128→64 32² 1.62–1.76×, 256→128 28² 1.55–1.88×.
//   whole ops, subpixel time / winograd time, relaxed / simd (last run, after the vector input
//   transform and SW = 2 output stores; the first version measured 0.1–0.4 lower on 64→32):
//     k4 s2 p1 256->128 28²     1.64 / 1.48       k4 s2 p1 128->64 32²     1.48 / 1.56
//     k4 s2 p1 512->256 14²     1.50 / 1.51, and gemm-col2im / winograd 1.22 / 1.19
//     k4 s2 p1 64->32 64²       1.61 / 1.54
//     k3 s2 p1 op1 128->64 32²  1.43 / 1.41, but gemm-col2im / winograd 0.74 / 0.76 (col2im skips the zero taps)
//     32->32 32²: k4 s2 1.19 / 1.21, k8 s4 1.17 / 1.21, k16 s8 1.00 / 1.12
//     FCN 21->21: k4 s2 16² 0.93 / 1.12, 34² 1.07 / 1.17; k16 s8 34² 1.12 / 1.19; k64 s32 8² 0.85 / 0.92
//   → 'auto' (conv-transpose/algorithm.ts SUBPIXEL_WINOGRAD_AUTO): k = 2s, ≥ 64 input channels a
//     group, sub-pixel waste ≤ 1.2, ≥ 64 tiles; later ≥ 16 channels, after bench/convtranspose-auto.ts
//     timed the whole ops against the sub-pixel and GEMM + col2im that 'auto' took instead.
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";
import { operand, withArena, gemmWorkspace } from "../dist/ops/run.js";
import { gemmParams } from "../dist/ops/params.js";
import { convTransposeSubpixel, packPhaseWeights, phaseWeightBytes } from "../dist/ops/conv-transpose/subpixel.js";
import { convTransposeSubpixelWinograd, packWinogradPhaseWeights, winogradPhaseWeightBytes } from "../dist/ops/conv-transpose/subpixel-winograd.js";
import { convTransposeGemmCol2im, gemmWeightBytes, packGemmWeights } from "../dist/ops/conv-transpose/gemm-col2im.js";
import { resolveConvTranspose } from "../dist/shape.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const REPS = arg("reps", 15), THREADS = arg("threads", 1);

/** [name, C, M, H, k, s, p(, outputPadding)]: dense (group 1) shapes of bench/shapes.ts with T = 2 on both axes. */
const SHAPES: [string, number, number, number, number, number, number, number?][] = [
  ["decoder k3 s2 p1 op1 128->64 32²", 128, 64, 32, 3, 2, 1, 1],
  ["decoder k4 s2 p1 64->32 64²", 64, 32, 64, 4, 2, 1],
  ["decoder k4 s2 p1 512->256 14²", 512, 256, 14, 4, 2, 1],
  ["fcn k4 s2 21->21 16²", 21, 21, 16, 4, 2, 0],
  ["fcn k4 s2 21->21 34²", 21, 21, 34, 4, 2, 0],
  ["fcn k16 s8 21->21 34²", 21, 21, 34, 16, 8, 0],
  ["fcn k64 s32 21->21 8²", 21, 21, 8, 64, 32, 0],
  ["sweep k4 s2 p1 32->32 32²", 32, 32, 32, 4, 2, 1],
  ["sweep k8 s4 p2 32->32 32²", 32, 32, 32, 8, 4, 2],
  ["sweep k16 s8 p4 32->32 32²", 32, 32, 32, 16, 8, 4],
  ["k4 s2 p1 128->64 32²", 128, 64, 32, 4, 2, 1],
  ["k4 s2 p1 256->128 28²", 256, 128, 28, 4, 2, 1],
];

const median = (a: number[]) => a.slice().sort((p, q) => p - q)[Math.floor(a.length / 2)];

for (const build of ["relaxed", "simd"] as const) {
  await fcn.ready({ simd: build, threads: THREADS });
  console.log(`\n${build} build, ${THREADS} thread(s), median of ${REPS}`);
  for (const [name, C, M, H, k, s, p, op = 0] of SHAPES) {
    const r = mulberry32(C * 131 + M * 7 + H + k);
    const rnd = (n: number) => Float32Array.from({ length: n }, () => 2 * r() - 1);
    const xShape = [1, C, H, H], wShape = [C, M, k, k];
    const g = resolveConvTranspose(xShape, wShape, [M], { strides: [s, s], pads: [p, p, p, p], outputPadding: [op, op] });
    const out = g.outShape[2];
    // cells per axis as subpixel.ts plans them: t ∈ [⌊p/s⌋, ⌊(out − 1 + p)/s⌋]
    const cells = Math.floor((out - 1 + p) / s) - Math.floor(p / s) + 1;
    const rows = M * s * s, K = C * 4, N1 = cells * cells;
    const tiles = Math.ceil(cells / 2) ** 2;
    const x = fcn.tensor(rnd(C * H * H), xShape), w = fcn.tensor(rnd(C * M * k * k), wShape), b = fcn.tensor(rnd(M), [M]);
    const times = { full: [] as number[], gemm: [] as number[], wino9: [] as number[], wino: [] as number[], col2im: [] as number[] };
    let maxDiff = 0, maxAbs = 0;
    withArena((rt) => {
      const px = operand(rt, x, "x"), pw = operand(rt, w, "w"), pb = operand(rt, b, "b");
      const wsub = rt.arena.alloc(phaseWeightBytes(g), "W_sub");
      const y = rt.arena.alloc(M * out * out * 4, "y"), y2 = rt.arena.alloc(M * out * out * 4, "y winograd");
      const U = rt.arena.alloc(winogradPhaseWeightBytes(g), "U"), packed = rt.arena.alloc(gemmWeightBytes(g), "GEMM-packed w");
      const y3 = rt.arena.alloc(M * out * out * 4, "y col2im");
      // operands of the GEMM timings (contents do not matter for speed; random to avoid denormals)
      const A1 = rt.arena.alloc(rows * K * 4, "A"), B1 = rt.arena.alloc(K * N1 * 4, "B"), P1 = rt.arena.alloc(rows * N1 * 4, "P");
      const U9 = rt.arena.alloc(9 * rows * C * 4, "U9"), V = rt.arena.alloc(9 * C * tiles * 4, "V"), Pw = rt.arena.alloc(9 * rows * tiles * 4, "P_e");
      rt.arena.commit();
      for (const [o, n] of [[A1, rows * K], [B1, K * N1], [U9, 9 * rows * C], [V, 9 * C * tiles]]) rt.arena.f32(o, n).set(rnd(n));
      const run = {
        full: () => withArena(rt, () => {
          convTransposeSubpixel(rt, { g, x: px, w: pw, b: pb, y, phaseWeights: wsub });
        }),
        gemm: () => withArena(rt, () => {
          const work = gemmWorkspace(rt, rows, N1, K, "bound");
          rt.kernels.f32_gemm__simd(gemmParams(rt.params, { M: rows, N: N1, K, a: A1, lda: K, transA: false, b: B1, ldb: N1, transB: false, c: P1, ldc: N1, alpha: 1, beta: 0, work }));
        }),
        wino: () => withArena(rt, () => {
          convTransposeSubpixelWinograd(rt, { g, x: px, w: pw, b: pb, y: y2, winogradWeights: U });
        }),
        col2im: () => withArena(rt, () => {
          convTransposeGemmCol2im(rt, { g, x: px, w: pw, b: pb, y: y3, gemmWeights: packed });
        }),
        wino9: () => withArena(rt, () => {
          const work = gemmWorkspace(rt, rows, tiles, C, "bound");
          for (let e = 0; e < 9; e++) {
            rt.kernels.f32_gemm__simd(gemmParams(rt.params, {
              M: rows, N: tiles, K: C, a: U9 + e * rows * C * 4, lda: C, transA: false,
              b: V + e * C * tiles * 4, ldb: tiles, transB: false, c: Pw + e * rows * tiles * 4, ldc: tiles, alpha: 1, beta: 0, work,
            }));
          }
        }),
      };
      packPhaseWeights(rt, g, pw, wsub);
      packWinogradPhaseWeights(rt, g, pw, U);
      packGemmWeights(rt, g, pw, packed);
      for (const f of Object.values(run)) f();
      const a = rt.arena.f32(y, M * out * out), b2 = rt.arena.f32(y2, M * out * out);
      for (let i = 0; i < a.length; i++) { maxDiff = Math.max(maxDiff, Math.abs(a[i] - b2[i])); maxAbs = Math.max(maxAbs, Math.abs(a[i])); }
      if (!(maxDiff <= 1e-5 * maxAbs * Math.sqrt(C))) throw new Error(`${name}: paths disagree by ${maxDiff} (max |y| ${maxAbs})`);
      const order = ["full", "wino", "col2im", "gemm", "wino9"] as const;
      for (let i = 0; i < REPS; i++) {
        const o = i % 2 === 0 ? order : ([...order].reverse() as unknown as typeof order);
        for (const key of o) {
          const t0 = performance.now();
          run[key]();
          times[key].push(performance.now() - t0);
        }
      }
    });
    const c2 = median(times.col2im);
    const f = median(times.full), gm = median(times.gemm), w9 = median(times.wino9), wf = median(times.wino);
    console.log(`${name.padEnd(32)} rows ${rows} K ${K} cells ${N1} tiles ${tiles}: subpixel ${f.toFixed(3)} ms, winograd ${wf.toFixed(3)} ms, ratio ${(f / wf).toFixed(2)}×, gemm-col2im ${c2.toFixed(3)} ms, ratio ${(c2 / wf).toFixed(2)}× | gemm ${gm.toFixed(3)}, 9 gemms ${w9.toFixed(3)} ms: bound ${(gm / w9).toFixed(2)}×, ${(f / w9).toFixed(2)}×`);
  }
}
fcn.dispose();

// Upper bound for Winograd F(2×2,2×2) in the phase kernels of sub-pixel transposed convolution
// (issue 15 item 2): before writing any transform, time what the Winograd path could at best save.
// For T = ⌈k/s⌉ = 2 on both axes every phase is a 2×2 stride-1 conv of the same input, so the
// current single GEMM  P [Mg·s², cells] = W_sub [Mg·s², Cg·4] · cols [Cg·4, cells]  would become
// 9 GEMMs  P_e [Mg·s², tiles] = U_e [Mg·s², Cg] · V_e [Cg, tiles],  tiles = ⌈cellsH/2⌉·⌈cellsW/2⌉
// (1.78× fewer MACs when cells are even; the K of each GEMM shrinks from 4·Cg to Cg and the GEMM
// outputs grow from rows·cells to 9·rows·tiles ≈ 2.25× P, which is what can eat the saving).
// Per shape, one thread, interleaved (order alternates), median of the repetitions:
//   full    the whole current sub-pixel op (im2col + GEMM + interleave + bias), W_sub pre-packed
//   gemm    the current single GEMM alone
//   wino9   the 9 Winograd GEMMs alone (no input or output transform: the best Winograd can do)
// bound = gemm / wino9 (GEMM against GEMMs) and full / wino9 (generous: the transforms replace
// im2col + interleave at zero cost). Winograd pays only if these are well above 1.
//   npx tsx bench/subpixel-winograd-bound.ts [--reps 15] [--threads 1]
//
// Measured 2026-12-07 (shared 2-core machine, 1 thread, median of 15; relaxed build, simd within ±0.05):
//   see the table printed in the commit message / report; summary at the end of this comment.
import "./v8-flags.js";
import * as fcn from "../dist/index.js";
import { mulberry32 } from "../dist/random.js";
import { operand, withArena, gemmWorkspace } from "../dist/ops/run.js";
import { gemmParams } from "../dist/ops/params.js";
import { convTransposeSubpixel, packPhaseWeights, phaseWeightBytes } from "../dist/ops/conv-transpose/subpixel.js";
import { resolveConvTranspose } from "../dist/shape.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const REPS = arg("reps", 15), THREADS = arg("threads", 1);

/** [name, C, M, H, k, s, p]: dense (group 1) shapes of bench/shapes.ts with T = 2 on both axes. */
const SHAPES: [string, number, number, number, number, number, number][] = [
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
  for (const [name, C, M, H, k, s, p] of SHAPES) {
    const r = mulberry32(C * 131 + M * 7 + H + k);
    const rnd = (n: number) => Float32Array.from({ length: n }, () => 2 * r() - 1);
    const xShape = [1, C, H, H], wShape = [C, M, k, k];
    const g = resolveConvTranspose(xShape, wShape, [M], { strides: [s, s], pads: [p, p, p, p] });
    const out = g.outShape[2];
    // cells per axis as subpixel.ts plans them: t ∈ [⌊p/s⌋, ⌊(out − 1 + p)/s⌋]
    const cells = Math.floor((out - 1 + p) / s) - Math.floor(p / s) + 1;
    const rows = M * s * s, K = C * 4, N1 = cells * cells;
    const tiles = Math.ceil(cells / 2) ** 2;
    const x = fcn.tensor(rnd(C * H * H), xShape), w = fcn.tensor(rnd(C * M * k * k), wShape), b = fcn.tensor(rnd(M), [M]);
    const times = { full: [] as number[], gemm: [] as number[], wino9: [] as number[] };
    withArena((rt) => {
      const px = operand(rt, x, "x"), pw = operand(rt, w, "w"), pb = operand(rt, b, "b");
      const wsub = rt.arena.alloc(phaseWeightBytes(g), "W_sub");
      const y = rt.arena.alloc(M * out * out * 4, "y");
      // operands of the GEMM timings (contents do not matter for speed; random to avoid denormals)
      const A1 = rt.arena.alloc(rows * K * 4, "A"), B1 = rt.arena.alloc(K * N1 * 4, "B"), P1 = rt.arena.alloc(rows * N1 * 4, "P");
      const U = rt.arena.alloc(9 * rows * C * 4, "U"), V = rt.arena.alloc(9 * C * tiles * 4, "V"), Pw = rt.arena.alloc(9 * rows * tiles * 4, "P_e");
      rt.arena.commit();
      for (const [o, n] of [[A1, rows * K], [B1, K * N1], [U, 9 * rows * C], [V, 9 * C * tiles]]) rt.arena.f32(o, n).set(rnd(n));
      const run = {
        full: () => withArena(rt, () => {
          convTransposeSubpixel(rt, { g, x: px, w: pw, b: pb, y, phaseWeights: wsub });
        }),
        gemm: () => withArena(rt, () => {
          const work = gemmWorkspace(rt, rows, N1, K, "bound");
          rt.kernels.f32_gemm__simd(gemmParams(rt.params, { M: rows, N: N1, K, a: A1, lda: K, transA: false, b: B1, ldb: N1, transB: false, c: P1, ldc: N1, alpha: 1, beta: 0, work }));
        }),
        wino9: () => withArena(rt, () => {
          const work = gemmWorkspace(rt, rows, tiles, C, "bound");
          for (let e = 0; e < 9; e++) {
            rt.kernels.f32_gemm__simd(gemmParams(rt.params, {
              M: rows, N: tiles, K: C, a: U + e * rows * C * 4, lda: C, transA: false,
              b: V + e * C * tiles * 4, ldb: tiles, transB: false, c: Pw + e * rows * tiles * 4, ldc: tiles, alpha: 1, beta: 0, work,
            }));
          }
        }),
      };
      packPhaseWeights(rt, g, pw, wsub);
      for (const f of Object.values(run)) f();
      const order = ["full", "gemm", "wino9"] as const;
      for (let i = 0; i < REPS; i++) {
        const o = i % 2 === 0 ? order : ([...order].reverse() as unknown as typeof order);
        for (const key of o) {
          const t0 = performance.now();
          run[key]();
          times[key].push(performance.now() - t0);
        }
      }
    });
    const f = median(times.full), gm = median(times.gemm), w9 = median(times.wino9);
    console.log(`${name.padEnd(30)} rows ${rows} K ${K} cells ${N1} tiles ${tiles}: full ${f.toFixed(3)} ms, gemm ${gm.toFixed(3)} ms, wino9 ${w9.toFixed(3)} ms; gemm/wino9 ${(gm / w9).toFixed(2)}×, full/wino9 ${(f / w9).toFixed(2)}×`);
  }
}
fcn.dispose();

// The weight gradient of a 3×3, stride-1, undilated 2-D window by Winograd F(2×2,3×3), for the
// backward of conv and convTranspose (../conv-gradients.ts; the im2col form is weight-gradient.ts,
// whose WeightGradientCall this takes). The forward is y_tile = Aᵀ [Σ_c (G w Gᵀ) ⊙ (Bᵀ d B)] A
// (winograd.ts), so by the chain rule, per image and group, one band of tile rows at a time:
//   V [16][C/g][T] = Bᵀ d B of every tile's 4×4 patch of S       (f32_winograd_input__simd)
//   dM [16][M/g][T] = A · dy_tile · Aᵀ of A's 2×2 tiles          (f32_winograd_output_adjoint__simd)
//   dU[e] [M/g×C/g] += dM[e] [M/g×T] · V[e]ᵀ [T×C/g], e = 0…15    (16 calls of f32_gemm__simd)
// and once at the end dW = Gᵀ dU G (f32_winograd_weights_adjoint__scalar). 16 multiplies per
// tile and channel pair instead of 36. Accuracy: each dW[m, c, ·] within 4·2⁻²⁴·S of the float64
// sum, S = Σ over tiles of ‖dy tile‖₁·‖x patch‖₁ (the transforms mix every product within a tile;
// measured ≤ 1.34 such units, im2col + GEMM ≤ 0.68: test/conv-winograd-gradient.test.ts).
import type { Runtime } from "../../runtime/runtime.js";
import type { Window } from "../../shape.js";
import { WINOGRAD_PARAMS, gemmParams, planar, writeBlock } from "../params.js";
import { type Task, gemmWorkspace, product, ranges, runTasks, threadsFor } from "../run.js";
import type { WeightGradientCall } from "./weight-gradient.js";
import { winogradBandTileRows } from "./winograd.js";

/** Whether F(2×2,3×3) computes this window's weight gradient: 2-D, 3×3, strides 1, dilations 1. */
export function winogradWeightGradientApplies(w: Window): boolean {
  return w.rank === 2 && w.kernel.every((k) => k === 3) && w.strides.every((s) => s === 1) && w.dilations.every((d) => d === 1);
}

/**
 * When the backward takes the Winograd weight gradient over im2col + GEMM: at least
 * minSourceChannels channels of S (conv: input channels per group) and minRows rows of A (output
 * channels per group), at least minChannelSum of the two together, and at least minTiles 2×2 tiles.
 * Measured (bench/winograd-gradient.ts: one process, one thread, pads 1, both paths on the same
 * operands, interleaved, medians of 11; im2col time ÷ winograd time, relaxed / SIMD128 builds; a
 * shared 2-core machine): N=1 / N=2 64→64 at 56² 1.37× / 1.48× and 1.47× / 1.71×; 64→64 at 112²
 * 1.46× / 1.62× and 1.70× / 1.85×; 128→128 at 56² 2.11× / 1.67× and 1.96× / 1.88×; 256→256 at 28²
 * 1.52× / 1.76× and 1.84× / 1.91×; 32→32 at 56² 1.42× / 1.31× and 1.57× / 1.29×; N=1 32→16 at
 * 56² 1.38× / 1.30×, 16→32 at 56² 1.20× / 1.16×, 64→32 and 32→64 at 64² 1.12–1.83×; at 49 tiles
 * (14²) 512→512 1.23× / 1.44×, 256→256 1.31× / 1.36×, 128→128 1.26× / 1.35×, 64→64 1.08× / 1.19×,
 * 32→32 0.91× / 1.13×. Not taken: 16→16 at 64² (N=1 1.30× / 1.06×, N=2 1.13× / 0.96×; three
 * earlier runs 0.92–0.97× relaxed), 256→256 at 10² (25 tiles) 0.93× / 1.10×, 512→512 at 7² (16
 * tiles) 0.51× / 0.72× (each GEMM's depth is a band's tiles: few tiles, short sums against a
 * 16·M·C/g dU).
 * Mutable so that tests can force either path (0: always where it applies; Infinity: never).
 */
export const WINOGRAD_GRADIENT_AUTO = { minSourceChannels: 16, minRows: 16, minChannelSum: 48, minTiles: 49 };

/** Whether the backward takes the Winograd weight gradient for this call (it applies, and WINOGRAD_GRADIENT_AUTO's thresholds hold). */
export function winogradWeightGradientPays(c: WeightGradientCall): boolean {
  if (!winogradWeightGradientApplies(c.window)) return false;
  const { OH, OW } = planar(c.window);
  const tiles = Math.ceil(OH / 2) * Math.ceil(OW / 2);
  const t = WINOGRAD_GRADIENT_AUTO;
  return c.sChannels >= t.minSourceChannels && c.rows >= t.minRows && c.sChannels + c.rows >= t.minChannelSum && tiles >= t.minTiles;
}

/**
 * dW [group·rows, sChannels, 3, 3] (overwritten) of the call by F(2×2,3×3); the window must
 * satisfy winogradWeightGradientApplies. A is dy-like (grid side: [N, group·rows, OH, OW]), S
 * x-like (image side: [N, group·sChannels, H, W]).
 * Threads split dU's columns by channel of S, one piece a thread (a lane transforms only its
 * channels; each lane repeats the dM transform) or, with fewer channels than threads, dU's rows
 * (each lane repeats V); never the sum over tiles and images, which runs in the same order (images, then
 * bands, then within a band the GEMM's order) on every thread count.
 */
export function winogradWeightGradient(rt: Runtime, c: WeightGradientCall): void {
  const { N, group, rows: Mg, sChannels: Cg } = c;
  const M = group * Mg;
  const { H, W, PT, PL, OH, OW } = planar(c.window);
  if (N === 0 || OH * OW === 0) {
    // Nothing to sum: dW is 0, not whatever the arena held.
    rt.arena.commit();
    rt.arena.f32(c.dw, M * Cg * 9).fill(0);
    return;
  }
  const inPlane = product(c.window.image), outPlane = OH * OW;
  const sImage = group * Cg * inPlane, aImage = group * Mg * outPlane;
  const TH = Math.ceil(OH / 2), TW = Math.ceil(OW / 2);
  const rowsPerBand = winogradBandTileRows(Cg + Mg, OH, OW);
  const maxT = rowsPerBand * TW;
  // dU [16][M][Cg]: group gi's dU[e] is rows gi·Mg … of dU[e], leading dimension Cg (U's layout)
  const pdu = rt.arena.alloc(16 * M * Cg * 4, "winograd weight gradient dU");
  // Channels [c0, c1) of S and rows [r0, r1) of A and dU.
  const lane = (c0: number, c1: number, r0: number, r1: number): Task => (r) => {
    const Cl = c1 - c0, Ml = r1 - r0;
    const pv = r.arena.alloc(16 * Cl * maxT * 4, "winograd weight gradient input tiles");
    const pm = r.arena.alloc(16 * Ml * maxT * 4, "winograd weight gradient output tiles");
    const work = gemmWorkspace(r, Ml, Cl, maxT, "winograd weight gradient");
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < group; gi++) {
        const s = c.s + (n * sImage + (gi * Cg + c0) * inPlane) * 4;
        const a = c.a + (n * aImage + (gi * Mg + r0) * outPlane) * 4;
        for (let th0 = 0; th0 < TH; th0 += rowsPerBand) {
          const rows = Math.min(rowsPerBand, TH - th0), T = rows * TW;
          // V[e][c][t] = (Bᵀ d B)[e] of tile t's patch of S channel c0 + c
          r.kernels.f32_winograd_input__simd(writeBlock(r.params, WINOGRAD_PARAMS, {
            C: Cl, H, W, PT, PL, OH, OW, th0, rows, src: s, dst: pv, bias: 0,
          }));
          // dM[e][m][t] = (A · dy_t · Aᵀ)[e] of tile t of A channel r0 + m
          r.kernels.f32_winograd_output_adjoint__simd(writeBlock(r.params, WINOGRAD_PARAMS, {
            C: Ml, H, W, PT, PL, OH, OW, th0, rows, src: a, dst: pm, bias: 0,
          }));
          // dU[e][gi·Mg + r0 + m][c0 + c] (+)= Σ_t dM[e][m][t] · V[e][c][t]  (first band of the first image: beta 0)
          const beta = n === 0 && th0 === 0 ? 0 : 1;
          for (let e = 0; e < 16; e++) {
            r.kernels.f32_gemm__simd(gemmParams(r.params, {
              M: Ml, N: Cl, K: T,
              a: pm + e * Ml * T * 4, lda: T, transA: false,
              b: pv + e * Cl * T * 4, ldb: T, transB: true,
              c: pdu + ((e * M + gi * Mg + r0) * Cg + c0) * 4, ldc: Cg, alpha: 1, beta, work,
            }));
          }
        }
      }
    }
  };
  const T = threadsFor(rt, { macs: N * M * Cg * 16 * TH * TW });
  let tasks: Task[];
  if (T === 1) tasks = [lane(0, Cg, 0, Mg)];
  // One piece a thread, not pieces(T): each piece repeats the dM transform and packs dM[e] again
  // for its GEMMs. Measured (2 threads, N=1, im2col ÷ winograd, relaxed / SIMD128, medians of 9):
  // T pieces 64→64 at 56² 1.32× / 1.30×, 128→128 at 56² 1.48× / 1.82×, 256→256 at 28² 1.61× /
  // 1.68×, 32→32 at 56² 1.10× / 1.39×, 512→512 at 14² 1.21× / 1.71×; 3T pieces 0.37–1.35×; a
  // split by rows (V repeated) 0.62–1.61×.
  else if (Cg >= 2 * T) tasks = ranges(Cg, T, 4).map(([c0, c1]) => lane(c0, c1, 0, Mg));
  else tasks = ranges(Mg, T, 4).map(([r0, r1]) => lane(0, Cg, r0, r1));
  runTasks(rt, tasks);
  // dW[m, c] = Gᵀ · dU[·][m][c] · G, every group at once (dU's M rows are the groups' rows in order)
  rt.kernels.f32_winograd_weights_adjoint__scalar(pdu, M, Cg, c.dw);
}

// The weight gradient of a windowed op, shared by convBackward and convTransposeBackward:
// per image and group, dW_g += A_g [rows, P] · im2col(S_g)ᵀ [P, K], where the window slides over
// S (conv: S = x, A = dy; convTranspose: S = dy, A = x) and P counts its positions.
import type { Runtime } from "../runtime/runtime.js";
import type { Window } from "../shape.js";
import { windowParams } from "../runtime/params.js";
import { product, runGemm } from "./run.js";

export interface WeightGradientCall {
  window: Window;
  N: number;
  group: number;
  /** A: [N, group·rows, P] (byte offset) */
  a: number;
  rows: number;
  /** S: [N, group·sChannels, image…] (byte offset); its im2col has sChannels·∏k rows of P positions */
  s: number;
  sChannels: number;
  /** Scratch for one im2col, sChannels·∏k·P floats, and the GEMM packing workspace */
  cols: number;
  work: number;
  /** dW: [group·rows, sChannels·∏k] (byte offset), overwritten */
  dw: number;
}

export function weightGradient(rt: Runtime, c: WeightGradientCall): void {
  const positions = product(c.window.grid), imagePlane = product(c.window.image);
  const K = c.sChannels * product(c.window.kernel);
  const sImage = c.group * c.sChannels * imagePlane, aImage = c.group * c.rows * positions;
  for (let n = 0; n < c.N; n++) {
    for (let gi = 0; gi < c.group; gi++) {
      rt.kernels.f32_im2col__fast(windowParams(rt.params, c.window, c.sChannels, c.s + (n * sImage + gi * c.sChannels * imagePlane) * 4, c.cols));
      runGemm(rt, {
        M: c.rows, N: K, K: positions,
        a: c.a + (n * aImage + gi * c.rows * positions) * 4, lda: positions, transA: false,
        b: c.cols, ldb: positions, transB: true,
        c: c.dw + gi * c.rows * K * 4, ldc: K, alpha: 1, beta: n === 0 ? 0 : 1, work: c.work,
      });
    }
  }
}

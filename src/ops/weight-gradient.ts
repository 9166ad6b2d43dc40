// The weight gradient of a windowed op, shared by convBackward and convTransposeBackward:
// per image and group, dW_g += A_g [rows, P] · im2col(S_g)ᵀ [P, K], where the window slides over
// S (conv: S = x, A = dy; convTransposeBackward: S = dy, A = x) and P counts its positions.
// The sum over P runs one band of window rows at a time (im2col-bands.ts), so the column buffer
// stays in cache instead of holding all K·P columns of an image:
//   dW_g += A_g[:, band] · im2col_band(S_g)ᵀ   (GEMM with beta = 1 after the first band).
import type { Runtime } from "../runtime/runtime.js";
import type { Window } from "../shape.js";
import { windowParams } from "../runtime/params.js";
import { band, bandRows, gridRowsCols } from "./im2col-bands.js";
import { gemmWorkspace, product, runGemm } from "./run.js";

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
  /** dW: [group·rows, sChannels·∏k] (byte offset), overwritten */
  dw: number;
}

/** dW for every group; borrows one band of columns and a GEMM workspace from the arena. */
export function weightGradient(rt: Runtime, c: WeightGradientCall): void {
  const positions = product(c.window.grid), imagePlane = product(c.window.image);
  const K = c.sChannels * product(c.window.kernel);
  const sImage = c.group * c.sChannels * imagePlane, aImage = c.group * c.rows * positions;
  if (c.N === 0 || positions === 0) {
    // Nothing to sum (no images, or the window fits nowhere): dW is 0, not whatever the arena held.
    rt.arena.commit();
    rt.arena.f32(c.dw, c.group * c.rows * K).fill(0);
    return;
  }
  const [gridH, gridW] = gridRowsCols(c.window);
  const rowsPerBand = bandRows(c.window, K);
  const cols = rt.arena.alloc(K * rowsPerBand * gridW * 4, "weight gradient im2col band");
  const work = gemmWorkspace(rt, c.rows, K, rowsPerBand * gridW, "weight gradient");
  for (let n = 0; n < c.N; n++) {
    for (let gi = 0; gi < c.group; gi++) {
      const s = c.s + (n * sImage + gi * c.sChannels * imagePlane) * 4;
      const a = c.a + (n * aImage + gi * c.rows * positions) * 4;
      for (let oh0 = 0; oh0 < gridH; oh0 += rowsPerBand) {
        const rows = Math.min(rowsPerBand, gridH - oh0), width = rows * gridW;
        rt.kernels.f32_im2col__fast(windowParams(rt.params, band(c.window, oh0, rows), c.sChannels, s, cols));
        runGemm(rt, {
          M: c.rows, N: K, K: width,
          a: a + oh0 * gridW * 4, lda: positions, transA: false,
          b: cols, ldb: width, transB: true,
          c: c.dw + gi * c.rows * K * 4, ldc: K, alpha: 1, beta: n === 0 && oh0 === 0 ? 0 : 1, work,
        });
      }
    }
  }
}

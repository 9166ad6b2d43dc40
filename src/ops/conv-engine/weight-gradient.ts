// The weight gradient of a windowed op, for the backward of conv and convTranspose (../conv-gradients.ts):
// per image and group, dW_g += A_g [rows, P] · im2col(S_g)ᵀ [P, K], where the window slides over
// S (conv: S = x, A = dy; convTransposeBackward: S = dy, A = x) and P counts its positions.
// The sum over P runs one band of window rows at a time (bands.ts), so the column buffer
// stays in cache instead of holding all K·P columns of an image:
//   dW_g += A_g[:, band] · im2col_band(S_g)ᵀ   (GEMM with beta = 1 after the first band).
import type { Runtime } from "../../runtime/runtime.js";
import type { Window } from "../../shape.js";
import { gemmParams } from "../params.js";
import { im2colKernel } from "../column-kernels.js";
import { bandRows, gridBands } from "./bands.js";
import { type Task, gemmWorkspace, pieces, product, ranges, runTasks, threadsFor } from "../run.js";

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

/**
 * dW for every group; each lane borrows one band of columns and a GEMM workspace from the arena.
 * Threads split dW's columns by channel of S (a lane builds only its channels' rows of each band:
 * the im2col rows of channels [c0, c1) are rows c0·∏k… of the band) or, with fewer channels than
 * threads, dW's rows; never the sum over positions and images, which runs in the same order on
 * every thread count.
 */
export function weightGradient(rt: Runtime, c: WeightGradientCall): void {
  const positions = product(c.window.grid), imagePlane = product(c.window.image), taps = product(c.window.kernel);
  const K = c.sChannels * taps;
  const sImage = c.group * c.sChannels * imagePlane, aImage = c.group * c.rows * positions;
  if (c.N === 0 || positions === 0) {
    // Nothing to sum (no images, or the window fits nowhere): dW is 0, not whatever the arena held.
    rt.arena.commit();
    rt.arena.f32(c.dw, c.group * c.rows * K).fill(0);
    return;
  }
  // bands fixed by K (not by a lane's share of it): every thread count sums in the same order
  const plan = gridBands(c.window, bandRows(c.window, K));
  // Channels [c0, c1) of S and rows [r0, r1) of A and dW.
  const lane = (c0: number, c1: number, r0: number, r1: number): Task => (r) => {
    const Kl = (c1 - c0) * taps;
    const cols = r.arena.alloc(Kl * plan.width * 4, "weight gradient im2col band");
    const work = gemmWorkspace(r, r1 - r0, Kl, plan.width, "weight gradient");
    for (let n = 0; n < c.N; n++) {
      for (let gi = 0; gi < c.group; gi++) {
        const s = c.s + (n * sImage + (gi * c.sChannels + c0) * imagePlane) * 4;
        const a = c.a + (n * aImage + (gi * c.rows + r0) * positions) * 4;
        for (let b = 0; b < plan.count; b++) {
          const { window, first, positions: width } = plan.at(b);
          im2colKernel(r, window, c1 - c0, s, cols);
          r.kernels.f32_gemm__simd(gemmParams(r.params, {
            M: r1 - r0, N: Kl, K: width,
            a: a + first * 4, lda: positions, transA: false,
            b: cols, ldb: width, transB: true,
            c: c.dw + (gi * c.rows * K + r0 * K + c0 * taps) * 4, ldc: K, alpha: 1, beta: n === 0 && b === 0 ? 0 : 1, work,
          }));
        }
      }
    }
  };
  const T = threadsFor(rt, { macs: c.N * c.group * c.rows * K * positions });
  let tasks: Task[];
  if (T === 1) tasks = [lane(0, c.sChannels, 0, c.rows)];
  else if (c.sChannels >= 2 * T) tasks = ranges(c.sChannels, pieces(T), Math.max(1, Math.ceil(16 / taps))).map(([c0, c1]) => lane(c0, c1, 0, c.rows));
  else tasks = ranges(c.rows, T, 4).map(([r0, r1]) => lane(0, c.sChannels, r0, r1));
  runTasks(rt, tasks);
}

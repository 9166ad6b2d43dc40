// The general transposed-convolution path, straight from the adjoint view: per image and group,
// cols = w_gᵀ [M/g·∏k, C/g] · x_g [C/g, ∏in] (one GEMM), then col2im overlap-adds every input
// pixel's column (its kernel-weighted stamp) into the output at stride s. Any dilation, k < s,
// negative derived pads. Extra workspace: the column buffer, M/g·∏k·∏in floats.
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { gemmParams, windowParams } from "../params.js";
import { type Task, gemmWorkspace, pieces, product, ranges, runTasks, threadsFor } from "../run.js";
import type { TransposedBuffers } from "./buffers.js";
import { epiloguePass } from "../conv-engine/epilogue.js";

/** Extra bytes this path borrows beyond x, w, b and y: the column buffer (GEMM packing aside). */
export function gemmCol2imWorkspaceBytes(g: ConvGeometry): number {
  return (g.M / g.group) * product(g.window.kernel) * product(g.window.grid) * 4;
}

export function convTransposeGemmCol2im(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const Cg = C / group, Mg = M / group;
  const inPlane = product(window.grid), outPlane = product(window.image);
  const taps = product(window.kernel), rows = Mg * taps;
  // Output channels [m0, m1) of units [u0, u1) (unit = image·group + group index): the GEMM's rows
  // of those channels (m·∏k…) and col2im of their planes; each lane has its own column buffer.
  const lane = (u0: number, u1: number, m0: number, m1: number): Task => (r) => {
    const lrows = (m1 - m0) * taps;
    const cols = r.arena.alloc(lrows * inPlane * 4, "convTranspose column buffer");
    const work = gemmWorkspace(r, lrows, inPlane, Cg, "convTranspose");
    for (let u = u0; u < u1; u++) {
      const n = Math.floor(u / group), gi = u % group;
      r.kernels.f32_gemm__simd(gemmParams(r.params, {
        M: lrows, N: inPlane, K: Cg,
        a: t.w + (gi * Cg * rows + m0 * taps) * 4, lda: rows, transA: true,
        b: t.x + (n * C + gi * Cg) * inPlane * 4, ldb: inPlane, transB: false,
        c: cols, ldc: inPlane, alpha: 1, beta: 0, work,
      }));
      r.kernels.f32_col2im__simd(windowParams(r.params, window, m1 - m0, cols, t.y + (n * M + gi * Mg + m0) * outPlane * 4));
    }
  };
  const units = N * group;
  const T = threadsFor(rt, { macs: units * rows * inPlane * Cg });
  let tasks: Task[];
  if (T === 1) tasks = [lane(0, units, 0, Mg)];
  else if (Mg >= T) tasks = ranges(Mg, pieces(T)).map(([m0, m1]) => lane(0, units, m0, m1));
  else tasks = ranges(units, pieces(T)).map(([u0, u1]) => lane(u0, u1, 0, Mg));
  runTasks(rt, tasks);
  // the bias and a fused activation in one pass (col2im scatters: no band is final before the end)
  epiloguePass(rt, t.epilogue ?? null, t.y, t.b, N, M, outPlane);
}

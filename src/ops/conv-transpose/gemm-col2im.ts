// The general transposed-convolution path, straight from the adjoint view: per image and group,
// cols = w_gᵀ [M/g·∏k, C/g] · x_g [C/g, ∏in] (one GEMM), then col2im overlap-adds every input
// pixel's column (its kernel-weighted stamp) into the output at stride s. Any dilation, k < s,
// negative derived pads. Extra workspace: the column buffer, M/g·∏k·∏in floats.
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { windowParams } from "../../runtime/params.js";
import { gemmWorkspace, product, runGemm } from "../run.js";
import type { TransposedBuffers } from "./buffers.js";

/** Extra bytes this path borrows beyond x, w, b and y: the column buffer (GEMM packing aside). */
export function gemmCol2imWorkspaceBytes(g: ConvGeometry): number {
  return (g.M / g.group) * product(g.window.kernel) * product(g.window.grid) * 4;
}

export function convTransposeGemmCol2im(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const Cg = C / group, Mg = M / group;
  const inPlane = product(window.grid), outPlane = product(window.image);
  const rows = Mg * product(window.kernel);
  const cols = rt.arena.alloc(rows * inPlane * 4, "convTranspose column buffer");
  const work = gemmWorkspace(rt, rows, inPlane, Cg, "convTranspose");
  for (let n = 0; n < N; n++) {
    for (let gi = 0; gi < group; gi++) {
      runGemm(rt, {
        M: rows, N: inPlane, K: Cg,
        a: t.w + gi * Cg * rows * 4, lda: rows, transA: true,
        b: t.x + (n * C + gi * Cg) * inPlane * 4, ldb: inPlane, transB: false,
        c: cols, ldc: inPlane, alpha: 1, beta: 0, work,
      });
      rt.kernels.f32_col2im__fast(windowParams(rt.params, window, Mg, cols, t.y + (n * M + gi * Mg) * outPlane * 4));
    }
  }
  if (t.b !== 0) rt.kernels.f32_bias_add__simd(t.y, t.b, N, M, outPlane);
}

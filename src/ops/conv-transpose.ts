// convTranspose: ONNX ConvTranspose, the adjoint (matrix transpose) of conv with the same window.
// x [N, C, in…], w [C, M/group, k…] (+ b [M]) → y [N, M, out…] with
// out = s·(in − 1) + outputPadding + d·(k − 1) + 1 − padBegin − padEnd (shape.ts resolveConvTranspose).
// Per image and group: cols = w_gᵀ [M/g·∏k, C/g] · x_g [C/g, ∏in], then y_g = col2im(cols): each
// input pixel's column, a kernel-weighted stamp, is overlap-added into the output at stride s.
import type { ConvTransposeAttrs } from "../attrs.js";
import { resolveConvTranspose } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { windowParams } from "../runtime/params.js";
import { gemmWorkspace, product, runGemm, withArena } from "./run.js";

/**
 * ONNX ConvTranspose (opset 22) on rank-1 or rank-2 spatial input.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [C, M/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs strides, pads, dilations, group, autoPad, outputPadding, outputShape, kernelShape
 * @returns y [N, M, outH, outW]
 */
export function convTranspose(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs): Tensor {
  const xShape = checkTensor(x, "convTranspose(x)");
  const wShape = checkTensor(w, "convTranspose(w)");
  const bShape = b == null ? null : checkTensor(b, "convTranspose(b)");
  const g = resolveConvTranspose(xShape, wShape, bShape, attrs);
  const { N, C, M, group, window } = g;
  const Cg = C / group, Mg = M / group;
  // In the adjoint view the transposed convolution's input is the window grid and its output the image.
  const inPlane = product(window.grid), outPlane = product(window.image), taps = product(window.kernel);
  const rows = Mg * taps;

  return withArena((rt) => {
    const { arena, kernels } = rt;
    const px = arena.put(x.data, "convTranspose(x)");
    const pw = arena.put(w.data, "convTranspose(w)");
    const pb = b == null ? 0 : arena.put(b.data, "convTranspose(b)");
    const py = arena.alloc(N * M * outPlane * 4, "convTranspose output");
    const pcols = arena.alloc(rows * inPlane * 4, "convTranspose column buffer");
    const work = gemmWorkspace(rt, rows, inPlane, Cg, "convTranspose");
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < group; gi++) {
        runGemm(rt, {
          M: rows, N: inPlane, K: Cg,
          a: pw + gi * Cg * rows * 4, lda: rows, transA: true,
          b: px + (n * C + gi * Cg) * inPlane * 4, ldb: inPlane, transB: false,
          c: pcols, ldc: inPlane, alpha: 1, beta: 0, work,
        });
        kernels.f32_col2im__fast(windowParams(rt.params, window, Mg, pcols, py + (n * M + gi * Mg) * outPlane * 4));
      }
    }
    if (b != null) kernels.f32_bias_add__simd(py, pb, N, M, outPlane);
    return tensor(arena.take(py, N * M * outPlane), g.outShape);
  });
}

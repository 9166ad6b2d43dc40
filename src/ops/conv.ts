// conv: ONNX Conv. x [N, C, in…] ⊛ w [M, C/group, k…] (+ b [M]) → y [N, M, out…], with
// out = ⌊(in + padBegin + padEnd − d·(k−1) − 1) / s⌋ + 1 per axis (shape.ts resolveConv).
// Per image and group: cols = im2col(x_g) [C/g·∏k, ∏out], then y_g = w_g [M/g, C/g·∏k] · cols.
// A 1×1, stride-1, unpadded conv skips im2col: y_g = w_g · x_g directly.
import type { ConvAttrs } from "../attrs.js";
import { resolveConv } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { windowParams } from "../runtime/params.js";
import { gemmWorkspace, product, runGemm, withArena } from "./run.js";

/**
 * ONNX Conv (opset 22) on rank-1 or rank-2 spatial input.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [M, C/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs strides, pads (begins then ends), dilations, group, autoPad, kernelShape
 * @returns y [N, M, outH, outW]
 */
export function conv(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvAttrs): Tensor {
  const xShape = checkTensor(x, "conv(x)");
  const wShape = checkTensor(w, "conv(w)");
  const bShape = b == null ? null : checkTensor(b, "conv(b)");
  const g = resolveConv(xShape, wShape, bShape, attrs);
  const { N, C, M, group, window } = g;
  const Cg = C / group, Mg = M / group;
  const inPlane = product(window.image), outPlane = product(window.grid), taps = product(window.kernel);
  const K = Cg * taps;
  const pointwise = taps === 1 && window.strides.every((s) => s === 1) &&
    window.padsBegin.every((p) => p === 0) && window.padsEnd.every((p) => p === 0);

  return withArena((rt) => {
    const { arena, kernels } = rt;
    const px = arena.put(x.data, "conv(x)");
    const pw = arena.put(w.data, "conv(w)");
    const pb = b == null ? 0 : arena.put(b.data, "conv(b)");
    const py = arena.alloc(N * M * outPlane * 4, "conv output");
    const pcols = pointwise ? 0 : arena.alloc(K * outPlane * 4, "conv im2col buffer");
    const work = gemmWorkspace(rt, Mg, outPlane, K, "conv");
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < group; gi++) {
        const xg = px + (n * C + gi * Cg) * inPlane * 4;
        const yg = py + (n * M + gi * Mg) * outPlane * 4;
        let cols = xg;
        if (!pointwise) {
          kernels.f32_im2col__fast(windowParams(rt.params, window, Cg, xg, pcols));
          cols = pcols;
        }
        runGemm(rt, {
          M: Mg, N: outPlane, K,
          a: pw + gi * Mg * K * 4, lda: K, transA: false,
          b: cols, ldb: outPlane, transB: false,
          c: yg, ldc: outPlane, alpha: 1, beta: 0, work,
        });
      }
    }
    if (b != null) kernels.f32_bias_add__simd(py, pb, N, M, outPlane);
    return tensor(arena.take(py, N * M * outPlane), g.outShape);
  });
}

// conv: ONNX Conv. x [N, C, in…] ⊛ w [M, C/group, k…] (+ b [M]) → y [N, M, out…], with
// out = ⌊(in + padBegin + padEnd − d·(k−1) − 1) / s⌋ + 1 per axis (shape.ts resolveConv).
// Per image and group: cols = im2col(x_g) [C/g·∏k, ∏out], then y_g = w_g [M/g, C/g·∏k] · cols,
// one band of output rows at a time so the column buffer stays in cache.
// A 1×1, stride-1, unpadded conv skips im2col: y_g = w_g · x_g directly.
import type { ConvAttrs } from "../attrs.js";
import { type Window, resolveConv } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { windowParams } from "../runtime/params.js";
import { gemmWorkspace, product, runGemm, withArena } from "./run.js";

/** Target size of one band of the im2col buffer: about an L2 cache's worth (Zen 3: 512 KB). */
const BAND_BYTES = 1 << 19;

/** The window restricted to output rows [oh0, oh0 + rows): the same taps, shifted up by oh0·sH. */
function band(w: Window, oh0: number, rows: number): Window {
  if (w.rank === 1) return w;
  return {
    ...w,
    padsBegin: [w.padsBegin[0] - oh0 * w.strides[0], w.padsBegin[1]],
    grid: [rows, w.grid[1]],
  };
}

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

  // The column buffer is built one band of output rows at a time, sized to stay in cache
  // between im2col writing it and the GEMM packing it (1-D: the band is the whole output).
  const [outH, outW] = window.rank === 2 ? window.grid : [1, window.grid[0]];
  const bandRows = pointwise ? outH : Math.max(1, Math.min(outH, Math.floor(BAND_BYTES / (K * outW * 4))));

  return withArena((rt) => {
    const { arena, kernels } = rt;
    const px = arena.put(x.data, "conv(x)");
    const pw = arena.put(w.data, "conv(w)");
    const pb = b == null ? 0 : arena.put(b.data, "conv(b)");
    const py = arena.alloc(N * M * outPlane * 4, "conv output");
    const pcols = pointwise ? 0 : arena.alloc(K * bandRows * outW * 4, "conv im2col buffer");
    const work = gemmWorkspace(rt, Mg, bandRows * outW, K, "conv");
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < group; gi++) {
        const xg = px + (n * C + gi * Cg) * inPlane * 4;
        const yg = py + (n * M + gi * Mg) * outPlane * 4;
        for (let oh0 = 0; oh0 < outH; oh0 += bandRows) {
          const rows = Math.min(bandRows, outH - oh0);
          let cols = xg;
          if (!pointwise) {
            kernels.f32_im2col__fast(windowParams(rt.params, band(window, oh0, rows), Cg, xg, pcols));
            cols = pcols;
          }
          runGemm(rt, {
            M: Mg, N: rows * outW, K,
            a: pw + gi * Mg * K * 4, lda: K, transA: false,
            b: cols + (pointwise ? oh0 * outW * 4 : 0), ldb: pointwise ? outPlane : rows * outW, transB: false,
            c: yg + oh0 * outW * 4, ldc: outPlane, alpha: 1, beta: 0, work,
          });
        }
      }
    }
    if (b != null) kernels.f32_bias_add__simd(py, pb, N, M, outPlane);
    return tensor(arena.take(py, N * M * outPlane), g.outShape);
  });
}

// The bilinear view (FCN's upsampling initialisation): a depthwise transposed convolution whose
// kernel is FCN's bilinear filter, filt[t] = 1 − |t − centre|/f, with stride f, kernel 2f − f mod 2
// and pads ⌈(f − 1)/2⌉, IS bilinear interpolation: output pixel o sits at input coordinate
// u = (o + p − centre)/f and receives Σ_i x[i]·max(0, 1 − |u − i|) per axis (the two nearest
// input pixels, weighted by distance; zero beyond the border). Both sides are computed and compared.
import { AttributeError } from "../errors.js";
import { type Tensor, checkTensor, plain, tensor } from "../tensor.js";
import { convTranspose } from "../ops/conv-transpose.js";
import { bilinearKernel, bilinearUpsampling, bilinearWeights } from "../nn/bilinear.js";

export interface BilinearView {
  /** The integer upsampling factor f. */
  factor: number;
  /** FCN's k×k bilinear filter, k = 2f − f mod 2 (row-major). */
  kernel: Float32Array;
  /** The convTranspose attributes used (group = C, output exactly f × input). */
  attrs: { kernelShape: number[]; strides: number[]; pads: number[]; group: number };
  /** convTranspose(x, bilinear weights): [N, C, f·H, f·W]. */
  output: Tensor;
  /** Bilinear interpolation computed directly from the formula above: the same shape. */
  interpolated: Tensor;
  /** max |output − interpolated| (float32 rounding only). */
  maxDifference: number;
}

/** Interpolation weights along one axis: w[o][i] = max(0, 1 − |u(o) − i|), u(o) = (o + p − centre)/f. */
function axisWeights(size: number, factor: number, pad: number): Float64Array[] {
  const k = 2 * factor - (factor % 2);
  const centre = k % 2 === 1 ? factor - 1 : factor - 0.5; // FCN's upsample_filt
  return Array.from({ length: size * factor }, (_, o) => {
    const u = (o + pad - centre) / factor;
    return Float64Array.from({ length: size }, (_, i) => Math.max(0, 1 - Math.abs(u - i)));
  });
}

/**
 * Upsamples x [N, C, H, W] by the integer `factor` both ways — as a depthwise transposed
 * convolution with FCN's bilinear kernel and as textbook bilinear interpolation — and returns both.
 * Needs `await ready()` (it runs convTranspose).
 */
export function bilinear(x: Tensor, factor: number): BilinearView {
  x = plain(x); // read element by element below
  const shape = checkTensor(x, "explain.bilinear(x)");
  if (shape.length !== 4) throw new AttributeError(`explain.bilinear(x): expected [N, C, H, W], got rank ${shape.length}`);
  if (!Number.isInteger(factor) || factor < 1 || factor > 64) {
    throw new AttributeError(`explain.bilinear(factor): expected an integer from 1 to 64, got ${String(factor)}`);
  }
  const [N, C, H, W] = shape;
  const k = 2 * factor - (factor % 2);
  const attrs = { ...bilinearUpsampling(factor), group: C };
  const output = convTranspose(x, bilinearWeights(C, k), null, attrs);
  const p = attrs.pads[0];
  const wh = axisWeights(H, factor, p), ww = axisWeights(W, factor, p);
  const OH = H * factor, OW = W * factor;
  const y = new Float32Array(N * C * OH * OW);
  let maxDifference = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      let acc = 0;
      for (let i = 0; i < H; i++) {
        if (wh[oh][i] === 0) continue;
        for (let j = 0; j < W; j++) acc += wh[oh][i] * ww[ow][j] * x.data[(plane * H + i) * W + j];
      }
      const at = (plane * OH + oh) * OW + ow;
      y[at] = acc;
      maxDifference = Math.max(maxDifference, Math.abs(acc - output.data[at]));
    }
  }
  return { factor, kernel: bilinearKernel(k), attrs, output, interpolated: tensor(y, [N, C, OH, OW]), maxDifference };
}

// Plain-TS references for the gradients of Conv and ConvTranspose, naive float64 loops straight
// from the definitions the README states (Backward), so that NaN and ±∞ land exactly where those
// sums put them. Independent of src/. Shapes and padding come from ref/conv.ts's geometries.
//   convBackward: dx = ConvTranspose(dy, w) (x enters y only where it lies: no term for padding),
//     dw[m, c, k] = Σ_{n, o} dy[n, m, o]·xpad[n, c, o·s − p + k·d] (ONNX Conv's padding zeros are
//     values of the sum, so 0·dy is a term);
//   convTransposeBackward: dx = Conv(dy, w) over the same window (dy read through zero padding),
//     dw[c, m, k] = Σ_{n, i} x[n, c, i]·dypad[n, m, i·s − p + k·d] (zero-padded dy).
import { convGeometry, convTransposeGeometry, type RefConvAttrs, type RefGeometry } from "./conv.js";

export interface RefGradients { dx: Float64Array; dw: Float64Array }

/** A window sliding over an image: its positions (grid), the image, their channels, as 2-D. */
interface Slide { grid: number[]; image: number[]; gridChannels: number; imageChannels: number }

/**
 * Visits every product of the window: image n, grid channel a, image channel b of a's group, grid
 * position (oh, ow) and tap k, whose image pixel is (oh·sH − pT + kh·dH, ow·sW − pL + kw·dW)
 * (flat index, or −1 in the padding). `wIndex(a, b, k)` places the weight.
 */
function eachTap(g: RefGeometry, s: Slide, wIndex: (a: number, b: number, k: number) => number,
  visit: (wi: number, gridIndex: number, imageIndex: number) => void): void {
  const two = s.grid.length === 2;
  const [GH, GW] = two ? s.grid : [1, s.grid[0]], [H, W] = two ? s.image : [1, s.image[0]];
  const [KH, KW] = two ? g.kernel : [1, g.kernel[0]];
  const [sH, sW] = two ? g.strides : [1, g.strides[0]], [dH, dW] = two ? g.dilations : [1, g.dilations[0]];
  const [pT, pL] = two ? g.padsBegin : [0, g.padsBegin[0]];
  const A = s.gridChannels, B = s.imageChannels, Ag = A / g.group, Bg = B / g.group;
  for (let n = 0; n < g.N; n++)
    for (let a = 0; a < A; a++)
      for (let bl = 0; bl < Bg; bl++) {
        const b = Math.floor(a / Ag) * Bg + bl; // a's group's image channels
        for (let oh = 0; oh < GH; oh++) for (let ow = 0; ow < GW; ow++)
          for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
            const ih = oh * sH - pT + kh * dH, iw = ow * sW - pL + kw * dW; // the tap's image pixel
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            visit(wIndex(a, b, kh * KW + kw), ((n * A + a) * GH + oh) * GW + ow, inside ? ((n * B + b) * H + ih) * W + iw : -1);
          }
      }
}

/** convBackward's gradients (Conv w [M, C/g, k…]): see the top of this file. */
export function convBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], attrs: RefConvAttrs): RefGradients {
  const g = convGeometry(xShape, wShape, attrs);
  const taps = g.kernel.reduce((p, v) => p * v, 1), Cg = g.C / g.group;
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length);
  // the window slides over x (image) at y's positions (grid); w[m, c mod C/g, k]
  eachTap(g, { grid: g.output, image: g.input, gridChannels: g.M, imageChannels: g.C }, (m, c, k) => (m * Cg + (c % Cg)) * taps + k, (wi, yi, xi) => {
    if (xi >= 0) dx[xi] += dy[yi] * w[wi]; // a term only where x lies
    dw[wi] += dy[yi] * (xi >= 0 ? x[xi] : 0); // padding zeros are terms of conv's sum
  });
  return { dx, dw };
}

/** convTransposeBackward's gradients (ConvTranspose w [C, M/g, k…]): see the top of this file. */
export function convTransposeBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], attrs: RefConvAttrs): RefGradients {
  const g = convTransposeGeometry(xShape, wShape, attrs);
  const taps = g.kernel.reduce((p, v) => p * v, 1), Mg = g.M / g.group;
  const dx = new Float64Array(x.length), dw = new Float64Array(w.length);
  // dx = Conv(dy, w): the window slides over dy (image) at x's positions (grid); w[c, m mod M/g, k]
  eachTap(g, { grid: g.input, image: g.output, gridChannels: g.C, imageChannels: g.M }, (c, m, k) => (c * Mg + (m % Mg)) * taps + k, (wi, xi, yi) => {
    const d = yi >= 0 ? dy[yi] : 0; // dy read through zero padding
    dx[xi] += d * w[wi];
    dw[wi] += x[xi] * d;
  });
  return { dx, dw };
}

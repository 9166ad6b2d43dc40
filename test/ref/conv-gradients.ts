// Plain-TS references for the gradients of Conv and ConvTranspose, naive float64 loops straight
// from the definitions the README states (Backward), so that NaN and ±∞ land exactly where those
// sums put them. Independent of src/. Shapes and padding come from ref/conv.ts's geometries.
//   convBackward: dx = ConvTranspose(dy, w) (x enters y only where it lies: no term for padding),
//     dw[m, c, k] = Σ_{n, o} dy[n, m, o]·xpad[n, c, o·s − p + k·d] (ONNX Conv's padding zeros are
//     values of the sum, so 0·dy is a term);
//   convTransposeBackward: dx = Conv(dy, w) over the same window (dy read through zero padding),
//     dw[c, m, k] = Σ_{n, i} x[n, c, i]·dypad[n, m, i·s − p + k·d] (zero-padded dy).
import { convGeometry, convTransposeGeometry, type RefConvAttrs, type RefGeometry, volume } from "./conv.js";

export interface RefGradients { dx: Float64Array; dw: Float64Array }

/** A window sliding over an image: its positions (grid), the image, their channels. */
interface Slide { grid: number[]; image: number[]; gridChannels: number; imageChannels: number }

/**
 * Visits every product of the window: image n, grid channel a, image channel b of a's group, grid
 * position (od, oh, ow) and tap k = (kd, kh, kw), whose image voxel is (od·sD − pF + kd·dD,
 * oh·sH − pT + kh·dH, ow·sW − pL + kw·dW) (flat index, or −1 in the padding). Rank 1 and 2 run as 3-D
 * with leading axes of size 1 (ref/conv.ts volume). `wIndex(a, b, k)` places the weight.
 */
function eachTap(g: RefGeometry, s: Slide, wIndex: (a: number, b: number, k: number) => number,
  visit: (wi: number, gridIndex: number, imageIndex: number) => void): void {
  // the window's axes with this slide's sizes: grid positions as `out`, the image as `size`
  const [Dz, Hz, Wz] = volume({ ...g, output: s.grid, input: s.image });
  const A = s.gridChannels, B = s.imageChannels, Ag = A / g.group, Bg = B / g.group;
  for (let n = 0; n < g.N; n++)
    for (let a = 0; a < A; a++)
      for (let bl = 0; bl < Bg; bl++) {
        const b = Math.floor(a / Ag) * Bg + bl; // a's group's image channels
        for (let od = 0; od < Dz.out; od++) for (let oh = 0; oh < Hz.out; oh++) for (let ow = 0; ow < Wz.out; ow++)
          for (let kd = 0; kd < Dz.k; kd++) for (let kh = 0; kh < Hz.k; kh++) for (let kw = 0; kw < Wz.k; kw++) {
            // the tap's image voxel
            const id = od * Dz.s - Dz.p + kd * Dz.d, ih = oh * Hz.s - Hz.p + kh * Hz.d, iw = ow * Wz.s - Wz.p + kw * Wz.d;
            const inside = id >= 0 && id < Dz.size && ih >= 0 && ih < Hz.size && iw >= 0 && iw < Wz.size;
            const gridIndex = (((n * A + a) * Dz.out + od) * Hz.out + oh) * Wz.out + ow;
            const imageIndex = inside ? (((n * B + b) * Dz.size + id) * Hz.size + ih) * Wz.size + iw : -1;
            visit(wIndex(a, b, (kd * Hz.k + kh) * Wz.k + kw), gridIndex, imageIndex);
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

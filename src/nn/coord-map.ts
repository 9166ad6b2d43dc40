// Coordinate maps, as Caffe's net specification computes them (python/caffe/coord_map.py): every
// spatial layer relates its output ("top") coordinates to its input ("bottom") coordinates by an
// affine map per axis, top = a·bottom + b, where a coordinate is a pixel centre. Composing them
// along a graph tells where one feature map sits in another, which is how FCN's Crop offsets are
// derived instead of typed in. Arithmetic is exact (rationals), so offsets never round.
//
// Caffe's conventions (ks = d·(k − 1) + 1 is the dilated kernel extent, p the begin padding):
//   Convolution, Pooling:  a = 1/s,  b = (p − (ks − 1)/2) / s
//                          (the inverse: bottom = s·top + (ks − 1)/2 − p, the window's centre)
//   Deconvolution:         a = s,    b = (ks − 1)/2 − p
//   Crop (offset o):       a = 1,    b = −o
//   pointwise layers (ReLU, Dropout, Scale, Eltwise, Softmax…): a = 1, b = 0
// and crop(from, to) needs the map from `from` to `to` to have a = 1 and an integer b ≤ 0; the
// offset is −b.
import { ShapeError } from "../errors.js";

/** An exact rational n/d with d > 0, in lowest terms. */
export interface Fraction { readonly n: number; readonly d: number }

function gcd(a: number, b: number): number {
  a = Math.abs(a); b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** n/d in lowest terms (d ≠ 0). */
export function frac(n: number, d = 1): Fraction {
  if (d === 0 || !Number.isSafeInteger(n) || !Number.isSafeInteger(d)) throw new RangeError(`coordinate map: bad fraction ${n}/${d}`);
  if (d < 0) { n = -n; d = -d; }
  const g = gcd(n, d) || 1;
  return { n: n / g + 0, d: d / g };
}

const add = (x: Fraction, y: Fraction): Fraction => frac(x.n * y.d + y.n * x.d, x.d * y.d);
const sub = (x: Fraction, y: Fraction): Fraction => frac(x.n * y.d - y.n * x.d, x.d * y.d);
const mul = (x: Fraction, y: Fraction): Fraction => frac(x.n * y.n, x.d * y.d);
const div = (x: Fraction, y: Fraction): Fraction => frac(x.n * y.d, x.d * y.n);

/** The value of a fraction as a number. */
export const toNumber = (x: Fraction): number => x.n / x.d;

/** "3/2", "-5", for messages. */
export const showFraction = (x: Fraction): string => (x.d === 1 ? `${x.n}` : `${x.n}/${x.d}`);

/** One axis of a coordinate map: top = scale·bottom + shift. */
export interface AxisMap { readonly scale: Fraction; readonly shift: Fraction }

/** The identity map (pointwise layers, and the graph input relative to itself). */
export const IDENTITY: AxisMap = { scale: frac(1), shift: frac(0) };

/** The geometry of one axis of a sliding window (Conv, MaxPool, or ConvTranspose as the adjoint). */
export interface AxisWindow { kernel: number; stride: number; dilation: number; padBegin: number }

/** Conv and MaxPool: a = 1/s, b = (p − (ks − 1)/2) / s. */
export function windowMap(w: AxisWindow): AxisMap {
  const extent = w.dilation * (w.kernel - 1) + 1;
  const s = frac(w.stride);
  return { scale: frac(1, w.stride), shift: div(sub(frac(w.padBegin), frac(extent - 1, 2)), s) };
}

/** ConvTranspose (Caffe's Deconvolution): a = s, b = (ks − 1)/2 − p. */
export function transposedWindowMap(w: AxisWindow): AxisMap {
  const extent = w.dilation * (w.kernel - 1) + 1;
  return { scale: frac(w.stride), shift: sub(frac(extent - 1, 2), frac(w.padBegin)) };
}

/** Crop starting at `offset`: a = 1, b = −offset. */
export function cropMap(offset: number): AxisMap {
  return { scale: frac(1), shift: frac(-offset) };
}

/**
 * `outer` after `inner`: if inner maps x → y and outer maps y → z, the result maps x → z
 * (scales multiply; the inner shift is scaled by the outer scale).
 */
export function compose(outer: AxisMap, inner: AxisMap): AxisMap {
  return { scale: mul(outer.scale, inner.scale), shift: add(mul(outer.scale, inner.shift), outer.shift) };
}

/** The inverse map: y = a·x + b ⇒ x = y/a − b/a. */
export function inverse(m: AxisMap): AxisMap {
  return { scale: div(frac(1), m.scale), shift: frac(-m.shift.n * m.scale.d, m.shift.d * m.scale.n) };
}

/**
 * The map from blob `from`'s coordinates to blob `to`'s, given each one's map from a common
 * ancestor (the graph input): to ∘ from⁻¹.
 */
export function relativeMap(fromMap: AxisMap, toMap: AxisMap): AxisMap {
  return compose(toMap, inverse(fromMap));
}

/**
 * Caffe's crop offset for one axis: the map from the cropped blob to the reference blob must be
 * a pure shift by a non-positive integer b; the offset is −b. `what` prefixes error messages.
 */
export function cropOffsetFromMap(m: AxisMap, axis: number, what: string): number {
  if (m.scale.n !== 1 || m.scale.d !== 1) {
    throw new ShapeError(`${what}: axis ${axis}: the two feature maps have different resolutions (scale ${showFraction(m.scale)} between them, need 1); a Crop can only align maps of the same stride`);
  }
  if (m.shift.d !== 1) {
    throw new ShapeError(`${what}: axis ${axis}: the offset ${showFraction(frac(-m.shift.n, m.shift.d))} is not an integer; the feature maps' pixel centres do not line up`);
  }
  if (m.shift.n > 0) {
    throw new ShapeError(`${what}: axis ${axis}: the reference starts ${m.shift.n} pixel(s) before the cropped map (offset −${m.shift.n}); a Crop cannot pad`);
  }
  return m.shift.n === 0 ? 0 : -m.shift.n;
}

// PRelu with a learned slope per channel (or one shared slope): y = x for x ≥ 0, slope[c]·x below,
// and its backward, which also gives the slope's gradient. The loops work on plain Float32Arrays
// (`preluInto`, `preluBackwardInto`) so that Net's op-by-op path and its resident plan run the
// very same arithmetic. A JS loop, as the other activations (src/ops/activations.ts).
import { ShapeError, UnsupportedError } from "../errors.js";
import { type Tensor, checkTensor, describeShape, tensor } from "../tensor.js";
import { checkSameShape } from "./run.js";

/** The layout of a PRelu call: N·C planes of `plane` elements, `C` slopes (1 when shared). */
export interface PreluGeometry { N: number; C: number; plane: number; slopes: number }

/**
 * Checks x [N, C, …] and slope: [C] (one per channel, PyTorch's PReLU weight), [C, 1, …, 1] (ONNX's
 * per-channel form), or one value ([] or [1], shared). Any other slope shape (ONNX's general
 * broadcasting, e.g. a slope per column) is an UnsupportedError.
 */
export function resolvePrelu(xShape: readonly number[], slopeShape: readonly number[], op: string): PreluGeometry {
  if (xShape.length < 2) throw new ShapeError(`${op}(x): expected [N, C, …], got ${describeShape(xShape)}`);
  const [N, C] = xShape;
  const plane = xShape.slice(2).reduce((a, b) => a * b, 1);
  const count = slopeShape.reduce((a, b) => a * b, 1);
  const perChannel = slopeShape.length >= 1 && slopeShape[0] === C && slopeShape.slice(1).every((d) => d === 1) && slopeShape.length <= xShape.length - 1;
  if (count === 1 && slopeShape.length <= xShape.length) return { N, C, plane, slopes: 1 };
  if (perChannel) return { N, C, plane, slopes: C };
  throw new UnsupportedError(`${op}(slope): expected one slope per channel ([${C}] or [${C}, 1, …]) or one shared value ([1]), got ${describeShape(slopeShape)} for x ${describeShape(xShape)}`);
}

/** y[n, c, i] = x < 0 ? slope[c]·x : x (slope[0] when shared). NaN stays NaN. */
export function preluInto(g: PreluGeometry, x: Float32Array, slope: Float32Array, y: Float32Array): void {
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const s = slope[g.slopes === 1 ? 0 : c], base = (n * g.C + c) * g.plane;
      for (let i = base; i < base + g.plane; i++) y[i] = x[i] < 0 ? s * x[i] : x[i];
    }
  }
}

/**
 * dx = dy where x > 0, slope·dy elsewhere (PyTorch's side at 0); dslope[c] = Σ dy·x over the
 * elements of channel c (all of them when shared) where x ≤ 0, summed in float64.
 */
export function preluBackwardInto(g: PreluGeometry, x: Float32Array, slope: Float32Array, dy: Float32Array, dx: Float32Array, dslope: Float32Array): void {
  const sums = new Float64Array(g.slopes);
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const k = g.slopes === 1 ? 0 : c, s = slope[k], base = (n * g.C + c) * g.plane;
      let sum = 0;
      for (let i = base; i < base + g.plane; i++) {
        const v = x[i], d = dy[i];
        if (v > 0) dx[i] = d;
        else { dx[i] = s * d; sum += d * v; }
      }
      sums[k] += sum;
    }
  }
  dslope.set(sums);
}

/** ONNX PRelu with a per-channel ([C] or [C, 1, …]) or shared ([1]) slope: y = x ≥ 0 ? x : slope·x. */
export function prelu(x: Tensor, slope: Tensor): Tensor {
  const shape = checkTensor(x, "prelu(x)");
  const g = resolvePrelu(shape, checkTensor(slope, "prelu(slope)"), "prelu");
  const xd = x.data; // one read each: a resident tensor's data is a copy per read
  const y = new Float32Array(xd.length);
  preluInto(g, xd, slope.data, y);
  return tensor(y, shape.slice());
}

/** Gradients of prelu: dx (x's shape) and dslope (slope's shape). */
export function preluBackward(dy: Tensor, x: Tensor, slope: Tensor): { dx: Tensor; dslope: Tensor } {
  const dyShape = checkTensor(dy, "preluBackward(dy)");
  const xShape = checkTensor(x, "preluBackward(x)");
  const slopeShape = checkTensor(slope, "preluBackward(slope)");
  checkSameShape(dyShape, xShape, "preluBackward(dy)", "x's shape");
  const g = resolvePrelu(xShape, slopeShape, "preluBackward");
  const xd = x.data;
  const dx = new Float32Array(xd.length), dslope = new Float32Array(g.slopes);
  preluBackwardInto(g, xd, slope.data, dy.data, dx, dslope);
  return { dx: tensor(dx, xShape.slice()), dslope: tensor(dslope, slopeShape.slice()) };
}

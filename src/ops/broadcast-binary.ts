// The shared loops of the broadcasting elementwise ops (Sub, Mul, Div, Pow, Max, Min, Sum and the
// Add layer op): y[ι] = f(x₀[ι₀], x₁[ι₁], …) over the numpy broadcast shape of the inputs, each
// value a float64 formula of float32 inputs rounded once to float32; and the reduction that folds
// a gradient of the output's shape back onto an operand's shape (summing over the axes the operand
// was broadcast along). Plain JS: these ops are memory-bound and small next to the convs.
import { broadcastShapes, broadcastStrides, forEachOuter } from "../broadcast.js";
import { ShapeError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, describeShape, tensor } from "../tensor.js";
import { product } from "./run.js";

/** The broadcast shape of every shape in `shapes` (at least one); ShapeError naming the pair that fails. */
export function broadcastAll(shapes: readonly (readonly number[])[], op: string): number[] {
  let out = shapes[0].slice();
  for (let i = 1; i < shapes.length; i++) out = broadcastShapes(out, shapes[i], op);
  return out;
}

/**
 * Calls `visit(n, offsets)` for every element n of `out` (row-major), with `offsets[k]` the element
 * offset of input k (strides from broadcastStrides) there. `offsets` is reused between calls.
 * Index formula: offsets[k] = Σ_t ι_t · strides[k][t].
 */
export function forEachBroadcast(out: readonly number[], strides: readonly (readonly number[])[],
  visit: (n: number, offsets: readonly number[]) => void): void {
  const rank = out.length, count = product(out), k = strides.length;
  const idx = new Array<number>(rank).fill(0);
  const offsets = new Array<number>(k).fill(0);
  for (let n = 0; n < count; n++) {
    visit(n, offsets);
    for (let t = rank - 1; t >= 0; t--) {
      idx[t]++;
      for (let j = 0; j < k; j++) offsets[j] += strides[j][t];
      if (idx[t] < out[t]) break;
      for (let j = 0; j < k; j++) offsets[j] -= strides[j][t] * out[t];
      idx[t] = 0;
    }
  }
}

/**
 * y = f(a, b) elementwise with numpy broadcasting. `op` names the public function in errors
 * ("sub" → "sub(a)", "sub(b)"). The last axis runs as a plain loop with each operand's step.
 */
export function broadcastBinary(a: Tensor, b: Tensor, op: string, f: (x: number, y: number) => number): Tensor {
  const aShape = checkTensor(a, `${op}(a)`);
  const bShape = checkTensor(b, `${op}(b)`);
  const out = broadcastShapes(aShape, bShape, op);
  const sa = broadcastStrides(aShape, out), sb = broadcastStrides(bShape, out);
  const A = a.data, B = b.data; // once: a resident tensor copies on every read of .data
  const y = new Float32Array(product(out));
  const last = out.length - 1;
  const run = last >= 0 ? out[last] : 1;
  const stepA = last >= 0 ? sa[last] : 0, stepB = last >= 0 ? sb[last] : 0;
  if (run === 0 || y.length === 0) return tensor(y, out);
  // y[n·run + i] = f(A[oa + i·stepA], B[ob + i·stepB]) for every position n of the leading axes
  forEachOuter(out, Math.min(1, out.length), sa, sb, (oa, ob, n) => {
    const base = n * run;
    for (let i = 0; i < run; i++) y[base + i] = f(A[oa + i * stepA], B[ob + i * stepB]);
  });
  return tensor(y, out);
}

/**
 * y = f(x₀, x₁, …) over the broadcast shape of every input (at least one). `op` names the public
 * function in errors ("max" → "max(xs[2])").
 */
export function broadcastVariadic(xs: readonly Tensor[], op: string, f: (values: readonly number[]) => number): Tensor {
  const shapes = checkOperands(xs, op);
  const out = broadcastAll(shapes, op);
  const strides = shapes.map((s) => broadcastStrides(s, out));
  const data = xs.map((x) => x.data);
  const y = new Float32Array(product(out));
  const values = new Array<number>(xs.length);
  forEachBroadcast(out, strides, (n, offsets) => {
    for (let k = 0; k < data.length; k++) values[k] = data[k][offsets[k]];
    y[n] = f(values);
  });
  return tensor(y, out);
}

/** Checks the operands of a variadic op (an array of one or more tensors); returns their shapes. */
export function checkOperands(xs: unknown, op: string): (readonly number[])[] {
  if (!Array.isArray(xs)) throw new ShapeError(`${op}: expected tensors as arguments, got ${xs === null ? "null" : typeof xs}`);
  if (xs.length === 0) throw new ShapeError(`${op}: expected at least one tensor, got none`);
  return xs.map((x, k) => checkTensor(x, `${op}(xs[${k}])`));
}

/**
 * Checks a backward's dy against the broadcast of `shapes` (its forward's operand shapes) and
 * returns that shape. `names` name the shapes in errors.
 */
export function checkBackwardShapes(dy: Tensor, shapes: readonly unknown[], op: string, names: readonly string[]): { out: number[]; dims: number[][] } {
  const dyShape = checkTensor(dy, `${op}(dy)`);
  const dims = shapes.map((s, k) => checkDims(s, `${op}(${names[k]})`));
  const out = broadcastAll(dims, op);
  if (out.length !== dyShape.length || out.some((d, i) => d !== dyShape[i])) {
    throw new ShapeError(`${op}(dy): expected ${describeShape(out)} (the forward's output), got ${describeShape(dyShape)}`);
  }
  return { out, dims };
}

/**
 * The gradient of an operand of shape `shape` from g, a gradient over the broadcast shape `out`:
 * g summed (in float64) over the axes along which the operand was broadcast.
 */
export function reduceToShape(g: ArrayLike<number>, out: readonly number[], shape: readonly number[]): Tensor {
  const strides = broadcastStrides(shape, out);
  const acc = new Float64Array(product(shape));
  forEachOuter(out, 0, strides, strides, (offset, _o, n) => { acc[offset] += g[n]; });
  return tensor(Float32Array.from(acc), shape.slice());
}

/**
 * The gradients of a binary broadcasting op y = f(a, b): da = Σ dy·∂f/∂a and db = Σ dy·∂f/∂b,
 * each partial evaluated at the broadcast pair (a[ι_a], b[ι_b]) and summed onto the operand's
 * shape. `op` names the backward function in errors.
 */
export function binaryGradients(dy: Tensor, a: Tensor, b: Tensor, op: string,
  dfa: (x: number, y: number) => number, dfb: (x: number, y: number) => number): { da: Tensor; db: Tensor } {
  const aShape = checkTensor(a, `${op}(a)`), bShape = checkTensor(b, `${op}(b)`);
  const { out } = checkBackwardShapes(dy, [aShape, bShape], op, ["a", "b"]);
  const sa = broadcastStrides(aShape, out), sb = broadcastStrides(bShape, out);
  const A = a.data, B = b.data, G = dy.data;
  const ga = new Float64Array(G.length), gb = new Float64Array(G.length);
  forEachOuter(out, 0, sa, sb, (oa, ob, n) => {
    const x = A[oa], y = B[ob], g = G[n];
    ga[n] = g * dfa(x, y);
    gb[n] = g * dfb(x, y);
  });
  return { da: reduceToShape(ga, out, aShape), db: reduceToShape(gb, out, bShape) };
}

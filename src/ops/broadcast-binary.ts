// The shared loops of the broadcasting elementwise ops (Sub, Mul, Div, Pow, Max, Min, Sum and the
// BroadcastAdd layer op): y[ι] = x₀[ι₀] ∘ x₁[ι₁] ∘ … over the numpy broadcast shape, each value a
// float64 result of float32 inputs rounded once to float32. The trailing axes along which every
// operand either runs or is broadcast merge into one run (as add.ts does for its wasm kernel), and
// each op has its own run loop (RUNS). Also the reduction that folds a gradient of the output's
// shape back onto an operand's shape (summing over the axes the operand was broadcast along).
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
 * A run of a binary op: y[yo + i] = a[oa + i·sa] ∘ b[ob + i·sb] for i < n (sa, sb: 0 or 1). Each op
 * has its own loop, so the engine sees one operation per loop (a shared loop calling a function
 * per element ran ≈ 5× slower).
 */
export type BinaryRun = (y: Float32Array | Float64Array, yo: number, a: ArrayLike<number>, oa: number, sa: number,
  b: ArrayLike<number>, ob: number, sb: number, n: number) => void;

/** max/min with NaN propagating (Math.max/min do that too, but only with numbers; these are the same rule). */
export const RUNS = {
  add: ((y, yo, a, oa, sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) y[yo + i] = a[oa + i * sa] + b[ob + i * sb]; }) as BinaryRun,
  sub: ((y, yo, a, oa, sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) y[yo + i] = a[oa + i * sa] - b[ob + i * sb]; }) as BinaryRun,
  mul: ((y, yo, a, oa, sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) y[yo + i] = a[oa + i * sa] * b[ob + i * sb]; }) as BinaryRun,
  div: ((y, yo, a, oa, sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) y[yo + i] = a[oa + i * sa] / b[ob + i * sb]; }) as BinaryRun,
  pow: ((y, yo, a, oa, sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) y[yo + i] = Math.pow(a[oa + i * sa], b[ob + i * sb]); }) as BinaryRun,
  // keep a unless b is NaN or beats it; a NaN a stays (NaN propagates, the first NaN wins)
  max: ((y, yo, a, oa, sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) { const x = a[oa + i * sa], v = b[ob + i * sb]; y[yo + i] = v > x || v !== v ? (x !== x ? x : v) : x; } }) as BinaryRun,
  min: ((y, yo, a, oa, sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) { const x = a[oa + i * sa], v = b[ob + i * sb]; y[yo + i] = v < x || v !== v ? (x !== x ? x : v) : x; } }) as BinaryRun,
  /** y = b (a is ignored): starts an accumulator from an operand. */
  copy: ((y, yo, _a, _oa, _sa, b, ob, sb, n) => { for (let i = 0; i < n; i++) y[yo + i] = b[ob + i * sb]; }) as BinaryRun,
};

/**
 * Splits the broadcast of shapes with strides sa, sb (broadcastStrides) over `out` into runs:
 * `visit(oa, ob, yo, n, stepA, stepB)` for each. Trailing axes merge into one run while a and b
 * each keep the kind they have on the last axis (running along the output, step 1, or broadcast,
 * step 0); output axes of size 1 merge with anything (as add.ts does for its kernel).
 */
export function forEachRun(out: readonly number[], sa: readonly number[], sb: readonly number[],
  visit: (oa: number, ob: number, yo: number, n: number, stepA: number, stepB: number) => void): void {
  let tail = 0, run = 1;
  let kind: [number, number] | null = null;
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 1) {
      const k: [number, number] = [sa[i] === 0 ? 0 : 1, sb[i] === 0 ? 0 : 1];
      if (kind === null) kind = k;
      else if (k[0] !== kind[0] || k[1] !== kind[1]) break;
      run *= out[i];
    }
    tail++;
  }
  if (run === 0 || product(out) === 0) return;
  const [stepA, stepB] = kind ?? [1, 1];
  forEachOuter(out, tail, sa, sb, (oa, ob, n) => visit(oa, ob, n * run, run, stepA, stepB));
}

/**
 * y = a ∘ b elementwise with numpy broadcasting, ∘ one of RUNS. `op` names the public function
 * in errors ("sub" → "sub(a)", "sub(b)"). Each value is the float64 result of two float32
 * values, rounded once to float32 on store.
 */
export function broadcastBinary(a: Tensor, b: Tensor, op: string, kernel: BinaryRun): Tensor {
  const aShape = checkTensor(a, `${op}(a)`);
  const bShape = checkTensor(b, `${op}(b)`);
  const out = broadcastShapes(aShape, bShape, op);
  const sa = broadcastStrides(aShape, out), sb = broadcastStrides(bShape, out);
  const A = a.data, B = b.data; // once: a resident tensor copies on every read of .data
  const y = new Float32Array(product(out));
  forEachRun(out, sa, sb, (oa, ob, yo, n, stepA, stepB) => kernel(y, yo, A, oa, stepA, B, ob, stepB, n));
  return tensor(y, out);
}

/**
 * y = x₀ ∘ x₁ ∘ … (left to right) over the broadcast shape of every input (at least one), ∘ one
 * of RUNS, accumulated in float64 and rounded once. `op` names the public function in errors
 * ("max" → "max(xs[2])").
 */
export function broadcastVariadic(xs: readonly Tensor[], op: string, kernel: BinaryRun): Tensor {
  const shapes = checkOperands(xs, op);
  const out = broadcastAll(shapes, op);
  const acc = new Float64Array(product(out));
  const ones = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let t = out.length - 1; t >= 0; t--) { ones[t] = out[t] === 1 ? 0 : stride; stride *= out[t]; }
  xs.forEach((x, k) => {
    const X = x.data, sx = broadcastStrides(shapes[k], out);
    const run = k === 0 ? RUNS.copy : kernel;
    forEachRun(out, ones, sx, (oa, ob, yo, n, stepA, stepB) => run(acc, yo, acc, oa, stepA, X, ob, stepB, n));
  });
  return tensor(Float32Array.from(acc), out);
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

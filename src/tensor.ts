// Tensor: a row-major float32 array and its shape (activations NCHW, weights in ONNX layouts).
import { INT_MAX } from "./attrs.js";
import { ShapeError } from "./errors.js";
import { isFloat32Array, kindOf, kindWithType } from "./values.js";
import type { Runtime } from "./runtime/runtime.js";

/** A dense float32 tensor, row-major. Ops never modify a tensor they are given. */
export interface Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/**
 * The mark of a tensor whose values live in wasm memory (`resident()`): ops read it there instead of
 * copying `data` in. Not part of the Tensor contract: any Tensor works without it.
 */
export const RESIDENT: unique symbol = Symbol("fcn-wasm resident tensor");

export interface ResidentHandle {
  readonly size: number;
  /** Throws NotReadyError once disposed; `name` is the argument in the message. */
  check(name: string): void;
  /** The byte offset in `rt`'s memory, or null when it lives in another runtime's. */
  pointer(rt: Runtime, name: string): number | null;
  /**
   * A form of the values made once and kept beside them (packed weights), keyed by `key`:
   * `bytes` are reserved and `make(ptr)` fills them on first use. Null when it lives in another
   * runtime's memory. Call between op calls (it may reserve resident memory).
   */
  derived(rt: Runtime, key: string, bytes: number, make: (ptr: number) => void): number | null;
  /** Whether the values are all finite: `scan()` answers on first use, then the answer is kept (the values never change). */
  finite(scan: () => boolean): boolean;
}

/** The resident handle of `t`, if it has one. */
export function residentHandle(t: Tensor): ResidentHandle | undefined {
  return (t as { [RESIDENT]?: ResidentHandle })[RESIDENT];
}

/**
 * t itself, or for a resident tensor a plain one holding one copy of its values: for code that
 * reads `.data` element by element (each read of a resident tensor's `.data` copies it).
 */
export function plain<T extends Tensor | null | undefined>(t: T): T {
  if (t == null || residentHandle(t) === undefined) return t;
  return tensor(t.data, t.shape.slice()) as T;
}

/** Number of elements of `shape` (1 for a scalar shape []). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** "2×3×4" for messages; "scalar" for []. */
export function describeShape(shape: readonly number[]): string {
  return shape.length === 0 ? "scalar []" : `[${shape.join(", ")}]`;
}

/**
 * Checks a shape argument (a tensor's, or a bare shape like cropBackward's xShape) and returns a
 * copy: an array of integers from 0 to 2³¹ − 1 (the kernels take int32 sizes; a tensor with data
 * cannot be larger anyway, but a zero-element one could claim any size). `name` names the argument.
 */
export function checkDims(shape: unknown, name: string): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${name}: expected an array of dimensions, got ${kindWithType(shape)}`);
  // an index loop, not forEach: forEach skips the holes of a sparse array
  const dims: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${name}[${i}]: expected a non-negative integer dimension, got ${i in shape ? kindOf(d) : "a hole (a sparse array)"}`);
    }
    if (d > INT_MAX) throw new ShapeError(`${name}[${i}]: expected a dimension ≤ ${INT_MAX} (2³¹ − 1), got ${d}`);
    dims.push(d);
  }
  return dims;
}

/**
 * Throws ShapeError when an op's empty result would have a dimension beyond 2³¹ − 1 (zero-element
 * inputs, whose dimensions nothing else bounds: im2col's C·∏k rows, a transposed convolution's
 * s·(in − 1) + …). A result with elements and such a dimension needs over 4 GiB: the arena's
 * OutOfMemoryError says so. `op` names the op and its argument, e.g. "im2col(x)".
 */
export function checkResultDims(dims: readonly number[], op: string): void {
  if (!dims.includes(0)) return;
  const i = dims.findIndex((d) => d > INT_MAX);
  if (i >= 0) throw new ShapeError(`${op}: the result's dimension ${i} would be ${dims[i]} (result ${describeShape(dims)}), beyond 2³¹ − 1, the largest size the kernels take`);
}

/**
 * Makes a tensor. A Float32Array is used as is (ops never write to it); any other array-like is
 * copied into a new Float32Array. Throws ShapeError when `data.length` is not the product of `shape`.
 */
export function tensor(data: Float32Array | ArrayLike<number>, shape: number[]): Tensor {
  const dims = checkDims(shape, "tensor(shape)");
  if (data === null || typeof data !== "object" || typeof (data as ArrayLike<number>).length !== "number") {
    throw new ShapeError(`tensor(data): expected a Float32Array or an array of numbers, got ${data === null ? "null" : typeof data}`);
  }
  const same = isFloat32Array(data); // of any realm: used as it is
  if (!same) {
    const list = data as ArrayLike<unknown>;
    for (let i = 0; i < list.length; i++) {
      if (typeof list[i] !== "number") {
        throw new ShapeError(`tensor(data[${i}]): expected a number, got ${typeof list[i] === "string" ? JSON.stringify(list[i]) : typeof list[i]}`);
      }
    }
  }
  const values = same ? data : Float32Array.from(data as ArrayLike<number>);
  const n = sizeOf(dims);
  if (values.length !== n) {
    throw new ShapeError(`tensor(data): expected ${n} elements for shape ${describeShape(dims)}, got ${values.length}`);
  }
  return Object.freeze({ data: values, shape: Object.freeze(dims) });
}

/**
 * Checks that `t` is a tensor (Float32Array data whose length matches its shape) and returns its
 * shape; `name` is the argument name used in the error message.
 */
export function checkTensor(t: unknown, name: string): readonly number[] {
  if (t === null || typeof t !== "object") throw new ShapeError(`${name}: expected a Tensor { data, shape }, got ${t === null ? "null" : typeof t}`);
  const handle = residentHandle(t as Tensor);
  if (handle !== undefined) {
    // Its values stay in wasm memory: check the shape against its size without copying them out.
    handle.check(name);
    const dims = checkDims((t as Tensor).shape, `${name}.shape`);
    if (sizeOf(dims) !== handle.size) throw new ShapeError(`${name}: resident tensor of ${handle.size} elements has shape ${describeShape(dims)}`);
    return dims;
  }
  const { data, shape } = t as Tensor;
  if (!isFloat32Array(data)) {
    // a class name bare ("got Float64Array"), as a Float32Array is named in the same message
    const what = data !== null && typeof data === "object" ? (data as object).constructor?.name ?? kindOf(data) : kindOf(data);
    throw new ShapeError(`${name}.data: expected a Float32Array, got ${what}`);
  }
  const dims = checkDims(shape, `${name}.shape`);
  const n = sizeOf(dims);
  if (data.length !== n) {
    throw new ShapeError(`${name}: data has ${data.length} elements but shape ${describeShape(dims)} needs ${n}`);
  }
  return dims;
}

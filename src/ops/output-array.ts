// options.out: a caller's Float32Array that an op (or Net.run) writes its result into instead of a
// new array. A new array's pages are fresh memory, and writing them is the page faults' work: on
// the project's VM ~10 µs a 4 KB page, so copying a 6.6 MB result into a new array took twice the
// transposed convolution's own work, and into an array already written 1/40 of it
// (bench/output-first-touch.ts). A loop that runs the same shape again (video frames, a
// benchmark) keeps one array and skips that. The result is written only after the op has read
// every operand, so `out` may be an operand's own data; nothing is written when the call throws.
import { AttributeError, ShapeError } from "../errors.js";
import type { Runtime } from "../runtime/runtime.js";
import { describeShape } from "../tensor.js";
import { isFloat32Array, kindWithType } from "../values.js";

/** Checks options.out before any work: undefined, or a Float32Array (AttributeError otherwise). */
export function outArray(out: unknown, what: string): Float32Array | undefined {
  if (out === undefined) return undefined;
  if (!isFloat32Array(out)) throw new AttributeError(`${what}: expected a Float32Array to write the result into, got ${kindWithType(out)}`);
  return out;
}

/**
 * Checks that `out` holds exactly the result of shape `shape` (ShapeError) and is not a view of
 * the runtime's own memory (AttributeError: the arena reuses that memory).
 */
export function checkOutFits(out: Float32Array, shape: readonly number[], rt: Runtime, what: string): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (out.length !== n) throw new ShapeError(`${what}: the result ${describeShape(shape)} has ${n} elements; out has ${out.length}`);
  if (out.buffer === rt.memory.buffer) throw new AttributeError(`${what}: out is a view of fcn-wasm's own wasm memory, which later calls reuse; pass an array of your own`);
}

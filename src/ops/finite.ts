// Whether an operand holds only finite values (no NaN, +∞ or −∞), by the f32_all_finite__simd scan
// over its copy in wasm memory (memory-bound, about 1/10 of a copy). convTranspose's sub-pixel
// path asks before it runs (conv-transpose/algorithm.ts): it multiplies zero taps and border cells
// by the data, which only a non-finite value turns into a wrong answer. A resident tensor keeps
// the answer, since its values never change.
import type { Runtime } from "../runtime/runtime.js";
import { type Tensor, residentHandle } from "../tensor.js";
import { product } from "./run.js";

/** Whether the `length` floats at byte offset `ptr` are all finite (the kernel commits the arena first). */
export function allFinite(rt: Runtime, ptr: number, length: number): boolean {
  return rt.kernels.f32_all_finite__simd(ptr, length) !== 0;
}

/**
 * A lazy "is operand t (copied or resident at `ptr`) all finite?": a resident tensor read in place
 * answers from its kept result after the first scan; any other operand is scanned on each call.
 */
export function operandFinite(rt: Runtime, t: Tensor, ptr: number): () => boolean {
  const scan = () => allFinite(rt, ptr, product(t.shape));
  const handle = residentHandle(t);
  if (handle === undefined || handle.pointer(rt, "operand") !== ptr) return scan;
  return () => handle.finite(scan);
}

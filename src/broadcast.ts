// Numpy-style (ONNX multidirectional) broadcasting: shapes are aligned at their last axis, and each
// pair of sizes must be equal or one of them 1.
import { ShapeError } from "./errors.js";
import { describeShape } from "./tensor.js";

/** The broadcast shape of `a` and `b`; throws ShapeError naming both when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${describeShape(a)} and ${describeShape(b)} do not broadcast (axis ${i} from the left of the aligned shapes: ${da} vs ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * Element strides of `shape` read as if broadcast to `out` (aligned at the last axis): 0 on axes
 * where `shape` has size 1 (or is missing), the row-major stride elsewhere.
 */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = out.length - 1; i >= 0; i--) {
    const d = shape[shape.length - out.length + i] ?? 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

/**
 * Calls `visit(offsetA, offsetB, index)` for every position of the leading `out.length − tail`
 * axes of `out`, in row-major order, with the element offsets of a and b there.
 */
export function forEachOuter(out: readonly number[], tail: number, sa: readonly number[], sb: readonly number[],
  visit: (offsetA: number, offsetB: number, index: number) => void): void {
  const lead = out.length - tail;
  let count = 1;
  for (let i = 0; i < lead; i++) count *= out[i];
  const idx = new Array<number>(lead).fill(0);
  let oa = 0, ob = 0;
  for (let n = 0; n < count; n++) {
    visit(oa, ob, n);
    for (let i = lead - 1; i >= 0; i--) {
      idx[i]++;
      oa += sa[i];
      ob += sb[i];
      if (idx[i] < out[i]) break;
      oa -= sa[i] * out[i];
      ob -= sb[i] * out[i];
      idx[i] = 0;
    }
  }
}

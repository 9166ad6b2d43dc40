// argMax: ONNX ArgMax — the index of the largest element along `axis`, as float32 (Net's tensors
// are float32; ONNX's output is int64, and every index below 2²⁴ is exact in float32). x viewed as
// [outer, A, inner] (outer = ∏ dims before axis, inner = ∏ after); output (o, i) at o·inner + i
// scans x[(o·A + a)·inner + i] for a < A. Ties go to the first index, or with `selectLastIndex`
// the last; a NaN counts as the largest (numpy's argmax, which ONNX's reference uses; the operator
// text says nothing of NaN). onnxruntime 1.30 disagrees: it compares with `>`, so a NaN wins only
// as a row's first element ([1, NaN, 3] → 2 there, 1 here). No gradient: the output is piecewise
// constant.
import { checkAttrNames, readFlag } from "../attrs.js";
import { ShapeError } from "../errors.js";
import { type Tensor, checkTensor, plain, tensor } from "../tensor.js";
import { readAxis } from "./concat.js";

/** ArgMax's attributes, ONNX's defaults: axis 0, keepdims true, selectLastIndex false. */
export interface ArgMaxAttrs { axis?: number; keepdims?: boolean | 0 | 1; selectLastIndex?: boolean | 0 | 1 }

/** The resolved attributes and the output shape for an input of `shape`; errors name `op`. */
export function argMaxShape(shape: readonly number[], attrs: unknown, op: string): { axis: number; keepdims: boolean; last: boolean; outShape: number[] } {
  const a = checkAttrNames(attrs, ["axis", "keepdims", "selectLastIndex"], op);
  if (shape.length === 0) throw new ShapeError(`${op}(x): a scalar [] has no axis to reduce`);
  const axis = readAxis(a.axis ?? 0, shape.length, `${op}(attrs.axis)`);
  const keepdims = a.keepdims === undefined ? true : readFlag(a.keepdims, `${op}(attrs.keepdims)`);
  const last = readFlag(a.selectLastIndex, `${op}(attrs.selectLastIndex)`);
  if (shape[axis] === 0) throw new ShapeError(`${op}(x): axis ${axis} of ${JSON.stringify(shape)} is empty: there is no largest element`);
  const outShape = shape.slice();
  if (keepdims) outShape[axis] = 1;
  else outShape.splice(axis, 1);
  return { axis, keepdims, last, outShape };
}

/**
 * ONNX ArgMax (opsets 1–13).
 * @param x any rank ≥ 1
 * @returns the indices as float32, x's shape with `axis` set to 1 (keepdims) or removed
 */
export function argMax(x: Tensor, attrs?: ArgMaxAttrs): Tensor {
  const shape = checkTensor(x, "argMax(x)");
  const { axis, last, outShape } = argMaxShape(shape, attrs, "argMax");
  const A = shape[axis], inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const xs = plain(x).data, y = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0, max = xs[o * A * inner + i];
      for (let a = 1; a < A && !Number.isNaN(max); a++) {
        const v = xs[(o * A + a) * inner + i];
        if (Number.isNaN(v) || v > max || (last && v === max)) { best = a; max = v; }
      }
      y[o * inner + i] = best;
    }
  }
  return tensor(y, outShape);
}

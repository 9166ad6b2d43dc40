// sum: ONNX Sum, the elementwise sum of one or more tensors with numpy broadcasting (opset ≥ 8;
// before, every input had the same shape, a special case). Summed left to right in float64,
// rounded once. Backward: each input gets dy summed over its broadcast axes.
import type { Tensor } from "../tensor.js";
import { RUNS, broadcastVariadic, checkBackwardShapes, reduceToShape } from "./broadcast-binary.js";

/** ONNX Sum: y = x₀ + x₁ + … (one or more tensors), shapes broadcast numpy-style. */
export function sum(...xs: Tensor[]): Tensor {
  return broadcastVariadic(xs, "sum", RUNS.add);
}

/** Gradients of sum: for each input shape, dy summed over the axes that input was broadcast along. */
export function sumBackward(dy: Tensor, shapes: readonly (readonly number[])[]): Tensor[] {
  const { out, dims } = checkBackwardShapes(dy, shapes, "sumBackward", shapes.map((_, k) => `shapes[${k}]`));
  const g = dy.data;
  return dims.map((s) => reduceToShape(g, out, s));
}

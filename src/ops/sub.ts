// sub: ONNX Sub, y = a − b with numpy broadcasting (opset ≥ 7; the legacy broadcast/axis
// attributes of opsets < 7 are the importer's business). Its backward sums dy (and −dy) over the
// axes each operand was broadcast along.
import type { Tensor } from "../tensor.js";
import { RUNS, broadcastBinary, checkBackwardShapes, reduceToShape } from "./broadcast-binary.js";

/** ONNX Sub: y = a − b, shapes broadcast numpy-style (ShapeError when they do not). */
export function sub(a: Tensor, b: Tensor): Tensor {
  return broadcastBinary(a, b, "sub", RUNS.sub);
}

/** Gradients of sub: da = dy and db = −dy, each summed onto its operand's shape ([…] of a and b). */
export function subBackward(dy: Tensor, aShape: readonly number[], bShape: readonly number[]): { da: Tensor; db: Tensor } {
  const { out, dims: [sa, sb] } = checkBackwardShapes(dy, [aShape, bShape], "subBackward", ["aShape", "bShape"]);
  const g = dy.data;
  const negated = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) negated[i] = -g[i];
  return { da: reduceToShape(g, out, sa), db: reduceToShape(negated, out, sb) };
}

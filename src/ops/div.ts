// div: ONNX Div (float), y = a / b with numpy broadcasting; IEEE division, so b = 0 gives ±∞ or
// NaN. Backward: da = dy / b, db = −dy·a / b², each summed over its operand's broadcast axes.
import type { Tensor } from "../tensor.js";
import { RUNS, binaryGradients, broadcastBinary } from "./broadcast-binary.js";

/** ONNX Div: y = a / b, shapes broadcast numpy-style (ShapeError when they do not). */
export function div(a: Tensor, b: Tensor): Tensor {
  return broadcastBinary(a, b, "div", RUNS.div);
}

/** Gradients of div from dy and the forward's a and b: da = Σ dy / b, db = Σ −dy·a / b². */
export function divBackward(dy: Tensor, a: Tensor, b: Tensor): { da: Tensor; db: Tensor } {
  return binaryGradients(dy, a, b, "divBackward", (_x, y) => 1 / y, (x, y) => -x / (y * y));
}

// mul: ONNX Mul, y = a·b with numpy broadcasting (x·sigmoid(x), squeeze-excitation gates
// x[N,C,H,W]·gate[N,C,1,1], products by a constant). Backward: da = dy·b, db = dy·a, each summed
// over the axes its operand was broadcast along.
import type { Tensor } from "../tensor.js";
import { RUNS, binaryGradients, broadcastBinary } from "./broadcast-binary.js";

/** ONNX Mul: y = a·b, shapes broadcast numpy-style (ShapeError when they do not). */
export function mul(a: Tensor, b: Tensor): Tensor {
  return broadcastBinary(a, b, "mul", RUNS.mul);
}

/** Gradients of mul from dy (the output's shape) and the forward's a and b: da = Σ dy·b, db = Σ dy·a. */
export function mulBackward(dy: Tensor, a: Tensor, b: Tensor): { da: Tensor; db: Tensor } {
  return binaryGradients(dy, a, b, "mulBackward", (_x, y) => y, (x) => x);
}

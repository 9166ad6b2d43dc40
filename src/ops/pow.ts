// pow: ONNX Pow (float base and exponent), y = aᵇ with numpy broadcasting, as C's pow (Math.pow
// in float64, rounded once): a negative base with a non-integer exponent gives NaN.
// Backward follows PyTorch's conventions where the calculus has none:
//   da = dy·b·aᵇ⁻¹, and 0 where b = 0 (aᵇ is the constant 1 there, even at a = 0);
//   db = dy·aᵇ·ln a, and 0 where a = 0 and b ≥ 0 (the limit of aᵇ·ln a); NaN for a < 0.
import type { Tensor } from "../tensor.js";
import { RUNS, binaryGradients, broadcastBinary } from "./broadcast-binary.js";

/** ONNX Pow: y = aᵇ (a the base, b the exponent), shapes broadcast numpy-style. */
export function pow(a: Tensor, b: Tensor): Tensor {
  return broadcastBinary(a, b, "pow", RUNS.pow);
}

/**
 * Gradients of pow from dy and the forward's base a and exponent b: da = Σ dy·b·aᵇ⁻¹ (0 where
 * b = 0), db = Σ dy·aᵇ·ln a (0 where a = 0 and b ≥ 0).
 */
export function powBackward(dy: Tensor, a: Tensor, b: Tensor): { da: Tensor; db: Tensor } {
  return binaryGradients(dy, a, b, "powBackward",
    (x, y) => (y === 0 ? 0 : y * Math.pow(x, y - 1)),
    (x, y) => (x === 0 && y >= 0 ? 0 : Math.pow(x, y) * Math.log(x)));
}

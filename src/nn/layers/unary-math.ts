// ONNX's unary math ops as Net layers: Sqrt, Exp, Neg, Abs (one input, same shape out).
import { type UnaryMathOp, abs, absBackward, exp, expBackward, neg, negBackward, sqrt, sqrtBackward } from "../../ops/unary-math.js";
import type { Tensor } from "../../tensor.js";
import type { LayerOp } from "../layer-op.js";

function unaryLayer(op: UnaryMathOp, forward: (x: Tensor) => Tensor, backward: (dy: Tensor, x: Tensor) => Tensor): LayerOp {
  return {
    op,
    inputs: 1,
    attrs: [],
    shape: (inputs) => inputs[0].slice(),
    forward: ([x]) => forward(x),
    backward: (dy, [x]) => ({ inputs: [backward(dy, x)] }),
  };
}

export const SqrtLayer = unaryLayer("Sqrt", sqrt, sqrtBackward);
export const ExpLayer = unaryLayer("Exp", exp, expBackward);
export const NegLayer = unaryLayer("Neg", neg, negBackward);
export const AbsLayer = unaryLayer("Abs", abs, absBackward);

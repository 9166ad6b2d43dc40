// ONNX's unary math ops as Net layers: Sqrt, Exp, Neg, Abs (one input, same shape out). On the
// resident plan the same float64 formulas run over views of the blocks.
import { type UnaryMathOp, UNARY_MATH, abs, absBackward, exp, expBackward, neg, negBackward, sqrt, sqrtBackward } from "../../ops/unary-math.js";
import type { Tensor } from "../../tensor.js";
import type { LayerOp } from "../layer-op.js";

function unaryLayer(op: UnaryMathOp, forward: (x: Tensor) => Tensor, backward: (dy: Tensor, x: Tensor) => Tensor): LayerOp {
  return {
    op,
    inputs: 1,
    attrs: [],
    shape: (inputs) => inputs[0].slice(),
    forward: ([x]) => forward(x),
    // on the resident plan: the op's own formula over views of the blocks (no copies in or out)
    resident: ([x]) => {
      const n = x.reduce((a, b) => a * b, 1), { f } = UNARY_MATH[op];
      return (rt, [px], py) => {
        const X = rt.arena.f32(px, n), Y = rt.arena.f32(py, n);
        for (let i = 0; i < n; i++) Y[i] = f(X[i]);
      };
    },
    backward: (dy, [x]) => ({ inputs: [backward(dy, x)] }),
  };
}

export const SqrtLayer = unaryLayer("Sqrt", sqrt, sqrtBackward);
export const ExpLayer = unaryLayer("Exp", exp, expBackward);
export const NegLayer = unaryLayer("Neg", neg, negBackward);
export const AbsLayer = unaryLayer("Abs", abs, absBackward);

// The unary math ops of ONNX: Sqrt, Exp, Neg, Abs, each a float64 formula of a float32 value
// rounded once (sqrt of a negative number is NaN, as IEEE). Backward takes x (the forward's
// input), like the activations: sqrt′ = 1 / (2√x) (∞ at 0), exp′ = eˣ, neg′ = −1, and
// abs′ = sign(x) with sign(0) = 0 (PyTorch's choice: 0 is a subgradient).
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { checkSameShape } from "./run.js";

/** The unary ops of this file, by their ONNX names. */
export type UnaryMathOp = "Sqrt" | "Exp" | "Neg" | "Abs";

/** Each op's formula and derivative, in float64. */
export const UNARY_MATH: Record<UnaryMathOp, { f: (x: number) => number; df: (x: number) => number }> = {
  Sqrt: { f: Math.sqrt, df: (x) => 0.5 / Math.sqrt(x) },
  Exp: { f: Math.exp, df: Math.exp },
  Neg: { f: (x) => -x, df: () => -1 },
  Abs: { f: Math.abs, df: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0) },
};

function mapUnary(x: Tensor, op: UnaryMathOp, name: string): Tensor {
  const shape = checkTensor(x, `${name}(x)`);
  const { f } = UNARY_MATH[op];
  const X = x.data, y = new Float32Array(X.length);
  for (let i = 0; i < X.length; i++) y[i] = f(X[i]);
  return tensor(y, shape.slice());
}

function mapUnaryBackward(dy: Tensor, x: Tensor, op: UnaryMathOp, name: string): Tensor {
  const shape = checkTensor(x, `${name}(x)`);
  checkSameShape(checkTensor(dy, `${name}(dy)`), shape, `${name}(dy)`, "x's shape");
  const { df } = UNARY_MATH[op];
  const X = x.data, G = dy.data, dx = new Float32Array(X.length);
  for (let i = 0; i < X.length; i++) dx[i] = G[i] * df(X[i]);
  return tensor(dx, shape.slice());
}

/** ONNX Sqrt: y = √x (NaN for x < 0). */
export function sqrt(x: Tensor): Tensor { return mapUnary(x, "Sqrt", "sqrt"); }
/** ONNX Exp: y = eˣ. */
export function exp(x: Tensor): Tensor { return mapUnary(x, "Exp", "exp"); }
/** ONNX Neg: y = −x. */
export function neg(x: Tensor): Tensor { return mapUnary(x, "Neg", "neg"); }
/** ONNX Abs: y = |x|. */
export function abs(x: Tensor): Tensor { return mapUnary(x, "Abs", "abs"); }

/** dL/dx of sqrt from dy and the forward's x: dy / (2√x). */
export function sqrtBackward(dy: Tensor, x: Tensor): Tensor { return mapUnaryBackward(dy, x, "Sqrt", "sqrtBackward"); }
/** dL/dx of exp from dy and the forward's x: dy·eˣ. */
export function expBackward(dy: Tensor, x: Tensor): Tensor { return mapUnaryBackward(dy, x, "Exp", "expBackward"); }
/** dL/dx of neg from dy (x gives the shape): −dy. */
export function negBackward(dy: Tensor, x: Tensor): Tensor { return mapUnaryBackward(dy, x, "Neg", "negBackward"); }
/** dL/dx of abs from dy and the forward's x: dy·sign(x), sign(0) = 0. */
export function absBackward(dy: Tensor, x: Tensor): Tensor { return mapUnaryBackward(dy, x, "Abs", "absBackward"); }

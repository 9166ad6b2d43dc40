// The unary activations of ONNX with their derivatives: Sigmoid, Tanh, LeakyRelu, Elu, Selu,
// Softplus, HardSigmoid, HardSwish, Clip. Each is a pair of formulas (y = f(x), dy/dx = f′(x))
// applied element by element and rounded to float32. Where the wasm kernel f32_activation__simd has
// the op (Clip, HardSigmoid, HardSwish, LeakyRelu: the float64 formula's bits; Sigmoid, Tanh, Elu,
// Selu: float32 approximations within 2.5 ulp, whose steps f repeats in JS), the op function and
// Net's resident plan both run the kernel; Softplus runs `mapActivation` in both, so the two agree
// bit for bit. Derivatives are float64 formulas. Attribute defaults are ONNX's. Backward takes x (the
// forward's input), for every op.
import { checkAttrNames, readNumber } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { checkSameShape, operand, product, withArena } from "./run.js";
import { eluF32, seluF32, sigmoidF32, tanhF32 } from "./activation-f32.js";

/** The activation ops of this file, by their ONNX names. */
export type ActivationOp = "Sigmoid" | "Tanh" | "LeakyRelu" | "Elu" | "Selu" | "Softplus" | "HardSigmoid" | "HardSwish" | "Clip";

/** LeakyRelu: y = x for x ≥ 0, alpha·x below (default alpha 0.01). */
export interface LeakyReluAttrs { alpha?: number }
/** Elu: y = x for x > 0, alpha·(eˣ − 1) otherwise (default alpha 1). */
export interface EluAttrs { alpha?: number }
/** Selu: y = gamma·x for x > 0, gamma·alpha·(eˣ − 1) otherwise (ONNX's defaults, ≈ 1.6733 and ≈ 1.0507). */
export interface SeluAttrs { alpha?: number; gamma?: number }
/** HardSigmoid: y = max(0, min(1, alpha·x + beta)) (defaults 0.2, 0.5). */
export interface HardSigmoidAttrs { alpha?: number; beta?: number }
/**
 * Clip: y = min(max(x, min), max). Defaults are ONNX's, the lowest and the largest float32
 * (±3.4028234663852886e38, so ±∞ clip to them); ±Infinity is a bound too. min > max gives max
 * everywhere, as ONNX.
 */
export interface ClipAttrs { min?: number; max?: number }

/** A pointwise function (float64, or the kernel's float32 steps) and its derivative (float64). */
export interface Pointwise {
  f: (x: number) => number;
  df: (x: number) => number;
  /**
   * The wasm kernel f32_activation__simd's op and parameters computing exactly f's bits (same
   * operations, order and precision; assembly/eltwise/activation.ts), where there is one. The op
   * functions and Net's plans run it in place of f. Its op codes are fixed: 0 Clip, 1 HardSigmoid,
   * 2 HardSwish, 3 LeakyRelu, 4 Sigmoid, 5 Tanh, 6 Elu, 7 Selu.
   */
  kernel?: { op: number; p0: number; p1: number };
}

/** The largest float32: ONNX Clip's default bounds are ∓ this (numeric_limits<float>::lowest/max). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** ONNX Selu's default alpha and gamma (the float32 values the operator text gives). */
export const SELU_ALPHA = 1.67326319217681884765625, SELU_GAMMA = 1.05070102214813232421875;

/** Every op of this file. */
export const ACTIVATION_OPS: readonly ActivationOp[] = ["Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "Softplus", "HardSigmoid", "HardSwish", "Clip"];

/** The attribute names each op takes (none for the others). */
export const ACTIVATION_ATTRS: Record<ActivationOp, readonly string[]> = {
  Sigmoid: [], Tanh: [], LeakyRelu: ["alpha"], Elu: ["alpha"], Selu: ["alpha", "gamma"], Softplus: [],
  HardSigmoid: ["alpha", "beta"], HardSwish: [], Clip: ["min", "max"],
};

/** σ(x) = 1 / (1 + e⁻ˣ); σ(−∞) = 0, σ(+∞) = 1. */
function sigmoid64(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The formulas of `op` with its attributes read and checked (finite numbers; Clip's bounds may be
 * ±∞). `name` is the function named in errors, e.g. "leakyRelu".
 */
export function activation(op: ActivationOp, attrs: unknown, name: string): Pointwise {
  const a = checkAttrNames(attrs, ACTIVATION_ATTRS[op], name);
  // ONNX's float attributes (and their defaults, 0.01f, 0.2f…) are float32: taken as such, an op
  // computes what onnxruntime does, and a net written by toOnnx reads back with the same values
  const num = (key: string, fallback: number) => Math.fround(readNumber(a[key], `${name}(attrs.${key})`, fallback));
  switch (op) {
    case "Sigmoid":
      return { f: sigmoidF32, df: (x) => { const s = sigmoid64(x); return s * (1 - s); }, kernel: { op: 4, p0: 0, p1: 0 } };
    case "Tanh":
      return { f: tanhF32, df: (x) => { const t = Math.tanh(x); return 1 - t * t; }, kernel: { op: 5, p0: 0, p1: 0 } };
    case "LeakyRelu": {
      const alpha = num("alpha", 0.01);
      // f′ at 0 is alpha (PyTorch: slope 1 only where x > 0)
      return { f: (x) => (x < 0 ? alpha * x : x), df: (x) => (x > 0 ? 1 : alpha), kernel: { op: 3, p0: alpha, p1: 0 } };
    }
    case "Elu": {
      const alpha = num("alpha", 1);
      return { f: eluF32(alpha), df: (x) => (x > 0 ? 1 : alpha * Math.exp(x)), kernel: { op: 6, p0: alpha, p1: 0 } };
    }
    case "Selu": {
      const alpha = num("alpha", SELU_ALPHA), gamma = num("gamma", SELU_GAMMA);
      return { f: seluF32(alpha, gamma), df: (x) => (x > 0 ? gamma : gamma * alpha * Math.exp(x)), kernel: { op: 7, p0: alpha, p1: gamma } };
    }
    case "Softplus":
      // ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|): no overflow for large x; f′ = σ(x)
      return { f: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), df: sigmoid64 };
    case "HardSigmoid": {
      const alpha = num("alpha", 0.2), beta = num("beta", 0.5);
      return {
        f: (x) => Math.max(0, Math.min(1, alpha * x + beta)),
        df: (x) => { const t = alpha * x + beta; return t > 0 && t < 1 ? alpha : Number.isNaN(t) ? NaN : 0; },
        kernel: { op: 1, p0: alpha, p1: beta },
      };
    }
    case "HardSwish":
      // x·HardSigmoid(x; 1/6, 1/2), piecewise; at −∞ it is −∞·0 = NaN as ONNX's formula (and
      // onnxruntime, PyTorch) give; f′ as PyTorch
      return {
        f: (x) => (x === -Infinity ? NaN : x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
        df: (x) => (x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : Number.isNaN(x) ? NaN : 1),
        kernel: { op: 2, p0: 0, p1: 0 },
      };
    case "Clip": {
      const lo = Math.fround(readBound(a.min, `${name}(attrs.min)`, -FLOAT32_MAX)), hi = Math.fround(readBound(a.max, `${name}(attrs.max)`, FLOAT32_MAX));
      // Math.max/min keep NaN; the gradient passes where x lies in [min, max] (PyTorch's clamp)
      return { f: (x) => Math.min(Math.max(x, lo), hi), df: (x) => (x >= lo && x <= hi ? 1 : Number.isNaN(x) ? NaN : 0), kernel: { op: 0, p0: lo, p1: hi } };
    }
  }
}

/** A Clip bound: any number but NaN (±∞ means no bound). */
function readBound(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) throw new AttributeError(`${name}: expected a number (±Infinity for none), got ${String(value)}`);
  return value;
}

/** y[i] = f(x[i]) rounded to float32; y may be x. */
export function mapActivation(p: Pointwise, x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = p.f(x[i]);
}

/** dx[i] = dy[i]·f′(x[i]) rounded to float32; dx may be dy. */
export function mapActivationBackward(p: Pointwise, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < x.length; i++) dx[i] = dy[i] * p.df(x[i]);
}

/** The op's function name ("leakyRelu" for LeakyRelu), as errors name it. */
const functionName = (op: ActivationOp): string => op[0].toLowerCase() + op.slice(1);

/** The activation `op` (its ONNX name) on x, as its own function computes it: Net's op-by-op layers. */
export function activationForward(op: ActivationOp, x: Tensor, attrs?: unknown): Tensor {
  return forward(op, functionName(op), x, attrs);
}

/** The gradient of activation `op` at x, as its backward function computes it. */
export function activationBackward(op: ActivationOp, dy: Tensor, x: Tensor, attrs?: unknown): Tensor {
  return backward(op, functionName(op), dy, x, attrs);
}

function forward(op: ActivationOp, name: string, x: Tensor, attrs: unknown): Tensor {
  const shape = checkTensor(x, `${name}(x)`);
  const p = activation(op, attrs, name);
  const k = p.kernel;
  if (k !== undefined) {
    const n = product(shape);
    return withArena((rt) => {
      const px = operand(rt, x, `${name}(x)`), py = rt.arena.alloc(n * 4, `${name} output`);
      rt.kernels.f32_activation__simd(k.op, px, py, n, k.p0, k.p1);
      return tensor(rt.arena.take(py, n), shape.slice());
    });
  }
  const xd = x.data; // one read: a resident tensor's data is a copy per read
  const y = new Float32Array(xd.length);
  mapActivation(p, xd, y);
  return tensor(y, shape.slice());
}

function backward(op: ActivationOp, name: string, dy: Tensor, x: Tensor, attrs: unknown): Tensor {
  const dyShape = checkTensor(dy, `${name}Backward(dy)`);
  const xShape = checkTensor(x, `${name}Backward(x)`);
  checkSameShape(dyShape, xShape, `${name}Backward(dy)`, "x's shape");
  const p = activation(op, attrs, `${name}Backward`);
  const xd = x.data, dyd = dy.data;
  const dx = new Float32Array(xd.length);
  mapActivationBackward(p, xd, dyd, dx);
  return tensor(dx, xShape.slice());
}

/** ONNX Sigmoid: y = 1 / (1 + e⁻ˣ) element-wise, any shape, in float32 within 2.5 ulp (the wasm kernel; sigmoidF32 in JS). */
export function sigmoid(x: Tensor): Tensor { return forward("Sigmoid", "sigmoid", x, undefined); }
/** Gradient of sigmoid: dx = dy·σ(x)·(1 − σ(x)); dy has x's shape. */
export function sigmoidBackward(dy: Tensor, x: Tensor): Tensor { return backward("Sigmoid", "sigmoid", dy, x, undefined); }

/** ONNX Tanh: y = tanh(x) element-wise, in float32 within 1.5 ulp (the wasm kernel; tanhF32 in JS). */
export function tanh(x: Tensor): Tensor { return forward("Tanh", "tanh", x, undefined); }
/** Gradient of tanh: dx = dy·(1 − tanh²(x)). */
export function tanhBackward(dy: Tensor, x: Tensor): Tensor { return backward("Tanh", "tanh", dy, x, undefined); }

/** ONNX LeakyRelu: y = x for x ≥ 0, alpha·x below (alpha default 0.01). */
export function leakyRelu(x: Tensor, attrs?: LeakyReluAttrs): Tensor { return forward("LeakyRelu", "leakyRelu", x, attrs); }
/** Gradient of leakyRelu: dx = dy where x > 0, alpha·dy elsewhere. */
export function leakyReluBackward(dy: Tensor, x: Tensor, attrs?: LeakyReluAttrs): Tensor { return backward("LeakyRelu", "leakyRelu", dy, x, attrs); }

/** ONNX Elu: y = x for x > 0, alpha·(eˣ − 1) otherwise (alpha default 1), in float32 within 1.5 ulp (the wasm kernel; eluF32 in JS). */
export function elu(x: Tensor, attrs?: EluAttrs): Tensor { return forward("Elu", "elu", x, attrs); }
/** Gradient of elu: dx = dy where x > 0, dy·alpha·eˣ elsewhere. */
export function eluBackward(dy: Tensor, x: Tensor, attrs?: EluAttrs): Tensor { return backward("Elu", "elu", dy, x, attrs); }

/** ONNX Selu: y = gamma·x for x > 0, gamma·alpha·(eˣ − 1) otherwise, in float32 within 2.5 ulp (the wasm kernel; seluF32 in JS). */
export function selu(x: Tensor, attrs?: SeluAttrs): Tensor { return forward("Selu", "selu", x, attrs); }
/** Gradient of selu: dx = gamma·dy where x > 0, dy·gamma·alpha·eˣ elsewhere. */
export function seluBackward(dy: Tensor, x: Tensor, attrs?: SeluAttrs): Tensor { return backward("Selu", "selu", dy, x, attrs); }

/** ONNX Softplus: y = ln(1 + eˣ) (computed without overflow for large x). */
export function softplus(x: Tensor): Tensor { return forward("Softplus", "softplus", x, undefined); }
/** Gradient of softplus: dx = dy·σ(x). */
export function softplusBackward(dy: Tensor, x: Tensor): Tensor { return backward("Softplus", "softplus", dy, x, undefined); }

/** ONNX HardSigmoid: y = max(0, min(1, alpha·x + beta)) (defaults 0.2, 0.5). */
export function hardSigmoid(x: Tensor, attrs?: HardSigmoidAttrs): Tensor { return forward("HardSigmoid", "hardSigmoid", x, attrs); }
/** Gradient of hardSigmoid: dx = alpha·dy where 0 < alpha·x + beta < 1, else 0. */
export function hardSigmoidBackward(dy: Tensor, x: Tensor, attrs?: HardSigmoidAttrs): Tensor { return backward("HardSigmoid", "hardSigmoid", dy, x, attrs); }

/** ONNX HardSwish: y = x·max(0, min(1, x/6 + 1/2)). */
export function hardSwish(x: Tensor): Tensor { return forward("HardSwish", "hardSwish", x, undefined); }
/** Gradient of hardSwish: 0 below −3, x/3 + 1/2 on [−3, 3], 1 above (PyTorch's). */
export function hardSwishBackward(dy: Tensor, x: Tensor): Tensor { return backward("HardSwish", "hardSwish", dy, x, undefined); }

/** ONNX Clip: y = min(max(x, min), max) (bounds default to ∓3.4028234663852886e38 as ONNX's; numbers here, not inputs). */
export function clip(x: Tensor, attrs?: ClipAttrs): Tensor { return forward("Clip", "clip", x, attrs); }
/** Gradient of clip: dx = dy where min ≤ x ≤ max, else 0. */
export function clipBackward(dy: Tensor, x: Tensor, attrs?: ClipAttrs): Tensor { return backward("Clip", "clip", dy, x, attrs); }

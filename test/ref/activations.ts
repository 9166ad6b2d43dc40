// Plain-TS float64 references for ONNX's unary activations and their derivatives, written from
// the ONNX operator text (not from src/: never import the package). Each entry is y = f(x) and
// f′(x) on one number; the ops round to float32 once, so they agree to about half an ulp.
// PyTorch's conventions where the derivative has a kink: LeakyRelu, Elu, Selu take the x ≤ 0 side
// at 0, Clip passes on [min, max], HardSigmoid passes strictly inside (0, 1), HardSwish uses the
// middle piece on [−3, 3].

export interface ActivationRef {
  f: (x: number) => number;
  df: (x: number) => number;
}

const expm1 = (x: number) => Math.exp(x) - 1;
/** σ in the form that cannot overflow on either side. */
function logistic(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The references by ONNX op name; `attrs` as the op's (defaults from the ONNX text). */
export function activationRef(op: string, attrs: Record<string, number> = {}): ActivationRef {
  switch (op) {
    case "Sigmoid":
      return { f: logistic, df: (x) => logistic(x) * logistic(-x) };
    case "Tanh":
      return { f: (x) => 2 * logistic(2 * x) - 1, df: (x) => 4 * logistic(2 * x) * logistic(-2 * x) };
    case "LeakyRelu": {
      const alpha = Math.fround(attrs.alpha ?? 0.01); // ONNX attributes are float32
      return { f: (x) => (x >= 0 ? x : Number.isNaN(x) ? NaN : alpha * x), df: (x) => (x > 0 ? 1 : alpha) };
    }
    case "Elu": {
      const alpha = Math.fround(attrs.alpha ?? 1);
      return { f: (x) => (x >= 0 ? x : x === -Infinity ? -alpha : alpha * expm1(x)), df: (x) => (x > 0 ? 1 : alpha * Math.exp(x)) };
    }
    case "Selu": {
      const alpha = Math.fround(attrs.alpha ?? 1.67326319217681884765625), gamma = Math.fround(attrs.gamma ?? 1.05070102214813232421875);
      return {
        f: (x) => (x > 0 ? gamma * x : x === -Infinity ? -gamma * alpha : gamma * (alpha * Math.exp(x) - alpha)),
        df: (x) => (x > 0 ? gamma : gamma * alpha * Math.exp(x)),
      };
    }
    case "Softplus":
      // ln(eˣ + 1); beyond 40 the +1 is below float64 resolution relative to eˣ
      return { f: (x) => (x > 40 ? x : Math.log(Math.exp(x) + 1)), df: logistic };
    case "HardSigmoid": {
      const alpha = Math.fround(attrs.alpha ?? 0.2), beta = Math.fround(attrs.beta ?? 0.5);
      const t = (x: number) => alpha * x + beta;
      return {
        f: (x) => (Number.isNaN(x) ? NaN : t(x) <= 0 ? 0 : t(x) >= 1 ? 1 : t(x)),
        df: (x) => (t(x) > 0 && t(x) < 1 ? alpha : 0),
      };
    }
    case "HardSwish":
      return {
        f: (x) => (Number.isNaN(x) || x === -Infinity ? NaN : x < -3 ? 0 : x > 3 ? x : x * (x / 6 + 0.5)), // ONNX: x·max(0, min(1, x/6 + 1/2)), −∞·0 = NaN
        df: (x) => (x < -3 ? 0 : x > 3 ? 1 : x / 3 + 0.5),
      };
    case "Clip": {
      // ONNX's defaults: numeric_limits<float>::lowest() and max()
      const lo = Math.fround(attrs.min ?? -3.4028234663852886e38), hi = Math.fround(attrs.max ?? 3.4028234663852886e38);
      return { f: (x) => (Number.isNaN(x) ? NaN : x < lo ? (lo > hi ? hi : lo) : x > hi ? hi : x), df: (x) => (x >= lo && x <= hi ? 1 : 0) };
    }
  }
  throw new Error(`reference: no activation ${op}`);
}

// Sigmoid, Tanh, Elu and Selu as the wasm kernel f32_activation__simd computes them (ops 4–7,
// assembly/eltwise/activation.ts): the same float32 operations in the same order, each rounded
// with Math.fround, so these give the kernel's bits for every input (NaN aside: any NaN). They are
// the scalar definition of the ops (Pointwise.f); arrays go through the kernel. Within 2.5 ulp of
// the exact values (README). A float32 product, sum or quotient computed in float64 and rounded
// once is the float32 operation's result (float64 holds more than twice float32's precision).
const f = Math.fround;

// The kernel's constants, as float32 values (see activation.ts for where they come from).
const LOG2E = f(1.442695), LN2_HI = f(0.69314575), LN2_LO = f(1.4286068e-6);
const C2 = f(0.49999994), C3 = f(0.16666432), C4 = f(0.041668), C5 = f(0.0083741555), C6 = f(0.0013843654);
const MAGIC = 12582912; // 1.5·2²³: t + MAGIC rounds t to an integer, ties to even
const MAX_Z = 104, MAX_EXPM1_Z = 17.5;
const TANH_SMALL = 0.5625;
const T3 = f(-0.33333313), T5 = f(0.13332452), T7 = f(-0.05383743), T9 = f(0.021007461), T11 = f(-0.0061798138);

/** e^r − 1 = r + r²·q(r) for r = −z − n·ln2, n = v − MAGIC (the kernel's expm1Reduced1). */
function expm1Reduced(z: number, v: number): number {
  const n = v - MAGIC; // exact: an integer in [−151, 0]
  const r = f(f(-z - n * LN2_HI) - f(n * LN2_LO)); // n·LN2_HI is exact in float32
  let q = f(f(C6 * r) + C5);
  q = f(f(q * r) + C4);
  q = f(f(q * r) + C3);
  q = f(f(q * r) + C2);
  return f(f(f(q * r) * r) + r);
}

/** e^−z for a float32 z in [0, 104] (or NaN): 2ⁿ·e^r, n = round(−z·log₂e). */
function expNeg(z: number): number {
  const v = f(f(z * -LOG2E) + MAGIC);
  const er = f(expm1Reduced(z, v) + 1);
  // 2ⁿ as 2^⌊n/2⌋·2^(n−⌊n/2⌋): the first product is exact, the second rounds once (maybe to a subnormal)
  const n = v - MAGIC, h1 = n >> 1, h2 = n - h1;
  return f(er * 2 ** h1 * 2 ** h2);
}

/** e^−z − 1 for a float32 z in [0, 17.5] (or NaN): (2ⁿ − 1) + 2ⁿ·(e^r − 1). */
function expm1Neg(z: number): number {
  const v = f(f(z * -LOG2E) + MAGIC);
  const p = expm1Reduced(z, v), s = 2 ** (v - MAGIC);
  return f(f(s - 1) + f(s * p));
}

/** wasm's pmin: b < a ? b : a (a NaN a stays NaN). */
function pmin(a: number, b: number): number {
  return b < a ? b : a;
}

/** σ(x) = 1/(1 + e⁻ˣ) in the kernel's float32 steps: e = e^−|x|, s = e/(1 + e), s or 1 − s. */
export function sigmoidF32(x: number): number {
  x = f(x);
  const e = expNeg(pmin(Math.abs(x), MAX_Z));
  const s = f(e / f(e + 1));
  return x < 0 ? s : f(1 - s);
}

/** tanh(x) in the kernel's float32 steps: an odd polynomial below |x| = 0.5625, else 1 − 2e/(1 + e) with e = e^−2|x|. */
export function tanhF32(x: number): number {
  x = f(x);
  const z = Math.abs(x);
  let t: number;
  if (z < TANH_SMALL) {
    const z2 = f(z * z);
    let p = f(f(T11 * z2) + T9);
    p = f(f(p * z2) + T7);
    p = f(f(p * z2) + T5);
    p = f(f(p * z2) + T3);
    t = f(z + f(z * f(z2 * p)));
  } else {
    const e = expNeg(pmin(f(z + z), MAX_Z));
    t = f(1 - f(f(e + e) / f(e + 1)));
  }
  return x < 0 || Object.is(x, -0) ? -t : t;
}

/** Elu in the kernel's float32 steps: x for x ≥ 0, α·(eˣ − 1) below (alpha a float32 value). */
export function eluF32(alpha: number): (x: number) => number {
  return (x) => {
    x = f(x);
    return x >= 0 ? x : f(alpha * expm1Neg(pmin(-x, MAX_EXPM1_Z)));
  };
}

/** Selu in the kernel's float32 steps: γ·x for x ≥ 0, (γ·α)·(eˣ − 1) below (alpha, gamma float32 values). */
export function seluF32(alpha: number, gamma: number): (x: number) => number {
  const ga = f(gamma * alpha);
  return (x) => {
    x = f(x);
    return x >= 0 ? f(gamma * x) : f(ga * expm1Neg(pmin(-x, MAX_EXPM1_Z)));
  };
}

// The activations of src/ops/activations.ts as one wasm kernel. Ops 0–3 follow the operation order
// and precision of their JS formulas so that the bits are the same:
//   op 0 Clip        y = min(max(x, lo), hi)                      (no rounding: f32x4)
//   op 1 HardSigmoid y = max(0, min(1, α·x + β))  in float64 then rounded once (f64x2 lanes)
//   op 2 HardSwish   y = x·(x + 3)/6 in float64, 0 at x ≤ −3, x at x ≥ 3, NaN at −∞ (f64x2 lanes)
//   op 3 LeakyRelu   y = x < 0 ? α·x : x: one product of two float32 values, exact in f32x4
// Ops 4–7 are float32 approximations built on one vector exp (expNeg, expm1Neg below); for them
// this kernel is the definition (src/ops/activation-f32.ts repeats its steps in JS), within 2.5 ulp
// of the exact values (README):
//   op 4 Sigmoid     e = e^−|x|, s = e/(1 + e); y = s for x < 0, 1 − s otherwise
//   op 5 Tanh        z = |x|: z + z³·P(z²) for z < 0.5625, else 1 − 2e/(1 + e) with e = e^−2z; sign of x
//   op 6 Elu         y = x for x ≥ 0, α·(eˣ − 1) below
//   op 7 Selu        y = γ·x for x ≥ 0, (γ·α)·(eˣ − 1) below (γ·α one float32 product)
// Every lane and the scalar tail run the same float32 operations in the same order (no fused
// multiply-add, in either build), so an element's result does not depend on where it lies.
// p0, p1: lo, hi (Clip), α, β (HardSigmoid), α (LeakyRelu, Elu), α, γ (Selu); all float32 values. wasm's min/max
// propagate NaN and order −0 < +0, as Math.min/max. Pointers are byte offsets; y may be x.
// Reference: f32_activation__ref (broadcast-binary-ref.ts).

const CLIP = 0, HARD_SIGMOID = 1, HARD_SWISH = 2, LEAKY_RELU = 3, SIGMOID = 4, TANH = 5, ELU = 6, SELU = 7;

// e^−z = 2ⁿ·e^r with n = round(−z·log₂e) and r = −z − n·ln2 (Cody–Waite: LN2_HI has 16
// significant bits, so n·LN2_HI is exact for |n| ≤ 255 and −z − n·LN2_HI is exact by Sterbenz);
// e^r on [−ln2/2, ln2/2] is 1 + r + r²·(C2 + r·(C3 + … + r·C6)), a minimax fit of relative error
// 2·10⁻⁹ (Lawson's algorithm; coefficients rounded to float32). 2ⁿ is applied as two normal powers
// 2^⌊n/2⌋·2^(n−⌊n/2⌋), so results down to the subnormals are rounded once, not flushed.
const LOG2E: f32 = 1.442695;
const LN2_HI: f32 = 0.69314575; // 0x1.62e400p-1
const LN2_LO: f32 = 1.4286068e-6; // 0x1.7f7d1cp-20: ln2 − LN2_HI, rounded
const C2: f32 = 0.49999994, C3: f32 = 0.16666432, C4: f32 = 0.041668, C5: f32 = 0.0083741555, C6: f32 = 0.0013843654;
/** 1.5·2²³: t + MAGIC rounds t to an integer (ties to even) held in the low mantissa bits. */
const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;
/** e^−z for z ≥ MAX_Z is below half the smallest subnormal: 0. */
export const MAX_Z: f32 = 104.0;
/** e^−z − 1 for z ≥ MAX_EXPM1_Z rounds to −1 (n ≥ −26 up to there: 2ⁿ is one normal power). */
const MAX_EXPM1_Z: f32 = 17.5;
// tanh(z) = z + z³·P(z²) on [0, TANH_SMALL): P minimax for relative error 1.3·10⁻⁹
const TANH_SMALL: f32 = 0.5625;
const T3: f32 = -0.33333313, T5: f32 = 0.13332452, T7: f32 = -0.05383743, T9: f32 = 0.021007461, T11: f32 = -0.0061798138;

/** The reduction of e^−z, four lanes: v = −z·log₂e + MAGIC (n = v − MAGIC, and n in v's low bits). */
@inline function biased4(z: v128): v128 {
  return f32x4.add(f32x4.mul(z, f32x4.splat(-LOG2E)), f32x4.splat(MAGIC));
}

/** e^r − 1 = r + r²·(C2 + r·(C3 + …)) for r = −z − n·ln2 (n from biased4's v), four lanes. */
@inline function expm1Reduced4(z: v128, v: v128): v128 {
  const n = f32x4.sub(v, f32x4.splat(MAGIC)); // round(−z·log₂e), in [−151, 0]
  const r = f32x4.sub(f32x4.sub(f32x4.neg(z), f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let q = f32x4.add(f32x4.mul(f32x4.splat(C6), r), f32x4.splat(C5));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(C4));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(C3));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(C2));
  return f32x4.add(f32x4.mul(f32x4.mul(q, r), r), r);
}

/** e^−z for z in [0, MAX_Z] (NaN gives NaN), four lanes. */
@inline export function expNeg4(z: v128): v128 {
  const v = biased4(z);
  const er = f32x4.add(expm1Reduced4(z, v), f32x4.splat(1)); // e^r
  const ni = i32x4.sub(v, i32x4.splat(MAGIC_BITS)); // n as an integer
  const h1 = i32x4.shr_s(ni, 1), h2 = i32x4.sub(ni, h1);
  const s1 = i32x4.shl(i32x4.add(h1, i32x4.splat(127)), 23), s2 = i32x4.shl(i32x4.add(h2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(er, s1), s2);
}

/** e^−z − 1 for z in [0, MAX_EXPM1_Z] (NaN gives NaN), four lanes: (2ⁿ − 1) + 2ⁿ·(e^r − 1), no cancellation near 0. */
@inline function expm1Neg4(z: v128): v128 {
  const v = biased4(z);
  const p = expm1Reduced4(z, v);
  const s = i32x4.shl(i32x4.add(i32x4.sub(v, i32x4.splat(MAGIC_BITS)), i32x4.splat(127)), 23); // 2ⁿ, n ≥ −26
  return f32x4.add(f32x4.sub(s, f32x4.splat(1)), f32x4.mul(s, p));
}

/** expm1Reduced4 on one float: the same operations. */
@inline function expm1Reduced1(z: f32, v: f32): f32 {
  const n = v - MAGIC;
  const r = (-z - n * LN2_HI) - n * LN2_LO;
  let q = C6 * r + C5;
  q = q * r + C4;
  q = q * r + C3;
  q = q * r + C2;
  return (q * r) * r + r;
}

/** expNeg4 on one float: the same operations. */
@inline export function expNeg1(z: f32): f32 {
  const v = z * -LOG2E + MAGIC;
  const er = expm1Reduced1(z, v) + <f32>1;
  const ni = reinterpret<i32>(v) - MAGIC_BITS;
  const h1 = ni >> 1, h2 = ni - h1;
  return (er * reinterpret<f32>((h1 + 127) << 23)) * reinterpret<f32>((h2 + 127) << 23);
}

/** expm1Neg4 on one float: the same operations. */
@inline function expm1Neg1(z: f32): f32 {
  const v = z * -LOG2E + MAGIC;
  const p = expm1Reduced1(z, v);
  const s = reinterpret<f32>((reinterpret<i32>(v) - MAGIC_BITS + 127) << 23);
  return (s - <f32>1) + s * p;
}

/** f32x4.pmin on one float: b < a ? b : a (a when either is NaN: a NaN z stays NaN; one instruction in the lanes, unlike min). */
@inline function pmin(a: f32, b: f32): f32 {
  return b < a ? b : a;
}

@inline function sigmoid4(x: v128): v128 {
  const e = expNeg4(f32x4.pmin(f32x4.abs(x), f32x4.splat(MAX_Z)));
  const s = f32x4.div(e, f32x4.add(e, f32x4.splat(1)));
  return v128.bitselect(s, f32x4.sub(f32x4.splat(1), s), f32x4.lt(x, f32x4.splat(0)));
}

@inline function sigmoid1(x: f32): f32 {
  const e = expNeg1(pmin(abs<f32>(x), MAX_Z));
  const s = e / (e + <f32>1);
  return x < 0 ? s : <f32>1 - s;
}

@inline function tanh4(x: v128): v128 {
  const z = f32x4.abs(x);
  // small z: z + z·(z²·P(z²))
  const z2 = f32x4.mul(z, z);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T11), z2), f32x4.splat(T9));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(T7));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(T5));
  p = f32x4.add(f32x4.mul(p, z2), f32x4.splat(T3));
  const small = f32x4.add(z, f32x4.mul(z, f32x4.mul(z2, p)));
  // large z: 1 − 2e/(1 + e), e = e^−2z (no cancellation: 2e/(1 + e) ≤ 0.49 here)
  const e = expNeg4(f32x4.pmin(f32x4.add(z, z), f32x4.splat(MAX_Z)));
  const large = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.add(e, e), f32x4.add(e, f32x4.splat(1))));
  const t = v128.bitselect(small, large, f32x4.lt(z, f32x4.splat(TANH_SMALL)));
  return v128.bitselect(x, t, i32x4.splat(0x80000000)); // x's sign, t's magnitude
}

@inline function tanh1(x: f32): f32 {
  const z = abs<f32>(x);
  let t: f32;
  if (z < TANH_SMALL) {
    const z2 = z * z;
    let p = T11 * z2 + T9;
    p = p * z2 + T7;
    p = p * z2 + T5;
    p = p * z2 + T3;
    t = z + z * (z2 * p);
  } else {
    const e = expNeg1(pmin(z + z, MAX_Z));
    t = <f32>1 - (e + e) / (e + <f32>1);
  }
  return copysign<f32>(t, x);
}

/** Elu (a = α, g = 1) and Selu (a = γ·α, g = γ): g·x for x ≥ 0, a·(eˣ − 1) below, four lanes. */
@inline function elu4(x: v128, a: f32, g: f32): v128 {
  const neg = f32x4.mul(f32x4.splat(a), expm1Neg4(f32x4.pmin(f32x4.neg(x), f32x4.splat(MAX_EXPM1_Z))));
  const pos = g == 1 ? x : f32x4.mul(f32x4.splat(g), x);
  return v128.bitselect(pos, neg, f32x4.ge(x, f32x4.splat(0)));
}

@inline function elu1(x: f32, a: f32, g: f32): f32 {
  return x >= 0 ? (g == 1 ? x : g * x) : a * expm1Neg1(pmin(-x, MAX_EXPM1_Z));
}

/** f(x) for the 4 floats of v, computed in two f64x2 halves (promote, formula, demote). */
@inline function halves(op: i32, v: v128, p0: f64, p1: f64): v128 {
  const lo = f64lanes(op, f64x2.promote_low_f32x4(v), p0, p1);
  const hi = f64lanes(op, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)), p0, p1);
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

@inline function f64lanes(op: i32, x: v128, p0: f64, p1: f64): v128 {
  if (op == HARD_SIGMOID) {
    return f64x2.max(f64x2.splat(0), f64x2.min(f64x2.splat(1), f64x2.add(f64x2.mul(f64x2.splat(p0), x), f64x2.splat(p1))));
  }
  // HardSwish: the formula, then x where x ≥ 3, 0 where x ≤ −3, NaN where x = −∞ (NaN stays NaN)
  const t = f64x2.div(f64x2.mul(x, f64x2.add(x, f64x2.splat(3))), f64x2.splat(6));
  const big = f64x2.ge(x, f64x2.splat(3)), small = f64x2.le(x, f64x2.splat(-3));
  const minusInf = f64x2.eq(x, f64x2.splat(-Infinity));
  let r = v128.bitselect(x, t, big);
  r = v128.andnot(r, small); // +0
  return v128.bitselect(f64x2.splat(NaN), r, minusInf);
}

@inline function scalar(op: i32, x: f32, p0: f64, p1: f64): f32 {
  if (op == CLIP) return min<f32>(max<f32>(x, <f32>p0), <f32>p1);
  if (op == LEAKY_RELU) return x < 0 ? <f32>p0 * x : x;
  if (op == SIGMOID) return sigmoid1(x);
  if (op == TANH) return tanh1(x);
  if (op == ELU) return elu1(x, <f32>p0, 1);
  if (op == SELU) return elu1(x, <f32>(p1 * p0), <f32>p1);
  const d = <f64>x;
  if (op == HARD_SIGMOID) return <f32>max<f64>(0, min<f64>(1, p0 * d + p1));
  return <f32>(d == -Infinity ? NaN : d <= -3 ? 0 : d >= 3 ? d : (d * (d + 3)) / 6);
}

@inline function vector(op: i32, v: v128, p0: f64, p1: f64): v128 {
  if (op == CLIP) return f32x4.min(f32x4.max(v, f32x4.splat(<f32>p0)), f32x4.splat(<f32>p1));
  if (op == LEAKY_RELU) return v128.bitselect(f32x4.mul(f32x4.splat(<f32>p0), v), v, f32x4.lt(v, f32x4.splat(0)));
  if (op == SIGMOID) return sigmoid4(v);
  if (op == TANH) return tanh4(v);
  if (op == ELU) return elu4(v, <f32>p0, 1);
  if (op == SELU) return elu4(v, <f32>(p1 * p0), <f32>p1);
  return halves(op, v, p0, p1);
}

@inline function map(op: i32, x: usize, y: usize, n: i32, p0: f64, p1: f64): void {
  let i = 0;
  // two vectors a step: the engine builds each constant once for both
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    const a = vector(op, v128.load(x + off), p0, p1), b = vector(op, v128.load(x + off, 16), p0, p1);
    v128.store(y + off, a);
    v128.store(y + off, b, 16);
  }
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, vector(op, v128.load(x + off), p0, p1));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, scalar(op, load<f32>(x + off), p0, p1));
  }
}

/**
 * y[i] = f(x[i]) for activation `op` (0 Clip, 1 HardSigmoid, 2 HardSwish, 3 LeakyRelu, 4 Sigmoid,
 * 5 Tanh, 6 Elu, 7 Selu) with parameters p0, p1 (unused by 2, 4, 5).
 */
export function f32_activation__simd(op: i32, x: usize, y: usize, n: i32, p0: f64, p1: f64): void {
  // a call per op with the op a constant, so each inlined body is specialised; Binaryen -O3 may
  // still merge them into one loop that tests the op each step (measured cheap: a predictable branch)
  if (op == CLIP) map(CLIP, x, y, n, p0, p1);
  else if (op == HARD_SIGMOID) map(HARD_SIGMOID, x, y, n, p0, p1);
  else if (op == HARD_SWISH) map(HARD_SWISH, x, y, n, p0, p1);
  else if (op == LEAKY_RELU) map(LEAKY_RELU, x, y, n, p0, p1);
  else if (op == SIGMOID) map(SIGMOID, x, y, n, p0, p1);
  else if (op == TANH) map(TANH, x, y, n, p0, p1);
  else if (op == ELU) map(ELU, x, y, n, p0, p1);
  else map(SELU, x, y, n, p0, p1);
}

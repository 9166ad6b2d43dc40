// The piecewise activations of src/ops/activations.ts as one wasm kernel, each formula in the
// operation order and precision of its JS formula so that the bits are the same:
//   op 0 Clip        y = min(max(x, lo), hi)                      (no rounding: f32x4)
//   op 1 HardSigmoid y = max(0, min(1, α·x + β))  in float64 then rounded once (f64x2 lanes)
//   op 2 HardSwish   y = x·(x + 3)/6 in float64, 0 at x ≤ −3, x at x ≥ 3, NaN at −∞ (f64x2 lanes)
//   op 3 LeakyRelu   y = x < 0 ? α·x : x: one product of two float32 values, exact in f32x4
// p0, p1: lo, hi (Clip), α, β (HardSigmoid), α (LeakyRelu); all float32 values. wasm's min/max
// propagate NaN and order −0 < +0, as Math.min/max. Pointers are byte offsets; y may be x.

const CLIP = 0, HARD_SIGMOID = 1, HARD_SWISH = 2, LEAKY_RELU = 3;

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
  const d = <f64>x;
  if (op == HARD_SIGMOID) return <f32>max<f64>(0, min<f64>(1, p0 * d + p1));
  return <f32>(d == -Infinity ? NaN : d <= -3 ? 0 : d >= 3 ? d : (d * (d + 3)) / 6);
}

@inline function vector(op: i32, v: v128, p0: f64, p1: f64): v128 {
  if (op == CLIP) return f32x4.min(f32x4.max(v, f32x4.splat(<f32>p0)), f32x4.splat(<f32>p1));
  if (op == LEAKY_RELU) return v128.bitselect(f32x4.mul(f32x4.splat(<f32>p0), v), v, f32x4.lt(v, f32x4.splat(0)));
  return halves(op, v, p0, p1);
}

@inline function map(op: i32, x: usize, y: usize, n: i32, p0: f64, p1: f64): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(y + off, vector(op, v128.load(x + off), p0, p1));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(y + off, scalar(op, load<f32>(x + off), p0, p1));
  }
}

/** y[i] = f(x[i]) for activation `op` (0 Clip, 1 HardSigmoid, 2 HardSwish, 3 LeakyRelu) with parameters p0, p1. */
export function f32_activation__simd(op: i32, x: usize, y: usize, n: i32, p0: f64, p1: f64): void {
  // one instance of the loop per op
  if (op == CLIP) map(CLIP, x, y, n, p0, p1);
  else if (op == HARD_SIGMOID) map(HARD_SIGMOID, x, y, n, p0, p1);
  else if (op == HARD_SWISH) map(HARD_SWISH, x, y, n, p0, p1);
  else map(LEAKY_RELU, x, y, n, p0, p1);
}

// Whether a run of f32 holds only finite values: 1 if no NaN, +∞ or −∞ among x[0…n), else 0.
// convTranspose asks this before its sub-pixel path, which multiplies zero taps and border cells
// by the data (harmless for finite values, NaN for 0·NaN and 0·∞). Test: v·0 is ±0 for every
// finite v and NaN for NaN and ±∞, and a NaN sticks in a sum, so Σ v·0 = 0 exactly when all are
// finite. Memory-bound: four accumulators, 16 floats a step, no early exit (finite data, the
// common case, reads everything anyway). Reference with the same ABI: all-finite-ref.ts.

export function f32_all_finite__simd(x: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(p), zero));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), zero));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), zero));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), zero));
  }
  for (; i + 4 <= n; i += 4) a0 = f32x4.add(a0, f32x4.mul(v128.load(x + (<usize>i << 2)), zero));
  // all four lanes of the sum still compare equal to 0 (a NaN lane compares unequal)
  let finite = i32x4.all_true(f32x4.eq(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), zero));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v * 0 != 0) finite = false;
  }
  return finite ? 1 : 0;
}

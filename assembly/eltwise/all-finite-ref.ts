// Reference for f32_all_finite__simd with the same ABI: one value at a time, by its definition
// (finite: neither NaN nor ±∞), stopping at the first that is not.

export function f32_all_finite__ref(x: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    if (!isFinite<f32>(load<f32>(x + (<usize>i << 2)))) return 0;
  }
  return 1;
}

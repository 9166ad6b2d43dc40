// Reference for f32_softmax__simd (softmax.ts), same ABI: each row of x [outer, A, inner] by the
// definition in float64 (Math.exp), rounded once. No workspace.
export function f32_softmax__ref(x: usize, y: usize, outer: i32, A: i32, inner: i32, work: usize): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = x + (<usize>(o * A * inner + i) << 2), out = y + (<usize>(o * A * inner + i) << 2);
      const step = <usize>inner << 2;
      let m: f64 = -Infinity;
      for (let a = 0; a < A; a++) {
        const v = <f64>load<f32>(base + <usize>a * step);
        m = isNaN(v) || isNaN(m) ? NaN : Math.max(m, v);
      }
      let s: f64 = 0;
      for (let a = 0; a < A; a++) s += Math.exp(<f64>load<f32>(base + <usize>a * step) - m);
      for (let a = 0; a < A; a++) store<f32>(out + <usize>a * step, <f32>(Math.exp(<f64>load<f32>(base + <usize>a * step) - m) / s));
    }
  }
}

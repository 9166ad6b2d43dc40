// References for broadcast-binary.ts and activation.ts with their ABIs: one element at a time,
// the index formula and the JS formula written out (float64 where the JS computes in float64).
// Sigmoid, Tanh, Elu, Selu (activation ops 4–7) are the exact functions in float64, rounded once:
// the kernel approximates them in float32 (within 2.5 ulp, activation.spec.ts).

export function f32_binary__ref(op: i32, a: usize, aO: i32, aC: i32, aI: i32, b: usize, bO: i32, bC: i32, bI: i32, y: usize, O: i32, C: i32, I: i32): void {
  for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let i = 0; i < I; i++) {
    const x = <f64>load<f32>(a + (<usize>(o * aO + c * aC + i * aI) << 2));
    const v = <f64>load<f32>(b + (<usize>(o * bO + c * bC + i * bI) << 2));
    // the JS path: the float64 result rounded once to float32
    const r = op == 0 ? x + v : op == 1 ? x - v : op == 2 ? x * v : x / v;
    store<f32>(y + (<usize>((o * C + c) * I + i) << 2), <f32>r);
  }
}

export function f32_channel_affine__ref(x: usize, a: usize, b: usize, y: usize, N: i32, C: i32, plane: i32): void {
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < plane; i++) {
    const k = <usize>((n * C + c) * plane + i) << 2;
    store<f32>(y + k, <f32>(load<f64>(a + (<usize>c << 3)) * <f64>load<f32>(x + k) + load<f64>(b + (<usize>c << 3))));
  }
}

/** Math.max/Math.min of two float64 values: NaN wins, +0 above −0. */
function jsMax(x: f64, y: f64): f64 { return x != x || y != y ? NaN : x == y ? (x == 0 && (reinterpret<u64>(x) >> 63) == 0 ? x : y) : x > y ? x : y; }
function jsMin(x: f64, y: f64): f64 { return x != x || y != y ? NaN : x == y ? (x == 0 && (reinterpret<u64>(x) >> 63) != 0 ? x : y) : x < y ? x : y; }

/** σ(v) = 1/(1 + e⁻ᵛ), written as eᵛ/(1 + eᵛ) below 0 so that it neither overflows nor loses relative accuracy. */
function logistic(v: f64): f64 {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

export function f32_activation__ref(op: i32, x: usize, y: usize, n: i32, p0: f64, p1: f64): void {
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    let r: f64;
    if (op == 0) r = jsMin(jsMax(v, p0), p1);
    else if (op == 1) r = jsMax(0, jsMin(1, p0 * v + p1));
    else if (op == 2) r = v == -Infinity ? NaN : v <= -3 ? 0 : v >= 3 ? v : (v * (v + 3)) / 6;
    else if (op == 3) r = v < 0 ? p0 * v : v;
    else if (op == 4) r = logistic(v);
    else if (op == 5) r = Math.tanh(v);
    else if (op == 6) r = v >= 0 ? v : p0 * Math.expm1(v);
    else r = v >= 0 ? p1 * v : p1 * p0 * Math.expm1(v);
    store<f32>(y + (<usize>i << 2), <f32>r);
  }
}

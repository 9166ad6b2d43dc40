// Softmax over the middle axis of x viewed as [outer, A, inner] (src/ops/softmax.ts):
//   y = e / Σ_a e,  e = exp(x − max_a x)
// e in float32 by activation.ts's exp (within 2.4 ulp), Σ in float64 over a ascending, the
// quotient in float64 rounded once. (LogSoftmax stays in JS: its log would bring AssemblyScript's
// 4 KB log tables into the module's static data.) inner ≥ 4: four positions a lane, in chunks of
// CHUNK positions (running max, sums and the e written into y stay in cache), the last n mod 4
// positions by the same operations on one float; inner < 4: each row on its own. NaN anywhere in
// a row makes the row NaN (max propagates it), as the float64 definition does.
// Reference with the same ABI: softmax-ref.ts. work: softmax_workspace_bytes() bytes, 8-aligned.
import { expNeg1, expNeg4, MAX_Z } from "./activation";

const CHUNK: i32 = 1024;

/** Bytes of workspace f32_softmax__simd needs: a chunk's maxima (f32) and sums (f64). */
export function f32_softmax_workspace_bytes(): i32 {
  return CHUNK * 12;
}

/** e = exp(x − m) for x ≤ m (e^−z with z = m − x clamped to MAX_Z; NaN stays NaN). */
@inline function e4(x: v128, m: v128): v128 {
  return expNeg4(f32x4.pmin(f32x4.sub(m, x), f32x4.splat(MAX_Z)));
}
@inline function e1(x: f32, m: f32): f32 {
  const z = m - x;
  return expNeg1(MAX_Z < z ? MAX_Z : z); // pmin on one float
}

/** y[o, a, i] for x [outer, A, inner] (pointers are byte offsets; y may not alias x). */
export function f32_softmax__simd(x: usize, y: usize, outer: i32, A: i32, inner: i32, work: usize): void {
  const maxes = work, sums = work + (<usize>CHUNK << 2);
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * <usize>A * rowBytes, yo = y + <usize>o * <usize>A * rowBytes;
    if (inner < 4) {
      for (let i = 0; i < inner; i++) row(xo + (<usize>i << 2), yo + (<usize>i << 2), A, rowBytes);
      continue;
    }
    for (let i0 = 0; i0 < inner; i0 += CHUNK) {
      const n = min(CHUNK, inner - i0), n4 = n & ~3;
      const xc = xo + (<usize>i0 << 2), yc = yo + (<usize>i0 << 2);
      // max over a
      for (let i = 0; i < n4; i += 4) v128.store(maxes + (<usize>i << 2), f32x4.splat(-Infinity));
      for (let i = n4; i < n; i++) store<f32>(maxes + (<usize>i << 2), -Infinity);
      for (let a = 0; a < A; a++) {
        const xr = xc + <usize>a * rowBytes;
        for (let i = 0; i < n4; i += 4) {
          const q = maxes + (<usize>i << 2);
          v128.store(q, f32x4.max(v128.load(q), v128.load(xr + (<usize>i << 2))));
        }
        for (let i = n4; i < n; i++) {
          const q = maxes + (<usize>i << 2);
          store<f32>(q, max<f32>(load<f32>(q), load<f32>(xr + (<usize>i << 2))));
        }
      }
      // e into y, Σ e in float64
      memory.fill(sums, 0, <usize>n << 3);
      for (let a = 0; a < A; a++) {
        const xr = xc + <usize>a * rowBytes, yr = yc + <usize>a * rowBytes;
        for (let i = 0; i < n4; i += 4) {
          const e = e4(v128.load(xr + (<usize>i << 2)), v128.load(maxes + (<usize>i << 2)));
          v128.store(yr + (<usize>i << 2), e);
          const s = sums + (<usize>i << 3);
          v128.store(s, f64x2.add(v128.load(s), f64x2.promote_low_f32x4(e)));
          v128.store(s, f64x2.add(v128.load(s, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3))), 16);
        }
        for (let i = n4; i < n; i++) {
          const e = e1(load<f32>(xr + (<usize>i << 2)), load<f32>(maxes + (<usize>i << 2)));
          store<f32>(yr + (<usize>i << 2), e);
          const s = sums + (<usize>i << 3);
          store<f64>(s, load<f64>(s) + <f64>e);
        }
      }
      // y = e / Σ in float64, rounded once
      for (let a = 0; a < A; a++) {
        const yr = yc + <usize>a * rowBytes;
        for (let i = 0; i < n; i++) {
          const q = yr + (<usize>i << 2);
          store<f32>(q, <f32>(<f64>load<f32>(q) / load<f64>(sums + (<usize>i << 3))));
        }
      }
    }
  }
}

/** One row of A values `stride` bytes apart (inner < 4): the same operations as the lanes. */
function row(x: usize, y: usize, A: i32, stride: usize): void {
  let m: f32 = -Infinity;
  for (let a = 0; a < A; a++) m = max<f32>(m, load<f32>(x + <usize>a * stride));
  let s: f64 = 0;
  for (let a = 0; a < A; a++) {
    const e = e1(load<f32>(x + <usize>a * stride), m);
    store<f32>(y + <usize>a * stride, e);
    s += <f64>e;
  }
  for (let a = 0; a < A; a++) store<f32>(y + <usize>a * stride, <f32>(<f64>load<f32>(y + <usize>a * stride) / s));
}

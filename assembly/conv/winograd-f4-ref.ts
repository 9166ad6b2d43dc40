// Reference Winograd F(4×4,3×3) transforms with the ABI of winograd-f4.ts, straight from the matrix
// products (Lavin & Gray 2015, points 0, ±1, ±2, ∞): V = Bᵀ d B, y = Aᵀ m A (+ bias), U = G g Gᵀ,
// each entry a float64 sum over the matrices below, one tile and one channel at a time, bounds
// checked per element. Unlike the fast output transform it leaves M (src) as it is.
import { WinogradParams, winogradF4PlaneFloats as planeFloats } from "../params";

// Bᵀ [6×6], Aᵀ [4×6], G [6×3], row-major
const BT: StaticArray<f64> = [
  4, 0, -5, 0, 1, 0,
  0, -4, -4, 1, 1, 0,
  0, 4, -4, -1, 1, 0,
  0, -2, -1, 2, 1, 0,
  0, 2, -1, -2, 1, 0,
  0, 4, 0, -5, 0, 1,
];
const AT: StaticArray<f64> = [
  1, 1, 1, 1, 1, 0,
  0, 1, -1, 2, -2, 0,
  0, 1, 1, 4, 4, 0,
  0, 1, -1, 8, -8, 1,
];
const G: StaticArray<f64> = [
  1.0 / 4, 0, 0,
  -1.0 / 6, -1.0 / 6, -1.0 / 6,
  -1.0 / 6, 1.0 / 6, -1.0 / 6,
  1.0 / 24, 1.0 / 12, 1.0 / 6,
  1.0 / 24, -1.0 / 12, 1.0 / 6,
  0, 0, 1,
];

/** V[6i + j][c][t] (planes planeFloats(C·T) floats apart) = Σ_{a, b} Bᵀ[i][a]·d[a][b]·Bᵀ[j][b], d[a][b] = x[c, 4th − PT + a, 4tw − PL + b] (0 outside). */
export function f32_winograd_f4_input__ref(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const TW = (q.OW + 3) >> 2, T = q.rows * TW;
  for (let c = 0; c < q.C; c++) for (let r = 0; r < q.rows; r++) for (let tw = 0; tw < TW; tw++) {
    const t = r * TW + tw;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
      let acc: f64 = 0;
      for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) {
        const ih = 4 * (q.th0 + r) - q.PT + a, iw = 4 * tw - q.PL + b;
        const d: f64 = ih >= 0 && ih < q.H && iw >= 0 && iw < q.W ? <f64>load<f32>(q.src + (<usize>((c * q.H + ih) * q.W + iw) << 2)) : 0;
        acc += BT[6 * i + a] * d * BT[6 * j + b];
      }
      store<f32>(q.dst + (<usize>((6 * i + j) * planeFloats(q.C * T) + c * T + t) << 2), <f32>acc);
    }
  }
}

/** y[c, 4th + i, 4tw + j] = bias[c] + Σ_{a, b} Aᵀ[i][a]·M[6a + b][c][t]·Aᵀ[j][b], inside OH × OW only. */
export function f32_winograd_f4_output__ref(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const TW = (q.OW + 3) >> 2, T = q.rows * TW;
  for (let c = 0; c < q.C; c++) for (let r = 0; r < q.rows; r++) for (let tw = 0; tw < TW; tw++) {
    const t = r * TW + tw;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      const oh = 4 * (q.th0 + r) + i, ow = 4 * tw + j;
      if (oh >= q.OH || ow >= q.OW) continue;
      let acc: f64 = q.bias != 0 ? <f64>load<f32>(q.bias + (<usize>c << 2)) : 0;
      for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) {
        acc += AT[6 * i + a] * <f64>load<f32>(q.src + (<usize>((6 * a + b) * planeFloats(q.C * T) + c * T + t) << 2)) * AT[6 * j + b];
      }
      store<f32>(q.dst + (<usize>((c * q.OH + oh) * q.OW + ow) << 2), <f32>acc);
    }
  }
}

/** U[6i + j][m][c] = Σ_{a, b} G[i][a]·w[m, c, a, b]·G[j][b]. */
export function f32_winograd_f4_weights__ref(w: usize, M: i32, C: i32, u: usize): void {
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
    let acc: f64 = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      acc += G[3 * i + a] * <f64>load<f32>(w + (<usize>(((m * C + c) * 3 + a) * 3 + b) << 2)) * G[3 * j + b];
    }
    store<f32>(u + (<usize>(((6 * i + j) * M + m) * C + c) << 2), <f32>acc);
  }
}

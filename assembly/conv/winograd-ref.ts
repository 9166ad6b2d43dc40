// Reference Winograd F(2×2,3×3) transforms with the ABI of winograd.ts, straight from the matrix
// products (Lavin & Gray 2015): V = Bᵀ d B, y = Aᵀ m A (+ bias), U = G g Gᵀ, each entry a float64
// sum over the matrices below, one tile and one channel at a time, bounds checked per element.
import { WinogradParams } from "../params";

// Bᵀ [4×4], Aᵀ [2×4], G [4×3], row-major
const BT: StaticArray<f64> = [1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1];
const AT: StaticArray<f64> = [1, 1, 1, 0, 0, 1, -1, -1];
const G: StaticArray<f64> = [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1];

/** V[4i + j][c][t] = Σ_{a, b} Bᵀ[i][a]·d[a][b]·Bᵀ[j][b], d[a][b] = x[c, 2th − PT + a, 2tw − PL + b] (0 outside). */
export function f32_winograd_input__ref(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const TW = (q.OW + 1) >> 1, T = q.rows * TW;
  for (let c = 0; c < q.C; c++) for (let r = 0; r < q.rows; r++) for (let tw = 0; tw < TW; tw++) {
    const t = r * TW + tw;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      let acc: f64 = 0;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) {
        const ih = 2 * (q.th0 + r) - q.PT + a, iw = 2 * tw - q.PL + b;
        const d: f64 = ih >= 0 && ih < q.H && iw >= 0 && iw < q.W ? <f64>load<f32>(q.src + (<usize>((c * q.H + ih) * q.W + iw) << 2)) : 0;
        acc += BT[4 * i + a] * d * BT[4 * j + b];
      }
      store<f32>(q.dst + (<usize>(((4 * i + j) * q.C + c) * T + t) << 2), <f32>acc);
    }
  }
}

/** y[c, 2th + i, 2tw + j] = bias[c] + Σ_{a, b} Aᵀ[i][a]·M[4a + b][c][t]·Aᵀ[j][b], inside OH × OW only. */
export function f32_winograd_output__ref(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const TW = (q.OW + 1) >> 1, T = q.rows * TW;
  for (let c = 0; c < q.C; c++) for (let r = 0; r < q.rows; r++) for (let tw = 0; tw < TW; tw++) {
    const t = r * TW + tw;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
      const oh = 2 * (q.th0 + r) + i, ow = 2 * tw + j;
      if (oh >= q.OH || ow >= q.OW) continue;
      let acc: f64 = q.bias != 0 ? <f64>load<f32>(q.bias + (<usize>c << 2)) : 0;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) {
        acc += AT[4 * i + a] * <f64>load<f32>(q.src + (<usize>(((4 * a + b) * q.C + c) * T + t) << 2)) * AT[4 * j + b];
      }
      store<f32>(q.dst + (<usize>((c * q.OH + oh) * q.OW + ow) << 2), <f32>acc);
    }
  }
}

/** U[4i + j][m][c] = Σ_{a, b} G[i][a]·w[m, c, a, b]·G[j][b]. */
export function f32_winograd_weights__ref(w: usize, M: i32, C: i32, u: usize): void {
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
    let acc: f64 = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      acc += G[3 * i + a] * <f64>load<f32>(w + (<usize>(((m * C + c) * 3 + a) * 3 + b) << 2)) * G[3 * j + b];
    }
    store<f32>(u + (<usize>(((4 * i + j) * M + m) * C + c) << 2), <f32>acc);
  }
}

/** dM[4a + b][c][t] = Σ_{i, j < 2} Aᵀ[i][a]·dy[c, 2th + i, 2tw + j]·Aᵀ[j][b], dy = 0 past OH, OW (src dy [C, OH, OW], dst dM [16][C][T]). */
export function f32_winograd_output_adjoint__ref(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const TW = (q.OW + 1) >> 1, T = q.rows * TW;
  for (let c = 0; c < q.C; c++) for (let r = 0; r < q.rows; r++) for (let tw = 0; tw < TW; tw++) {
    const t = r * TW + tw;
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) {
      let acc: f64 = 0;
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
        const oh = 2 * (q.th0 + r) + i, ow = 2 * tw + j;
        if (oh >= q.OH || ow >= q.OW) continue;
        acc += AT[4 * i + a] * <f64>load<f32>(q.src + (<usize>((c * q.OH + oh) * q.OW + ow) << 2)) * AT[4 * j + b];
      }
      store<f32>(q.dst + (<usize>(((4 * a + b) * q.C + c) * T + t) << 2), <f32>acc);
    }
  }
}

/** dw[m, c, a, b] = Σ_{i, j < 4} G[i][a]·dU[4i + j][m][c]·G[j][b]. */
export function f32_winograd_weights_adjoint__ref(du: usize, M: i32, C: i32, dw: usize): void {
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
    let acc: f64 = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      acc += G[3 * i + a] * <f64>load<f32>(du + (<usize>(((4 * i + j) * M + m) * C + c) << 2)) * G[3 * j + b];
    }
    store<f32>(dw + (<usize>(((m * C + c) * 3 + a) * 3 + b) << 2), <f32>acc);
  }
}

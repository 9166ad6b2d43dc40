// References for the F(2×2,2×2) sub-pixel phase kernels (subpixel-winograd.ts) with their ABIs,
// straight from the matrices in float64: U = G g Gᵀ, V = Bᵀ d B, Y = Aᵀ M A as explicit sums
// over the matrix entries (the fast kernels spell the products out), one value at a time.
import { PhaseWinogradParams } from "../params";

// Bᵀ [3][3], G [3][2], Aᵀ [2][3] (points 0, 1, ∞), row-major
const BT: f64[] = [1, -1, 0, 0, 1, 0, 0, -1, 1];
const G: f64[] = [1, 0, 1, 1, 0, 1];
const AT: f64[] = [1, 1, 0, 0, 1, 1];

export function f32_phase_winograd_weights__ref(wsub: usize, rows: i32, C: i32, u: usize): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s: f64 = 0;
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
      s += G[i * 2 + a] * <f64>load<f32>(wsub + (<usize>((r * C + c) * 4 + a * 2 + b) << 2)) * G[j * 2 + b];
    }
    store<f32>(u + (<usize>(((i * 3 + j) * rows + r) * C + c) << 2), <f32>s);
  }
}

export function f32_phase_winograd_input__ref(p: usize): void {
  const q = changetype<PhaseWinogradParams>(p);
  const T = q.TR * q.TC;
  for (let c = 0; c < q.C; c++) for (let tr = 0; tr < q.TR; tr++) for (let tc = 0; tc < q.TC; tc++) {
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s: f64 = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
        const r = q.R0 - 1 + 2 * tr + a, k = q.C0 - 1 + 2 * tc + b;
        const d: f64 = r >= 0 && r < q.H && k >= 0 && k < q.W ? <f64>load<f32>(q.src + (<usize>((c * q.H + r) * q.W + k) << 2)) : 0;
        s += BT[i * 3 + a] * d * BT[j * 3 + b];
      }
      store<f32>(q.dst + (<usize>(((i * 3 + j) * q.C + c) * T + tr * q.TC + tc) << 2), <f32>s);
    }
  }
}

export function f32_phase_winograd_output__ref(p: usize): void {
  const q = changetype<PhaseWinogradParams>(p);
  const rows = q.M * q.SH * q.SW, T = q.TR * q.TC;
  for (let m = 0; m < q.M; m++) for (let rH = 0; rH < q.SH; rH++) for (let rW = 0; rW < q.SW; rW++) {
    const rho = (m * q.SH + rH) * q.SW + rW;
    for (let tr = 0; tr < q.TR; tr++) for (let tc = 0; tc < q.TC; tc++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
      const oh = (q.R0 + 2 * tr + a) * q.SH + rH - q.PT, ow = (q.C0 + 2 * tc + b) * q.SW + rW - q.PL;
      if (oh < 0 || oh >= q.OH || ow < 0 || ow >= q.OW) continue;
      let s: f64 = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        s += AT[a * 3 + i] * <f64>load<f32>(q.src + (<usize>(((i * 3 + j) * rows + rho) * T + tr * q.TC + tc) << 2)) * AT[b * 3 + j];
      }
      if (q.bias != 0) s += <f64>load<f32>(q.bias + (<usize>m << 2));
      store<f32>(q.dst + (<usize>((m * q.OH + oh) * q.OW + ow) << 2), <f32>s);
    }
  }
}

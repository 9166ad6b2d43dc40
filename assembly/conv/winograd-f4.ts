// Winograd F(4×4,3×3) transforms (Lavin & Gray 2015, "Fast Algorithms for Convolutional Neural
// Networks", interpolation points 0, ±1, ±2, ∞): y_tile = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A for a 6×6
// input patch d and a 3×3 filter g, 4×4 outputs a tile, with
//   Bᵀ = [4  0 −5  0 1 0      G = [ 1/4     0     0       Aᵀ = [1 1  1 1  1 0
//         0 −4 −4  1 1 0           −1/6  −1/6  −1/6             0 1 −1 2 −2 0
//         0  4 −4 −1 1 0           −1/6   1/6  −1/6             0 1  1 4  4 0
//         0 −2 −1  2 1 0            1/24  1/12  1/6             0 1 −1 8 −8 1]
//         0  2 −1 −2 1 0            1/24 −1/12  1/6
//         0  4  0 −5 0 1]            0      0     1   ]
// The element-wise products summed over channels are 36 GEMMs (the TS side runs them):
// M[e] [Mo×T] = U[e] [Mo×C] · V[e] [C×T]. As in winograd.ts (F(2×2,3×3)), the transforms take four
// tiles of a row at once, one tile per v128 lane, and read a WinogradParams block (params.ts) — here
// tile (th, tw) covers outputs (4th…4th+3, 4tw…4tw+3) and reads the 6×6 patch at (4th − PT, 4tw − PL),
// TW = ⌈OW/4⌉. Each 2-D transform runs as two 1-D passes through the V or M buffer itself (first
// along rows into V[6a + j], then along columns in place), which keeps the module small.
// V and M [36][C][T] have their 36 planes winogradF4PlaneFloats(C·T) floats apart (params.ts), not
// C·T: the passes touch one entry in each of the 36 planes in turn, and planes a multiple of 4 KB
// apart (C·T a multiple of 1024, as on 224² with 64 channels) all fall in one L1 set.
// Reference with the same ABI: winograd-f4-ref.ts.
import { WinogradParams, winogradF4PlaneFloats as planeFloats } from "../params";
import { gatherTiles, loadLanes, storeLanes } from "./tile-lanes";

@inline function mul(a: v128, s: f32): v128 {
  return f32x4.mul(a, f32x4.splat(s));
}

/**
 * r = Bᵀ z for the 6-vector z (lanes: four tiles), stored r_i at p + i·stride:
 * r0 = 4z0 − 5z2 + z4, r1 = (z3 + z4) − 4(z1 + z2), r2 = (z4 − z3) + 4(z1 − z2),
 * r3 = (z4 − z2) + 2(z3 − z1), r4 = (z4 − z2) − 2(z3 − z1), r5 = 4z1 − 5z3 + z5.
 */
function bt6(p: usize, stride: usize, n: i32, z0: v128, z1: v128, z2: v128, z3: v128, z4: v128, z5: v128): void {
  const s34 = f32x4.add(z3, z4), s12 = f32x4.add(z1, z2);
  const d43 = f32x4.sub(z4, z3), d12 = f32x4.sub(z1, z2);
  const d42 = f32x4.sub(z4, z2), d31 = f32x4.sub(z3, z1);
  storeLanes(p, f32x4.add(f32x4.sub(mul(z0, 4), mul(z2, 5)), z4), n);
  storeLanes(p + stride, f32x4.sub(s34, mul(s12, 4)), n);
  storeLanes(p + 2 * stride, f32x4.add(d43, mul(d12, 4)), n);
  storeLanes(p + 3 * stride, f32x4.add(d42, mul(d31, 2)), n);
  storeLanes(p + 4 * stride, f32x4.sub(d42, mul(d31, 2)), n);
  storeLanes(p + 5 * stride, f32x4.add(f32x4.sub(mul(z1, 4), mul(z3, 5)), z5), n);
}

/**
 * Input transform of one band: V[e][c][t] (at V + (e·planeFloats(C·T) + c·T + t)·4) = (Bᵀ d B)[e], e = 6i + j, d the 6×6 patch of x[c] at
 * (4th − PT, 4tw − PL) with zeros outside the image. Pass 1, per patch row a: V[6a + j] = (d_a B)_j
 * (Bᵀ on the row's six column vectors); pass 2, per column j: V[6i + j] = Σ_a Bᵀ[i][a]·V[6a + j].
 */
export function f32_winograd_f4_input__simd(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const C = q.C, H = q.H, W = q.W, TW = (q.OW + 3) >> 2, T = q.rows * TW;
  const plane = <usize>(H * W) << 2;
  const eStride = <usize>planeFloats(C * T) << 2; // bytes between V[e][c][t] and V[e + 1][c][t]
  for (let c = 0; c < C; c++) {
    const xc = q.src + <usize>c * plane;
    for (let r = 0; r < q.rows; r++) {
      const ih0 = 4 * (q.th0 + r) - q.PT;
      for (let tw = 0; tw < TW; tw += 4) {
        const n = min(4, TW - tw);
        const iw = 4 * tw - q.PL;
        const v = q.dst + (<usize>(c * T + r * TW + tw) << 2);
        const whole = n == 4 && iw >= 0 && iw + 17 < W;
        for (let a = 0; a < 6; a++) {
          const ih = ih0 + a;
          const row: usize = ih >= 0 && ih < H ? xc + (<usize>(ih * W) << 2) : 0;
          let z0: v128, z1: v128, z2: v128, z3: v128, z4: v128, z5: v128;
          if (row != 0 && whole) {
            // columns iw … iw + 17: lane k of column j is x[iw + 4k + j], a 4×4 transpose of the
            // loads at iw, iw + 4, iw + 8, iw + 12 (j < 4), then shifted by one load (j = 4, 5)
            const o = row + (<usize>iw << 2);
            const l0 = v128.load(o), l1 = v128.load(o + 16), l2 = v128.load(o + 32), l3 = v128.load(o + 48);
            const e = v128.load64_zero(o + 64);
            const lo01 = v128.shuffle<f32>(l0, l1, 0, 4, 1, 5), hi01 = v128.shuffle<f32>(l0, l1, 2, 6, 3, 7);
            const lo23 = v128.shuffle<f32>(l2, l3, 0, 4, 1, 5), hi23 = v128.shuffle<f32>(l2, l3, 2, 6, 3, 7);
            z0 = v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5); z1 = v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7);
            z2 = v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5); z3 = v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7);
            z4 = v128.shuffle<f32>(z0, e, 1, 2, 3, 4); z5 = v128.shuffle<f32>(z1, e, 1, 2, 3, 5);
          } else if (row == 0) {
            z0 = z1 = z2 = z3 = z4 = z5 = f32x4.splat(0);
          } else {
            z0 = gatherTiles(row, iw, W, 0, n, 4); z1 = gatherTiles(row, iw, W, 1, n, 4); z2 = gatherTiles(row, iw, W, 2, n, 4);
            z3 = gatherTiles(row, iw, W, 3, n, 4); z4 = gatherTiles(row, iw, W, 4, n, 4); z5 = gatherTiles(row, iw, W, 5, n, 4);
          }
          bt6(v + <usize>(6 * a) * eStride, eStride, n, z0, z1, z2, z3, z4, z5);
        }
        // pass 2 in place: column j's six entries V[6a + j] are all read before any is written
        for (let j = 0; j < 6; j++) {
          const vj = v + <usize>j * eStride, s = <usize>6 * eStride;
          bt6(vj, s, n, loadLanes(vj, n), loadLanes(vj + s, n), loadLanes(vj + 2 * s, n),
            loadLanes(vj + 3 * s, n), loadLanes(vj + 4 * s, n), loadLanes(vj + 5 * s, n));
        }
      }
    }
  }
}

/**
 * Stores the 4×4 outputs of row i of four tiles, yj lane k = y[4(tw + k) + j], at y (output column
 * ow = 4tw): a 4×4 transpose gives each tile's four contiguous outputs; columns ≥ OW left out.
 */
function storeRow(y: usize, y0: v128, y1: v128, y2: v128, y3: v128, ow: i32, OW: i32, n: i32): void {
  const lo01 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), hi01 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
  const lo23 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5), hi23 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
  const t0 = v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5), t1 = v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7);
  const t2 = v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), t3 = v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7);
  storeLanes(y, t0, min(4, OW - ow));
  if (n > 1) storeLanes(y + 16, t1, min(4, OW - ow - 4));
  if (n > 2) storeLanes(y + 32, t2, min(4, OW - ow - 8));
  if (n > 3) storeLanes(y + 48, t3, min(4, OW - ow - 12));
}

/**
 * Output transform of one band: y[c, 4th + i, 4tw + j] = (Aᵀ m A)[i][j] + bias[c] for m the 6×6
 * M[·][c][t], rows and columns past OH, OW left out. Pass 1, per column j, in place (src is
 * overwritten): M[6i + j] = Σ_a Aᵀ[i][a]·M[6a + j], i < 4; pass 2, per row i: y_i = (that row) A.
 * Aᵀ m: o0 = m0 + (m1 + m2) + (m3 + m4), o1 = (m1 − m2) + 2(m3 − m4), o2 = (m1 + m2) + 4(m3 + m4),
 * o3 = (m1 − m2) + 8(m3 − m4) + m5.
 */
export function f32_winograd_f4_output__simd(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const C = q.C, OH = q.OH, OW = q.OW, TW = (OW + 3) >> 2, T = q.rows * TW;
  const eStride = <usize>planeFloats(C * T) << 2;
  for (let c = 0; c < C; c++) {
    const bias = f32x4.splat(q.bias != 0 ? load<f32>(q.bias + (<usize>c << 2)) : 0);
    const yc = q.dst + (<usize>(c * OH * OW) << 2);
    for (let r = 0; r < q.rows; r++) {
      const oh = 4 * (q.th0 + r);
      for (let tw = 0; tw < TW; tw += 4) {
        const n = min(4, TW - tw);
        const m = q.src + (<usize>(c * T + r * TW + tw) << 2);
        for (let j = 0; j < 6; j++) {
          const mj = m + <usize>j * eStride, s = <usize>6 * eStride;
          const m0 = loadLanes(mj, n), m1 = loadLanes(mj + s, n), m2 = loadLanes(mj + 2 * s, n);
          const m3 = loadLanes(mj + 3 * s, n), m4 = loadLanes(mj + 4 * s, n), m5 = loadLanes(mj + 5 * s, n);
          const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
          storeLanes(mj, f32x4.add(f32x4.add(m0, s12), s34), n);
          storeLanes(mj + s, f32x4.add(d12, mul(d34, 2)), n);
          storeLanes(mj + 2 * s, f32x4.add(s12, mul(s34, 4)), n);
          storeLanes(mj + 3 * s, f32x4.add(f32x4.add(d12, mul(d34, 8)), m5), n);
        }
        const ow = 4 * tw;
        for (let i = 0; i < 4 && oh + i < OH; i++) {
          const mi = m + <usize>(6 * i) * eStride;
          const m0 = loadLanes(mi, n), m1 = loadLanes(mi + eStride, n), m2 = loadLanes(mi + 2 * eStride, n);
          const m3 = loadLanes(mi + 3 * eStride, n), m4 = loadLanes(mi + 4 * eStride, n), m5 = loadLanes(mi + 5 * eStride, n);
          const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
          storeRow(yc + (<usize>((oh + i) * OW + ow) << 2),
            f32x4.add(f32x4.add(f32x4.add(m0, s12), s34), bias),
            f32x4.add(f32x4.add(d12, mul(d34, 2)), bias),
            f32x4.add(f32x4.add(s12, mul(s34, 4)), bias),
            f32x4.add(f32x4.add(f32x4.add(d12, mul(d34, 8)), m5), bias), ow, OW, n);
        }
      }
    }
  }
}

/**
 * Weight transform: w [M, C, 3, 3] → U [36][M][C], U[e][m][c] = (G g Gᵀ)[e] for g = w[m, c]
 * (e = 6i + j), in float64 rounded once (1/6, 1/24 are not exact in float32).
 */
export function f32_winograd_f4_weights__scalar(w: usize, M: i32, C: i32, u: usize): void {
  const eStride = <usize>(M * C) << 2;
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) {
    const g = w + (<usize>((m * C + c) * 9) << 2);
    const out = u + (<usize>(m * C + c) << 2);
    // (G g)[i][b], b = 0…2, for row i of G; then Gᵀ on the right
    for (let i = 0; i < 6; i++) {
      // row i of G
      const a0: f64 = i == 0 ? 0.25 : i == 1 || i == 2 ? -1.0 / 6 : i == 5 ? 0 : 1.0 / 24;
      const a1: f64 = i == 0 || i == 5 ? 0 : i == 1 ? -1.0 / 6 : i == 2 ? 1.0 / 6 : i == 3 ? 1.0 / 12 : -1.0 / 12;
      const a2: f64 = i == 0 ? 0 : i == 1 || i == 2 ? -1.0 / 6 : i == 5 ? 1 : 1.0 / 6;
      // (G g)[i][b] = a0·g[0][b] + a1·g[1][b] + a2·g[2][b]
      const t0 = a0 * <f64>load<f32>(g) + a1 * <f64>load<f32>(g + 12) + a2 * <f64>load<f32>(g + 24);
      const t1 = a0 * <f64>load<f32>(g + 4) + a1 * <f64>load<f32>(g + 16) + a2 * <f64>load<f32>(g + 28);
      const t2 = a0 * <f64>load<f32>(g + 8) + a1 * <f64>load<f32>(g + 20) + a2 * <f64>load<f32>(g + 32);
      // ((G g) Gᵀ)[i][j] = Σ_b (G g)[i][b]·G[j][b]: the same six combinations of (t0, t1, t2)
      const e = out + <usize>(6 * i) * eStride;
      store<f32>(e, <f32>(t0 / 4));
      store<f32>(e + eStride, <f32>(-(t0 + t1 + t2) / 6));
      store<f32>(e + 2 * eStride, <f32>(-(t0 - t1 + t2) / 6));
      store<f32>(e + 3 * eStride, <f32>(t0 / 24 + t1 / 12 + t2 / 6));
      store<f32>(e + 4 * eStride, <f32>(t0 / 24 - t1 / 12 + t2 / 6));
      store<f32>(e + 5 * eStride, <f32>t2);
    }
  }
}

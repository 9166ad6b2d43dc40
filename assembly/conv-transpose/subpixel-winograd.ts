// Winograd F(2×2,2×2) for the phase kernels of sub-pixel transposed convolution when every phase
// kernel is 2×2 (⌈k/s⌉ = 2 on both axes; src/ops/conv-transpose/subpixel-winograd.ts runs it).
// Each phase is the correlation P[a] = Σ_{i<2} d[a + i]·g[i] of the input d (x from row u0 − 1)
// with its W_sub taps g; per axis, F(2,2) on the points 0, 1, ∞ gives, for a 3-point patch d and
// 2 outputs, P = Aᵀ[(G g) ⊙ (Bᵀ d)] with
//        ⎡1 −1  0⎤        ⎡1 0⎤         ⎡1 1 0⎤
//   Bᵀ = ⎢0  1  0⎥,  G =  ⎢1 1⎥,  Aᵀ =  ⎣0 1 1⎦
//        ⎣0 −1  1⎦        ⎣0 1⎦
// (check: m0 = (d0 − d1)g0, m1 = d1(g0 + g1), m2 = (d2 − d1)g1; m0 + m1 = d0g0 + d1g1 = P0,
// m1 + m2 = d1g0 + d2g1 = P1). Nested on both axes: Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, 9 products per
// 2×2 outputs instead of 16. Every coefficient is 0 or ±1, so the transforms are additions only
// (they add no rounding beyond the sums themselves). The 9 products over channels are 9 GEMMs
// P_e = U_e · V_e that all phases share: V is transformed once per input, not once per phase.
//  - f32_phase_winograd_weights__scalar: U [9][rows][C] = G g Gᵀ from W_sub [rows][C][2][2];
//  - f32_phase_winograd_input__simd:     V [9][C][tiles] = Bᵀ d B per 3×3 patch, four tiles a vector
//    inside the image (PhaseWinogradParams);
//  - f32_phase_winograd_output__simd:    y (interleaved) = Aᵀ P A + bias per phase and tile, four
//    tiles a vector, every output pixel written once (PhaseWinogradParams).
// References with the same ABIs: subpixel-winograd-ref.ts.
import { PhaseWinogradParams } from "../params";

/**
 * U[e = 3i + j][r][c] = (G g Gᵀ)[i][j] of g = W_sub[r][c] (2×2, taps (kh', kw')): with h = G g,
 * h0 = g0·, h1 = g0· + g1·, h2 = g1· (rows), and U[i][0] = h[i][0], U[i][1] = h[i][0] + h[i][1],
 * U[i][2] = h[i][1].
 */
export function f32_phase_winograd_weights__scalar(wsub: usize, rows: i32, C: i32, u: usize): void {
  const plane = <usize>(rows * C) << 2; // floats of one U_e
  for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) {
    const src = wsub + (<usize>((r * C + c) * 4) << 2);
    const g00 = load<f32>(src), g01 = load<f32>(src, 4), g10 = load<f32>(src, 8), g11 = load<f32>(src, 12);
    const h10 = g00 + g10, h11 = g01 + g11;
    const dst = u + (<usize>(r * C + c) << 2);
    store<f32>(dst, g00);
    store<f32>(dst + plane, g00 + g01);
    store<f32>(dst + 2 * plane, g01);
    store<f32>(dst + 3 * plane, h10);
    store<f32>(dst + 4 * plane, h10 + h11);
    store<f32>(dst + 5 * plane, h11);
    store<f32>(dst + 6 * plane, g10);
    store<f32>(dst + 7 * plane, g10 + g11);
    store<f32>(dst + 8 * plane, g11);
  }
}

/** x[r, c] of an H×W plane, 0 outside it. */
@inline function at(x: usize, H: i32, W: i32, r: i32, c: i32): f32 {
  return <u32>r < <u32>H && <u32>c < <u32>W ? load<f32>(x + (<usize>(r * W + c) << 2)) : 0;
}

/** One tile's V (scalar, bounds-checked loads): the edge tiles and what the vector loop leaves. */
@inline function inputTile(x: usize, H: i32, W: i32, r: i32, k: i32, dst: usize, plane: usize): void {
  const d00 = at(x, H, W, r, k), d01 = at(x, H, W, r, k + 1), d02 = at(x, H, W, r, k + 2);
  const d10 = at(x, H, W, r + 1, k), d11 = at(x, H, W, r + 1, k + 1), d12 = at(x, H, W, r + 1, k + 2);
  const d20 = at(x, H, W, r + 2, k), d21 = at(x, H, W, r + 2, k + 1), d22 = at(x, H, W, r + 2, k + 2);
  const x00 = d00 - d10, x01 = d01 - d11, x02 = d02 - d12;
  const x20 = d20 - d10, x21 = d21 - d11, x22 = d22 - d12;
  store<f32>(dst, x00 - x01);
  store<f32>(dst + plane, x01);
  store<f32>(dst + 2 * plane, x02 - x01);
  store<f32>(dst + 3 * plane, d10 - d11);
  store<f32>(dst + 4 * plane, d11);
  store<f32>(dst + 5 * plane, d12 - d11);
  store<f32>(dst + 6 * plane, x20 - x21);
  store<f32>(dst + 7 * plane, x21);
  store<f32>(dst + 8 * plane, x22 - x21);
}

/**
 * Columns k + 2l + j (l = lane, j = 0, 1, 2) of one input row, for 4 tiles side by side: the even
 * and odd floats of x[k … k + 7], and the even ones shifted by one with x[k + 8] as the last lane.
 */
@inline function rowColumns(p: usize, j: i32): v128 {
  const v0 = v128.load(p), v1 = v128.load(p, 16);
  if (j == 0) return v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  if (j == 1) return v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  return f32x4.replace_lane(v128.shuffle<f32>(v0, v1, 2, 4, 6, 6), 3, load<f32>(p, 32));
}

/**
 * V[e = 3i + j][c][t] = (Bᵀ d B)[i][j], d[i][j] = x[c, R0 − 1 + 2tr + i, C0 − 1 + 2tc + j]:
 * rows first (X0 = d0 − d1, X1 = d1, X2 = d2 − d1), then the same on the columns of X. Four
 * tiles a vector where their 3×9 input block lies inside the image (rows r … r + 2, columns
 * k … k + 8), one tile at a time with bounds at the edges.
 */
export function f32_phase_winograd_input__simd(p: usize): void {
  const q = changetype<PhaseWinogradParams>(p);
  const C = q.C, H = q.H, W = q.W, R0 = q.R0 - 1, C0 = q.C0 - 1, TR = q.TR, TC = q.TC;
  const T = TR * TC;
  const plane = <usize>(C * T) << 2; // floats of one V_e
  const rowBytes = <usize>W << 2;
  for (let c = 0; c < C; c++) {
    const x = q.src + (<usize>(c * H) << 2) * <usize>W;
    let dst = q.dst + (<usize>(c * T) << 2);
    for (let tr = 0; tr < TR; tr++) {
      const r = R0 + 2 * tr;
      const rowsInside = r >= 0 && r + 2 < H;
      let tc = 0;
      while (tc < TC) {
        const k = C0 + 2 * tc;
        if (rowsInside && tc + 4 <= TC && k >= 0 && k + 8 < W) {
          const p0 = x + (<usize>(r * W + k) << 2), p1 = p0 + rowBytes, p2 = p1 + rowBytes;
          const x0 = f32x4.sub(rowColumns(p0, 0), rowColumns(p1, 0)), x1 = f32x4.sub(rowColumns(p0, 1), rowColumns(p1, 1));
          const x2 = f32x4.sub(rowColumns(p0, 2), rowColumns(p1, 2));
          const m0 = rowColumns(p1, 0), m1 = rowColumns(p1, 1), m2 = rowColumns(p1, 2);
          const z0 = f32x4.sub(rowColumns(p2, 0), m0), z1 = f32x4.sub(rowColumns(p2, 1), m1), z2 = f32x4.sub(rowColumns(p2, 2), m2);
          v128.store(dst, f32x4.sub(x0, x1));
          v128.store(dst + plane, x1);
          v128.store(dst + 2 * plane, f32x4.sub(x2, x1));
          v128.store(dst + 3 * plane, f32x4.sub(m0, m1));
          v128.store(dst + 4 * plane, m1);
          v128.store(dst + 5 * plane, f32x4.sub(m2, m1));
          v128.store(dst + 6 * plane, f32x4.sub(z0, z1));
          v128.store(dst + 7 * plane, z1);
          v128.store(dst + 8 * plane, f32x4.sub(z2, z1));
          dst += 16;
          tc += 4;
        } else {
          inputTile(x, H, W, r, k, dst, plane);
          dst += 4;
          tc++;
        }
      }
    }
  }
}

/** Lanes l of v to row[ow + l·step] where 0 ≤ ow + l·step < OW. */
@inline function storeLanes(row: usize, v: v128, ow: i32, step: i32, OW: i32): void {
  if (ow >= 0 && ow + 3 * step < OW) {
    const s = <usize>step << 2;
    const q = row + (<usize>ow << 2);
    store<f32>(q, f32x4.extract_lane(v, 0));
    store<f32>(q + s, f32x4.extract_lane(v, 1));
    store<f32>(q + 2 * s, f32x4.extract_lane(v, 2));
    store<f32>(q + 3 * s, f32x4.extract_lane(v, 3));
    return;
  }
  if (<u32>ow < <u32>OW) store<f32>(row + (<usize>ow << 2), f32x4.extract_lane(v, 0));
  if (<u32>(ow + step) < <u32>OW) store<f32>(row + (<usize>(ow + step) << 2), f32x4.extract_lane(v, 1));
  if (<u32>(ow + 2 * step) < <u32>OW) store<f32>(row + (<usize>(ow + 2 * step) << 2), f32x4.extract_lane(v, 2));
  if (<u32>(ow + 3 * step) < <u32>OW) store<f32>(row + (<usize>(ow + 3 * step) << 2), f32x4.extract_lane(v, 3));
}

/**
 * One tile of one phase row, scalar: Y = Aᵀ M A + bias to rows row0 / row1 (when in0 / in1) at
 * columns ow0 and ow0 + SW (when inside y); s is the tile's M_0, the other 8 `plane` bytes apart.
 */
@inline function outputTile(s: usize, plane: usize, row0: usize, row1: usize, in0: bool, in1: bool, ow0: i32, SW: i32, OW: i32, bs: f32): void {
  const m0 = load<f32>(s), m1 = load<f32>(s + plane), m2 = load<f32>(s + 2 * plane);
  const m3 = load<f32>(s + 3 * plane), m4 = load<f32>(s + 4 * plane), m5 = load<f32>(s + 5 * plane);
  const m6 = load<f32>(s + 6 * plane), m7 = load<f32>(s + 7 * plane), m8 = load<f32>(s + 8 * plane);
  const z00 = m0 + m3, z01 = m1 + m4, z02 = m2 + m5;
  const z10 = m3 + m6, z11 = m4 + m7, z12 = m5 + m8;
  const ow1 = ow0 + SW;
  const ok0 = <u32>ow0 < <u32>OW, ok1 = <u32>ow1 < <u32>OW;
  if (in0) {
    if (ok0) store<f32>(row0 + (<usize>ow0 << 2), (z00 + z01) + bs);
    if (ok1) store<f32>(row0 + (<usize>ow1 << 2), (z01 + z02) + bs);
  }
  if (in1) {
    if (ok0) store<f32>(row1 + (<usize>ow0 << 2), (z10 + z11) + bs);
    if (ok1) store<f32>(row1 + (<usize>ow1 << 2), (z11 + z12) + bs);
  }
}

/**
 * SW = 2: the phase rows ρ (rW = 0) and ρ + 1 (rW = 1) together. For 4 tiles side by side, output
 * row a gets, at ow = (C0 + 2tc)·2 − PL + 4l + 2b + rW (lane l, column b of the tile), 16
 * consecutive floats: Y_ρ[a][b] and Y_ρ+1[a][b] zipped (a 4×4 transpose of the four vectors
 * (b, rW)), stored whole where all 16 lie inside y; the edge groups and the last TC mod 4 tiles
 * one at a time.
 */
function outputPairs(q: PhaseWinogradParams): void {
  const SH = q.SH, PT = q.PT, PL = q.PL, OH = q.OH, OW = q.OW, R0 = q.R0, C0 = q.C0, TR = q.TR, TC = q.TC;
  const rows = q.M * SH * 2, T = TR * TC;
  const plane = <usize>(rows * T) << 2; // floats of one P_e
  for (let rho = 0; rho < rows; rho += 2) {
    const m = rho / (SH * 2), rH = (rho / 2) % SH;
    const bs: f32 = q.bias != 0 ? load<f32>(q.bias + (<usize>m << 2)) : 0;
    const bv = f32x4.splat(bs);
    const yplane = q.dst + (<usize>(m * OH) << 2) * <usize>OW;
    const srcA = q.src + (<usize>(rho * T) << 2), srcB = srcA + (<usize>T << 2);
    for (let tr = 0; tr < TR; tr++) {
      const oh0 = (R0 + 2 * tr) * SH + rH - PT, oh1 = oh0 + SH;
      const in0 = <u32>oh0 < <u32>OH, in1 = <u32>oh1 < <u32>OH;
      if (!in0 && !in1) continue;
      const row0 = yplane + (<usize>(oh0 * OW) << 2), row1 = yplane + (<usize>(oh1 * OW) << 2);
      let tc = 0;
      while (tc < TC) {
        const ow = (C0 + 2 * tc) * 2 - PL; // rW = 0, b = 0, lane 0
        const t = <usize>(tr * TC + tc) << 2;
        if (tc + 4 <= TC && ow >= 0 && ow + 15 < OW) {
          let s = srcA + t;
          let m0 = v128.load(s), m1 = v128.load(s + plane), m2 = v128.load(s + 2 * plane);
          let m3 = v128.load(s + 3 * plane), m4 = v128.load(s + 4 * plane), m5 = v128.load(s + 5 * plane);
          let m6 = v128.load(s + 6 * plane), m7 = v128.load(s + 7 * plane), m8 = v128.load(s + 8 * plane);
          let z0 = f32x4.add(m0, m3), z1 = f32x4.add(m1, m4), z2 = f32x4.add(m2, m5);
          const a00 = f32x4.add(f32x4.add(z0, z1), bv), a01 = f32x4.add(f32x4.add(z1, z2), bv);
          z0 = f32x4.add(m3, m6); z1 = f32x4.add(m4, m7); z2 = f32x4.add(m5, m8);
          const a10 = f32x4.add(f32x4.add(z0, z1), bv), a11 = f32x4.add(f32x4.add(z1, z2), bv);
          s = srcB + t;
          m0 = v128.load(s); m1 = v128.load(s + plane); m2 = v128.load(s + 2 * plane);
          m3 = v128.load(s + 3 * plane); m4 = v128.load(s + 4 * plane); m5 = v128.load(s + 5 * plane);
          m6 = v128.load(s + 6 * plane); m7 = v128.load(s + 7 * plane); m8 = v128.load(s + 8 * plane);
          z0 = f32x4.add(m0, m3); z1 = f32x4.add(m1, m4); z2 = f32x4.add(m2, m5);
          const b00 = f32x4.add(f32x4.add(z0, z1), bv), b01 = f32x4.add(f32x4.add(z1, z2), bv);
          z0 = f32x4.add(m3, m6); z1 = f32x4.add(m4, m7); z2 = f32x4.add(m5, m8);
          const b10 = f32x4.add(f32x4.add(z0, z1), bv), b11 = f32x4.add(f32x4.add(z1, z2), bv);
          if (in0) zipStore(row0 + (<usize>ow << 2), a00, b00, a01, b01);
          if (in1) zipStore(row1 + (<usize>ow << 2), a10, b10, a11, b11);
          tc += 4;
        } else {
          outputTile(srcA + t, plane, row0, row1, in0, in1, ow, 2, OW, bs);
          outputTile(srcB + t, plane, row0, row1, in0, in1, ow + 1, 2, OW, bs);
          tc++;
        }
      }
    }
  }
}

/** q[4l + j] = [a0, b0, a1, b1][j][l]: four vectors of 4 lanes zipped lane by lane (a 4×4 transpose). */
@inline function zipStore(q: usize, a0: v128, b0: v128, a1: v128, b1: v128): void {
  const t0 = v128.shuffle<f32>(a0, b0, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a0, b0, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(a1, b1, 0, 4, 1, 5), t3 = v128.shuffle<f32>(a1, b1, 2, 6, 3, 7);
  v128.store(q, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(q, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
  v128.store(q, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
  v128.store(q, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
}

/**
 * Per row ρ = (m·SH + rH)·SW + rW and tile t: Z = Aᵀ M (Z0 = M0 + M1, Z1 = M1 + M2 by rows), then
 * Y[a][0] = Z[a][0] + Z[a][1], Y[a][1] = Z[a][1] + Z[a][2]; Y[a][b] + bias[m] goes to
 * y[m, (R0 + 2tr + a)·SH + rH − PT, (C0 + 2tc + b)·SW + rW − PL] when inside y. SW = 2 (the k4 s2
 * decoders): outputPairs, whole vectors. Otherwise four tiles of a tile row a vector (their outputs
 * are 2·SW apart, stored lane by lane), the last TC mod 4 one at a time.
 */
export function f32_phase_winograd_output__simd(p: usize): void {
  const q = changetype<PhaseWinogradParams>(p);
  if (q.SW == 2) {
    outputPairs(q);
    return;
  }
  const SH = q.SH, SW = q.SW, PT = q.PT, PL = q.PL, OH = q.OH, OW = q.OW, R0 = q.R0, C0 = q.C0, TR = q.TR, TC = q.TC;
  const rows = q.M * SH * SW, T = TR * TC;
  const plane = <usize>(rows * T) << 2; // floats of one P_e
  const step = 2 * SW;
  for (let rho = 0; rho < rows; rho++) {
    const m = rho / (SH * SW), rH = (rho / SW) % SH, rW = rho % SW;
    const bs: f32 = q.bias != 0 ? load<f32>(q.bias + (<usize>m << 2)) : 0;
    const bv = f32x4.splat(bs);
    const yplane = q.dst + (<usize>(m * OH) << 2) * <usize>OW;
    const src = q.src + (<usize>(rho * T) << 2);
    for (let tr = 0; tr < TR; tr++) {
      const oh0 = (R0 + 2 * tr) * SH + rH - PT, oh1 = oh0 + SH;
      const in0 = <u32>oh0 < <u32>OH, in1 = <u32>oh1 < <u32>OH;
      if (!in0 && !in1) continue;
      const row0 = yplane + (<usize>(oh0 * OW) << 2), row1 = yplane + (<usize>(oh1 * OW) << 2);
      let tc = 0;
      for (; tc + 4 <= TC; tc += 4) {
        const s = src + (<usize>(tr * TC + tc) << 2);
        const m0 = v128.load(s), m1 = v128.load(s + plane), m2 = v128.load(s + 2 * plane);
        const m3 = v128.load(s + 3 * plane), m4 = v128.load(s + 4 * plane), m5 = v128.load(s + 5 * plane);
        const m6 = v128.load(s + 6 * plane), m7 = v128.load(s + 7 * plane), m8 = v128.load(s + 8 * plane);
        const z00 = f32x4.add(m0, m3), z01 = f32x4.add(m1, m4), z02 = f32x4.add(m2, m5);
        const z10 = f32x4.add(m3, m6), z11 = f32x4.add(m4, m7), z12 = f32x4.add(m5, m8);
        const ow = (C0 + 2 * tc) * SW + rW - PL;
        if (in0) {
          storeLanes(row0, f32x4.add(f32x4.add(z00, z01), bv), ow, step, OW);
          storeLanes(row0, f32x4.add(f32x4.add(z01, z02), bv), ow + SW, step, OW);
        }
        if (in1) {
          storeLanes(row1, f32x4.add(f32x4.add(z10, z11), bv), ow, step, OW);
          storeLanes(row1, f32x4.add(f32x4.add(z11, z12), bv), ow + SW, step, OW);
        }
      }
      for (; tc < TC; tc++) {
        outputTile(src + (<usize>(tr * TC + tc) << 2), plane, row0, row1, in0, in1, (C0 + 2 * tc) * SW + rW - PL, SW, OW, bs);
      }
    }
  }
}

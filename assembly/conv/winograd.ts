// Winograd F(2×2,3×3) transforms (Lavin & Gray 2015, "Fast Algorithms for Convolutional Neural
// Networks"): y_tile = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ)] A for a 4×4 input patch d and a 3×3 filter g, with
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
//   Aᵀ = [1 1 1 0; 0 1 −1 −1].
// The element-wise products summed over channels are 16 GEMMs (the TS side runs them with
// f32_gemm__simd): M[e] [Mo×T] = U[e] [Mo×C] · V[e] [C×T]. Input and output transforms take four
// tiles of a row at once, one tile per v128 lane; the block is WinogradParams (params.ts).
// Reference with the same ABI: winograd-ref.ts.
import { WinogradParams } from "../params";
import { gatherTiles, loadLanes, storeLanes } from "./tile-lanes";

/**
 * Input transform of one band: V[e][c][t] = (Bᵀ d B)[e], e = 4i + j, d the 4×4 patch of x[c] at
 * (2th − PT, 2tw − PL) with zeros outside the image.
 */
export function f32_winograd_input__simd(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const C = q.C, H = q.H, W = q.W, TW = (q.OW + 1) >> 1, T = q.rows * TW;
  const plane = <usize>(H * W) << 2;
  const eStride = <usize>(C * T) << 2; // bytes between V[e][c][t] and V[e + 1][c][t]
  for (let c = 0; c < C; c++) {
    const xc = q.src + <usize>c * plane;
    for (let r = 0; r < q.rows; r++) {
      const ih = 2 * (q.th0 + r) - q.PT;
      // the patch's four input rows (0: a padding row)
      const r0: usize = ih >= 0 && ih < H ? xc + (<usize>(ih * W) << 2) : 0;
      const r1: usize = ih + 1 >= 0 && ih + 1 < H ? xc + (<usize>((ih + 1) * W) << 2) : 0;
      const r2: usize = ih + 2 >= 0 && ih + 2 < H ? xc + (<usize>((ih + 2) * W) << 2) : 0;
      const r3: usize = ih + 3 >= 0 && ih + 3 < H ? xc + (<usize>((ih + 3) * W) << 2) : 0;
      const rowsInside = r0 != 0 && r3 != 0;
      for (let tw = 0; tw < TW; tw += 4) {
        const n = min(4, TW - tw);
        const iw = 2 * tw - q.PL;
        // d_ij: row i, column j of the four patches (lane k = tile tw + k)
        let d00: v128, d01: v128, d02: v128, d03: v128, d10: v128, d11: v128, d12: v128, d13: v128;
        let d20: v128, d21: v128, d22: v128, d23: v128, d30: v128, d31: v128, d32: v128, d33: v128;
        if (rowsInside && n == 4 && iw >= 0 && iw + 9 < W) {
          // columns iw … iw + 9 of each row: even/odd lanes of three loads are the four columns
          const o = <usize>iw << 2;
          let a = v128.load(r0 + o), b = v128.load(r0 + o + 16), e = v128.load64_zero(r0 + o + 32);
          d00 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d01 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          d02 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 4, 6, 0), e, 0, 1, 2, 4);
          d03 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 3, 5, 7, 0), e, 0, 1, 2, 5);
          a = v128.load(r1 + o); b = v128.load(r1 + o + 16); e = v128.load64_zero(r1 + o + 32);
          d10 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d11 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          d12 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 4, 6, 0), e, 0, 1, 2, 4);
          d13 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 3, 5, 7, 0), e, 0, 1, 2, 5);
          a = v128.load(r2 + o); b = v128.load(r2 + o + 16); e = v128.load64_zero(r2 + o + 32);
          d20 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d21 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          d22 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 4, 6, 0), e, 0, 1, 2, 4);
          d23 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 3, 5, 7, 0), e, 0, 1, 2, 5);
          a = v128.load(r3 + o); b = v128.load(r3 + o + 16); e = v128.load64_zero(r3 + o + 32);
          d30 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d31 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          d32 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 4, 6, 0), e, 0, 1, 2, 4);
          d33 = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 3, 5, 7, 0), e, 0, 1, 2, 5);
        } else {
          d00 = gatherTiles(r0, iw, W, 0, n, 2); d01 = gatherTiles(r0, iw, W, 1, n, 2); d02 = gatherTiles(r0, iw, W, 2, n, 2); d03 = gatherTiles(r0, iw, W, 3, n, 2);
          d10 = gatherTiles(r1, iw, W, 0, n, 2); d11 = gatherTiles(r1, iw, W, 1, n, 2); d12 = gatherTiles(r1, iw, W, 2, n, 2); d13 = gatherTiles(r1, iw, W, 3, n, 2);
          d20 = gatherTiles(r2, iw, W, 0, n, 2); d21 = gatherTiles(r2, iw, W, 1, n, 2); d22 = gatherTiles(r2, iw, W, 2, n, 2); d23 = gatherTiles(r2, iw, W, 3, n, 2);
          d30 = gatherTiles(r3, iw, W, 0, n, 2); d31 = gatherTiles(r3, iw, W, 1, n, 2); d32 = gatherTiles(r3, iw, W, 2, n, 2); d33 = gatherTiles(r3, iw, W, 3, n, 2);
        }
        // Bᵀ d (on rows): s0 = d0 − d2, s1 = d1 + d2, s2 = d2 − d1, s3 = d1 − d3
        const s00 = f32x4.sub(d00, d20), s01 = f32x4.sub(d01, d21), s02 = f32x4.sub(d02, d22), s03 = f32x4.sub(d03, d23);
        const s10 = f32x4.add(d10, d20), s11 = f32x4.add(d11, d21), s12 = f32x4.add(d12, d22), s13 = f32x4.add(d13, d23);
        const s20 = f32x4.sub(d20, d10), s21 = f32x4.sub(d21, d11), s22 = f32x4.sub(d22, d12), s23 = f32x4.sub(d23, d13);
        const s30 = f32x4.sub(d10, d30), s31 = f32x4.sub(d11, d31), s32 = f32x4.sub(d12, d32), s33 = f32x4.sub(d13, d33);
        // (Bᵀ d) B (on columns, the same combination), stored at V[4i + j][c][t]
        const v = q.dst + (<usize>(c * T + r * TW + tw) << 2);
        storeLanes(v, f32x4.sub(s00, s02), n); storeLanes(v + eStride, f32x4.add(s01, s02), n);
        storeLanes(v + 2 * eStride, f32x4.sub(s02, s01), n); storeLanes(v + 3 * eStride, f32x4.sub(s01, s03), n);
        storeLanes(v + 4 * eStride, f32x4.sub(s10, s12), n); storeLanes(v + 5 * eStride, f32x4.add(s11, s12), n);
        storeLanes(v + 6 * eStride, f32x4.sub(s12, s11), n); storeLanes(v + 7 * eStride, f32x4.sub(s11, s13), n);
        storeLanes(v + 8 * eStride, f32x4.sub(s20, s22), n); storeLanes(v + 9 * eStride, f32x4.add(s21, s22), n);
        storeLanes(v + 10 * eStride, f32x4.sub(s22, s21), n); storeLanes(v + 11 * eStride, f32x4.sub(s21, s23), n);
        storeLanes(v + 12 * eStride, f32x4.sub(s30, s32), n); storeLanes(v + 13 * eStride, f32x4.add(s31, s32), n);
        storeLanes(v + 14 * eStride, f32x4.sub(s32, s31), n); storeLanes(v + 15 * eStride, f32x4.sub(s31, s33), n);
      }
    }
  }
}

/** Stores lane k of the pair (a, b) at y + 8k (a) and y + 8k + 4 (b) for the tiles k < n whose column 2(tw + k) (+1 for b) is < OW. */
function storePairs(y: usize, a: v128, b: v128, ow: i32, OW: i32, n: i32): void {
  store<f32>(y, f32x4.extract_lane(a, 0));
  if (ow + 1 < OW) store<f32>(y + 4, f32x4.extract_lane(b, 0));
  if (n > 1) { store<f32>(y + 8, f32x4.extract_lane(a, 1)); if (ow + 3 < OW) store<f32>(y + 12, f32x4.extract_lane(b, 1)); }
  if (n > 2) { store<f32>(y + 16, f32x4.extract_lane(a, 2)); if (ow + 5 < OW) store<f32>(y + 20, f32x4.extract_lane(b, 2)); }
  if (n > 3) { store<f32>(y + 24, f32x4.extract_lane(a, 3)); if (ow + 7 < OW) store<f32>(y + 28, f32x4.extract_lane(b, 3)); }
}

/**
 * Output transform of one band: y[c, 2th + i, 2tw + j] = (Aᵀ m A)[i][j] + bias[c] for m the 4×4
 * M[·][c][t], rows and columns past OH, OW left out (the partial tiles at the bottom and right).
 */
export function f32_winograd_output__simd(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const C = q.C, OH = q.OH, OW = q.OW, TW = (OW + 1) >> 1, T = q.rows * TW;
  const eStride = <usize>(C * T) << 2;
  for (let c = 0; c < C; c++) {
    const bias = f32x4.splat(q.bias != 0 ? load<f32>(q.bias + (<usize>c << 2)) : 0);
    const yc = q.dst + (<usize>(c * OH * OW) << 2);
    for (let r = 0; r < q.rows; r++) {
      const oh = 2 * (q.th0 + r);
      const y0 = yc + (<usize>(oh * OW) << 2), y1 = y0 + (<usize>OW << 2);
      const second = oh + 1 < OH;
      for (let tw = 0; tw < TW; tw += 4) {
        const n = min(4, TW - tw);
        const m = q.src + (<usize>(c * T + r * TW + tw) << 2);
        // Aᵀ m (on rows): a0 = m0 + m1 + m2, a1 = m1 − m2 − m3, for each column j
        const m00 = loadLanes(m, n), m01 = loadLanes(m + eStride, n), m02 = loadLanes(m + 2 * eStride, n), m03 = loadLanes(m + 3 * eStride, n);
        const m10 = loadLanes(m + 4 * eStride, n), m11 = loadLanes(m + 5 * eStride, n), m12 = loadLanes(m + 6 * eStride, n), m13 = loadLanes(m + 7 * eStride, n);
        const m20 = loadLanes(m + 8 * eStride, n), m21 = loadLanes(m + 9 * eStride, n), m22 = loadLanes(m + 10 * eStride, n), m23 = loadLanes(m + 11 * eStride, n);
        const m30 = loadLanes(m + 12 * eStride, n), m31 = loadLanes(m + 13 * eStride, n), m32 = loadLanes(m + 14 * eStride, n), m33 = loadLanes(m + 15 * eStride, n);
        const a00 = f32x4.add(f32x4.add(m00, m10), m20), a01 = f32x4.add(f32x4.add(m01, m11), m21);
        const a02 = f32x4.add(f32x4.add(m02, m12), m22), a03 = f32x4.add(f32x4.add(m03, m13), m23);
        const a10 = f32x4.sub(f32x4.sub(m10, m20), m30), a11 = f32x4.sub(f32x4.sub(m11, m21), m31);
        const a12 = f32x4.sub(f32x4.sub(m12, m22), m32), a13 = f32x4.sub(f32x4.sub(m13, m23), m33);
        // (Aᵀ m) A (on columns), plus the bias
        const y00 = f32x4.add(f32x4.add(f32x4.add(a00, a01), a02), bias);
        const y01 = f32x4.add(f32x4.sub(f32x4.sub(a01, a02), a03), bias);
        const y10 = f32x4.add(f32x4.add(f32x4.add(a10, a11), a12), bias);
        const y11 = f32x4.add(f32x4.sub(f32x4.sub(a11, a12), a13), bias);
        const ow = 2 * tw, o = <usize>ow << 2;
        if (n == 4 && ow + 7 < OW) {
          // four whole tiles: interleave columns 2k, 2k + 1 into eight contiguous outputs a row
          v128.store(y0 + o, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
          v128.store(y0 + o + 16, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7));
          if (second) {
            v128.store(y1 + o, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
            v128.store(y1 + o + 16, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7));
          }
        } else {
          storePairs(y0 + o, y00, y01, ow, OW, n);
          if (second) storePairs(y1 + o, y10, y11, ow, OW, n);
        }
      }
    }
  }
}

/** Stores Gᵀ applied on the right to the row (t0, t1, t2) of G g: U[4i + 0…3][m][c] at `out`, eStride bytes apart. */
@inline function storeRow(out: usize, eStride: usize, i: i32, t0: f32, t1: f32, t2: f32): void {
  const e = out + <usize>(4 * i) * eStride;
  store<f32>(e, t0);
  store<f32>(e + eStride, 0.5 * (t0 + t1 + t2));
  store<f32>(e + 2 * eStride, 0.5 * (t0 - t1 + t2));
  store<f32>(e + 3 * eStride, t2);
}

/**
 * Weight transform: w [M, C, 3, 3] → U [16][M][C], U[e][m][c] = (G g Gᵀ)[e] for g = w[m, c]
 * (e = 4i + j). G g: rows u0 = g0, u1 = (g0 + g1 + g2)/2, u2 = (g0 − g1 + g2)/2, u3 = g2 (gᵢ the
 * filter's rows); then the same combination of each row's columns (storeRow).
 */
export function f32_winograd_weights__scalar(w: usize, M: i32, C: i32, u: usize): void {
  const eStride = <usize>(M * C) << 2;
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) {
    const g = w + (<usize>((m * C + c) * 9) << 2);
    const out = u + (<usize>(m * C + c) << 2);
    const g00 = load<f32>(g), g01 = load<f32>(g + 4), g02 = load<f32>(g + 8);
    const g10 = load<f32>(g + 12), g11 = load<f32>(g + 16), g12 = load<f32>(g + 20);
    const g20 = load<f32>(g + 24), g21 = load<f32>(g + 28), g22 = load<f32>(g + 32);
    storeRow(out, eStride, 0, g00, g01, g02);
    storeRow(out, eStride, 1, 0.5 * (g00 + g10 + g20), 0.5 * (g01 + g11 + g21), 0.5 * (g02 + g12 + g22));
    storeRow(out, eStride, 2, 0.5 * (g00 - g10 + g20), 0.5 * (g01 - g11 + g21), 0.5 * (g02 - g12 + g22));
    storeRow(out, eStride, 3, g20, g21, g22);
  }
}

// ---- The weight gradient (src/ops/conv-engine/winograd-weight-gradient.ts) ----
// y_tile = Aᵀ [Σ_c U[c] ⊙ V[c]] A, so for a loss L with dy = ∂L/∂y:
//   dM = A · dy_tile · Aᵀ            (the adjoint of the output transform: 2×2 → 4×4)
//   dU[e][m][c] = Σ_tiles dM[e][m][t] · V[e][c][t]   (16 GEMMs on the TS side)
//   dw[m, c] = Gᵀ · dU[m][c] · G     (the adjoint of the weight transform: 4×4 → 3×3)

/** Stores the four entries (u, u + v, u − v, −v) of one row of A·(u v)ᵀ… at dM[4a + 0…3], eStride bytes apart. */
@inline function storeAdjointRow(p: usize, eStride: usize, a: i32, u: v128, v: v128, n: i32): void {
  const e = p + <usize>(4 * a) * eStride;
  storeLanes(e, u, n);
  storeLanes(e + eStride, f32x4.add(u, v), n);
  storeLanes(e + 2 * eStride, f32x4.sub(u, v), n);
  storeLanes(e + 3 * eStride, f32x4.neg(v), n);
}

/**
 * Adjoint of the output transform over one band (WinogradParams: C channels of dy, OH, OW, th0,
 * rows; src dy [C, OH, OW], dst dM [16][C][T]; H, W, PT, PL, bias unused):
 *   dM[4a + b][c][t] = Σ_{i,j<2} Aᵀ[i][a] · dy[c, 2th + i, 2tw + j] · Aᵀ[j][b],  dy = 0 past OH, OW.
 * Aᵀ = [1 1 1 0; 0 1 −1 −1], so a column (y0, y1) maps to (y0, y0 + y1, y0 − y1, −y1), on rows
 * then on columns. Four tiles a vector, lane k = tile tw + k. Reference: winograd-ref.ts.
 */
export function f32_winograd_output_adjoint__simd(p: usize): void {
  const q = changetype<WinogradParams>(p);
  const C = q.C, OH = q.OH, OW = q.OW, TW = (OW + 1) >> 1, T = q.rows * TW;
  const eStride = <usize>(C * T) << 2;
  for (let c = 0; c < C; c++) {
    const yc = q.src + (<usize>(c * OH * OW) << 2);
    for (let r = 0; r < q.rows; r++) {
      const oh = 2 * (q.th0 + r);
      const y0 = yc + (<usize>(oh * OW) << 2);
      const y1: usize = oh + 1 < OH ? y0 + (<usize>OW << 2) : 0; // 0: the tile's second row is past OH
      for (let tw = 0; tw < TW; tw += 4) {
        const n = min(4, TW - tw);
        const ow = 2 * tw, o = <usize>ow << 2;
        // yij: row i, column j of the four dy tiles
        let y00: v128, y01: v128, y10: v128, y11: v128;
        if (n == 4 && ow + 7 < OW) {
          // eight contiguous outputs a row: even lanes column 0, odd lanes column 1
          let a = v128.load(y0 + o), b = v128.load(y0 + o + 16);
          y00 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); y01 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          if (y1 != 0) {
            a = v128.load(y1 + o); b = v128.load(y1 + o + 16);
            y10 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); y11 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
          } else {
            y10 = f32x4.splat(0); y11 = f32x4.splat(0);
          }
        } else {
          y00 = gatherTiles(y0, ow, OW, 0, n, 2); y01 = gatherTiles(y0, ow, OW, 1, n, 2);
          y10 = gatherTiles(y1, ow, OW, 0, n, 2); y11 = gatherTiles(y1, ow, OW, 1, n, 2);
        }
        // A · dy (on rows): row a of the 4×2 result, columns j = 0, 1
        //   a = 0: y0j,  a = 1: y0j + y1j,  a = 2: y0j − y1j,  a = 3: −y1j
        const s10 = f32x4.add(y00, y10), s11 = f32x4.add(y01, y11);
        const s20 = f32x4.sub(y00, y10), s21 = f32x4.sub(y01, y11);
        // (A · dy) · Aᵀ (on columns), stored at dM[4a + b][c][t]
        const m = q.dst + (<usize>(c * T + r * TW + tw) << 2);
        storeAdjointRow(m, eStride, 0, y00, y01, n);
        storeAdjointRow(m, eStride, 1, s10, s11, n);
        storeAdjointRow(m, eStride, 2, s20, s21, n);
        storeAdjointRow(m, eStride, 3, f32x4.neg(y10), f32x4.neg(y11), n);
      }
    }
  }
}

/** Stores the row (t0 + ½(t1 + t2), ½(t1 − t2), ½(t1 + t2) + t3) of (Gᵀ dU) G at dw + 12a bytes. */
@inline function storeAdjointWeightRow(g: usize, a: i32, t0: f32, t1: f32, t2: f32, t3: f32): void {
  const h = <f32>0.5 * (t1 + t2), o = g + <usize>(12 * a);
  store<f32>(o, t0 + h);
  store<f32>(o + 4, <f32>0.5 * (t1 - t2));
  store<f32>(o + 8, h + t3);
}

/**
 * Adjoint of the weight transform: dU [16][M][C] → dw [M, C, 3, 3],
 *   dw[m, c, a, b] = Σ_{i,j<4} G[i][a] · dU[4i + j][m][c] · G[j][b]   (dw = Gᵀ dU G).
 * Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]: a row (u0, u1, u2, u3) of four maps to
 * (u0 + ½(u1 + u2), ½(u1 − u2), ½(u1 + u2) + u3), on rows i then on columns j.
 */
export function f32_winograd_weights_adjoint__scalar(du: usize, M: i32, C: i32, dw: usize): void {
  const eStride = <usize>(M * C) << 2;
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) {
    const u = du + (<usize>(m * C + c) << 2);
    const g = dw + (<usize>((m * C + c) * 9) << 2);
    // uij = dU[4i + j][m][c]
    const u00 = load<f32>(u), u01 = load<f32>(u + eStride), u02 = load<f32>(u + 2 * eStride), u03 = load<f32>(u + 3 * eStride);
    const u10 = load<f32>(u + 4 * eStride), u11 = load<f32>(u + 5 * eStride), u12 = load<f32>(u + 6 * eStride), u13 = load<f32>(u + 7 * eStride);
    const u20 = load<f32>(u + 8 * eStride), u21 = load<f32>(u + 9 * eStride), u22 = load<f32>(u + 10 * eStride), u23 = load<f32>(u + 11 * eStride);
    const u30 = load<f32>(u + 12 * eStride), u31 = load<f32>(u + 13 * eStride), u32 = load<f32>(u + 14 * eStride), u33 = load<f32>(u + 15 * eStride);
    // Gᵀ dU on rows: hj = ½(u1j + u2j); row 0 = u0j + hj, row 1 = ½(u1j − u2j), row 2 = hj + u3j
    const h0 = <f32>0.5 * (u10 + u20), h1 = <f32>0.5 * (u11 + u21), h2 = <f32>0.5 * (u12 + u22), h3 = <f32>0.5 * (u13 + u23);
    // (Gᵀ dU) G on columns, one dw row a at a time
    storeAdjointWeightRow(g, 0, u00 + h0, u01 + h1, u02 + h2, u03 + h3);
    storeAdjointWeightRow(g, 1, <f32>0.5 * (u10 - u20), <f32>0.5 * (u11 - u21), <f32>0.5 * (u12 - u22), <f32>0.5 * (u13 - u23));
    storeAdjointWeightRow(g, 2, h0 + u30, h1 + u31, h2 + u32, h3 + u33);
  }
}

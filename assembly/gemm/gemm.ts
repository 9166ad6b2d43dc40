// f32 GEMM, packed and register-blocked: C[M×N] = alpha·op(A)[M×K]·op(B)[K×N] + beta·C.
// Goto/BLIS loop order: for each NC-column block of B and KC-deep slice, B is packed into
// NR-wide panels ([KC][NR], zero-padded); for each MC-row block, A is packed (times alpha) into
// MR-tall panels ([KC][MR], zero-padded); a 4×8 SIMD microkernel keeps 8 v128 accumulators in
// registers and adds its tile into C. Reference with the same ABI: gemm-ref.ts.
// Workspace (GemmParams.work): f32_gemm_workspace_bytes(M, N, K) bytes, 16-byte aligned.
// A constant A (a layer's weights) can be packed once (f32_gemm_pack_a__simd: MR-row panels of the
// whole depth) and passed to f32_gemm_prepacked__simd, which then packs only B (times alpha): when
// N is small (a transposed convolution of a 4×4 map, N = 16) packing A is most of the work, and a
// transposed A with a power-of-two leading dimension packs at cache-conflict speed.
// Narrow tiles (nr ≤ 4 columns, e.g. N = 1: a matrix–vector product) run on 4×1 / 4×4
// microkernels that read each packed A value once per column instead of computing 8 columns.
import { GemmParams } from "../params";

const MR: i32 = 4; // microkernel rows (A broadcast by load32_splat)
const NR: i32 = 8; // microkernel columns (two v128 of B)
const KC: i32 = 256; // depth of a packed slice: an A panel (4 KB) + a B panel (8 KB) sit in L1
const MC: i32 = 72; // rows of packed A per block: 72 KB, stays in L2
const NC: i32 = 2048; // columns of packed B per block: 2 MB, streams from L2/L3

@inline function roundUp(x: i32, m: i32): i32 {
  return (x + m - 1) / m * m;
}

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}

/** Bytes of workspace `f32_gemm__simd` needs for these sizes (packed A, packed B, a tail tile). */
export function f32_gemm_workspace_bytes(M: i32, N: i32, K: i32): i32 {
  const kc = min(KC, max(K, 1));
  const mc = roundUp(min(MC, max(M, 1)), MR);
  const nc = roundUp(min(NC, max(N, 1)), NR);
  return (kc * mc + kc * nc + MR * NR) << 2;
}

/** C ← beta·C over an M×N block with row stride ldc (beta = 0 writes zeros, ignoring NaN in C). */
function scaleC(c: usize, M: i32, N: i32, ldc: i32, beta: f32): void {
  if (beta == 1) return;
  for (let i = 0; i < M; i++) {
    const row = c + (<usize>(i * ldc) << 2);
    if (beta == 0) {
      memory.fill(row, 0, <usize>N << 2);
    } else {
      for (let j = 0; j < N; j++) {
        const q = row + (<usize>j << 2);
        store<f32>(q, load<f32>(q) * beta);
      }
    }
  }
}

/**
 * Loads four rows of four floats (rows `rowBytes` apart from `src`) and stores them transposed
 * and scaled: column t of the block, times `scale`, goes to dst + t·dstStep.
 */
@inline function transpose4(src: usize, rowBytes: usize, dst: usize, dstStep: usize, scale: v128): void {
  const r0 = v128.load(src), r1 = v128.load(src + rowBytes);
  const r2 = v128.load(src + 2 * rowBytes), r3 = v128.load(src + 3 * rowBytes);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.mul(v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), scale));
  v128.store(dst + dstStep, f32x4.mul(v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), scale));
  v128.store(dst + 2 * dstStep, f32x4.mul(v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), scale));
  v128.store(dst + 3 * dstStep, f32x4.mul(v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), scale));
}

/**
 * Packs op(A)[i0 : i0+mc, p0 : p0+kc]·alpha into MR-row panels: panel r holds, for k = 0…kc−1,
 * the MR values op(A)[i0 + r·MR + t, p0 + k] (t = 0…3) contiguously; rows past mc are zero.
 * op(A)[i, k] = A[i·lda + k], or A[k·lda + i] when transposed.
 * Full panels move four values at a time: transposed, the MR values of one k are contiguous in A;
 * not transposed, a 4×4 block (4 rows × 4 k) is loaded row-wise and transposed in registers.
 * The packing is O(M·K) against the O(M·N·K) product, but it dominates when N is small (a
 * fully connected layer on a few positions), so it is vectorised too.
 */
function packA(dst: usize, a: usize, lda: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, alpha: f32): void {
  const scale = f32x4.splat(alpha);
  let r0 = 0;
  if (transA) {
    // Four panels at a time: per k, the 16 values op(A)[i..i+15, k] are one 64-byte run of A, read
    // whole and split over the four panels. Panel by panel, each k would read 16 bytes of a line
    // that (lda a power of two: lines lda·4 bytes apart share a cache set) is gone before the
    // next panel reads the rest.
    const panelBytes = <usize>(kc * MR) << 2;
    for (; r0 + 4 * MR <= mc; r0 += 4 * MR) {
      let s = a + (<usize>(p0 * lda + i0 + r0) << 2);
      let q = dst + (<usize>(r0 * kc) << 2);
      for (let k = 0; k < kc; k++) {
        v128.store(q, f32x4.mul(v128.load(s), scale));
        v128.store(q + panelBytes, f32x4.mul(v128.load(s, 16), scale));
        v128.store(q + 2 * panelBytes, f32x4.mul(v128.load(s, 32), scale));
        v128.store(q + 3 * panelBytes, f32x4.mul(v128.load(s, 48), scale));
        q += MR << 2;
        s += <usize>lda << 2;
      }
    }
  }
  for (let r = r0; r < mc; r += MR) {
    const rows = min(MR, mc - r);
    const panel = dst + (<usize>(r * kc) << 2);
    const i = i0 + r;
    if (rows == MR && transA) {
      let s = a + (<usize>(p0 * lda + i) << 2);
      let q = panel;
      for (let k = 0; k < kc; k++) {
        v128.store(q, f32x4.mul(v128.load(s), scale));
        q += MR << 2;
        s += <usize>lda << 2;
      }
      continue;
    }
    let k = 0;
    if (rows == MR) {
      const rowBytes = <usize>lda << 2;
      let s = a + (<usize>(i * lda + p0) << 2);
      let q = panel;
      for (; k + 4 <= kc; k += 4) {
        transpose4(s, rowBytes, q, MR << 2, scale);
        q += MR << 4;
        s += 16;
      }
    }
    // What is left: the last k < 4 of a full panel, or a partial panel (zero rows past mc).
    for (let t = 0; t < MR; t++) {
      let q = panel + (<usize>(k * MR + t) << 2);
      if (t >= rows) {
        for (let kk = k; kk < kc; kk++) { store<f32>(q, 0); q += MR << 2; }
        continue;
      }
      if (!transA) {
        let s = a + (<usize>((i + t) * lda + p0 + k) << 2);
        for (let kk = k; kk < kc; kk++) { store<f32>(q, load<f32>(s) * alpha); q += MR << 2; s += 4; }
      } else {
        let s = a + (<usize>((p0 + k) * lda + i + t) << 2);
        for (let kk = k; kk < kc; kk++) { store<f32>(q, load<f32>(s) * alpha); q += MR << 2; s += <usize>lda << 2; }
      }
    }
  }
}

/**
 * Packs op(B)[p0 : p0+kc, j0 : j0+nc]·scale into NR-column panels: panel c holds, for k = 0…kc−1,
 * the NR values op(B)[p0 + k, j0 + c·NR + t] contiguously; columns past nc are zero.
 * op(B)[k, j] = B[k·ldb + j], or B[j·ldb + k] when transposed. scale is alpha when A comes
 * prepacked (times 1), else 1 (x·1 = x: the same bits).
 */
function packB(dst: usize, b: usize, ldb: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  for (let c = 0; c < nc; c += NR) {
    const cols = min(NR, nc - c);
    let q = dst + (<usize>(c * kc) << 2);
    if (!transB && cols == NR) {
      let s = b + (<usize>(p0 * ldb + j0 + c) << 2);
      for (let k = 0; k < kc; k++) {
        v128.store(q, f32x4.mul(v128.load(s), sv));
        v128.store(q, f32x4.mul(v128.load(s, 16), sv), 16);
        q += NR << 2;
        s += <usize>ldb << 2;
      }
      continue;
    }
    let k0 = 0;
    if (transB && cols == NR) {
      // op(B)[k, j] = B[j·ldb + k]: load 8 rows × 4 k, transpose each 4×4 half in registers.
      const rowBytes = <usize>ldb << 2;
      let s = b + (<usize>((j0 + c) * ldb + p0) << 2);
      for (; k0 + 4 <= kc; k0 += 4) {
        transpose4(s, rowBytes, q, NR << 2, sv);
        transpose4(s + 4 * rowBytes, rowBytes, q + 16, NR << 2, sv);
        q += NR << 4;
        s += 16;
      }
    }
    for (let k = k0; k < kc; k++) {
      for (let t = 0; t < NR; t++) {
        let v: f32 = 0;
        if (t < cols) {
          const j = j0 + c + t;
          const p = p0 + k;
          v = (transB ? load<f32>(b + (<usize>(j * ldb + p) << 2)) : load<f32>(b + (<usize>(p * ldb + j) << 2))) * scale;
        }
        store<f32>(q + (<usize>t << 2), v);
      }
      q += NR << 2;
    }
  }
}

/**
 * 4×8 microkernel: C[0:mr, 0:nr] (+)= Σ_k Ap[k][0:4]ᵀ·Bp[k][0:8] over kc steps: it overwrites C
 * when `first` (the first depth slice with beta = 0, so C is never read), else adds into it. A
 * full tile stores straight into C; a partial tile (mr < 4 or nr < 8) goes through `tail`.
 */
@inline function micro4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32, tail: usize, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += MR << 2;
    bp += NR << 2;
  }
  const rowBytes = <usize>ldc << 2;
  if (mr == MR && nr == NR && first) {
    let r = c;
    v128.store(r, c00); v128.store(r, c01, 16); r += rowBytes;
    v128.store(r, c10); v128.store(r, c11, 16); r += rowBytes;
    v128.store(r, c20); v128.store(r, c21, 16); r += rowBytes;
    v128.store(r, c30); v128.store(r, c31, 16);
    return;
  }
  if (mr == MR && nr == NR) {
    let r = c;
    v128.store(r, f32x4.add(v128.load(r), c00)); v128.store(r, f32x4.add(v128.load(r, 16), c01), 16); r += rowBytes;
    v128.store(r, f32x4.add(v128.load(r), c10)); v128.store(r, f32x4.add(v128.load(r, 16), c11), 16); r += rowBytes;
    v128.store(r, f32x4.add(v128.load(r), c20)); v128.store(r, f32x4.add(v128.load(r, 16), c21), 16); r += rowBytes;
    v128.store(r, f32x4.add(v128.load(r), c30)); v128.store(r, f32x4.add(v128.load(r, 16), c31), 16);
    return;
  }
  v128.store(tail, c00); v128.store(tail, c01, 16);
  v128.store(tail, c10, 32); v128.store(tail, c11, 48);
  v128.store(tail, c20, 64); v128.store(tail, c21, 80);
  v128.store(tail, c30, 96); v128.store(tail, c31, 112);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const q = c + <usize>i * rowBytes + (<usize>j << 2);
      const v = load<f32>(tail + (<usize>(i * NR + j) << 2));
      store<f32>(q, first ? v : load<f32>(q) + v);
    }
  }
}

/** Adds (or, when `first`, writes) the mr×nr corner of a tile held column-major in `tail` (column j at tail + 4·rows·j bytes). */
@inline function storeColumns(tail: usize, c: usize, ldc: i32, rows: i32, mr: i32, nr: i32, first: bool): void {
  for (let i = 0; i < mr; i++) {
    const row = c + (<usize>(i * ldc) << 2);
    for (let j = 0; j < nr; j++) {
      const q = row + (<usize>j << 2);
      const v = load<f32>(tail + (<usize>(j * rows + i) << 2));
      store<f32>(q, first ? v : load<f32>(q) + v);
    }
  }
}

/**
 * 4×1 microkernel (one column: a matrix–vector product): C[0:mr, 0] (+)= Σ_k Ap[k][0:4]·Bp[k][0],
 * the sum in k order as micro4x8 adds it (a split over threads gives the same bits).
 */
@inline function micro4x1(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, tail: usize, first: bool): void {
  let c0 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    c0 = madd(v128.load(ap), v128.load32_splat(bp), c0);
    ap += MR << 2;
    bp += NR << 2;
  }
  v128.store(tail, c0);
  storeColumns(tail, c, ldc, MR, mr, 1, first);
}

/**
 * Four 4×1 tiles at once (rows 0…15 of one column, panels `panelBytes` apart): four independent
 * sums, so that a multiply-add need not wait for the one before (one column alone is latency-bound).
 */
@inline function micro16x1(kc: i32, ap: usize, panelBytes: usize, bp: usize, c: usize, ldc: i32, tail: usize, first: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const a1 = panelBytes, a2 = panelBytes * 2, a3 = panelBytes * 3;
  for (let k = 0; k < kc; k++) {
    const b = v128.load32_splat(bp);
    c0 = madd(v128.load(ap), b, c0);
    c1 = madd(v128.load(ap + a1), b, c1);
    c2 = madd(v128.load(ap + a2), b, c2);
    c3 = madd(v128.load(ap + a3), b, c3);
    ap += MR << 2;
    bp += NR << 2;
  }
  v128.store(tail, c0); v128.store(tail, c1, 16); v128.store(tail, c2, 32); v128.store(tail, c3, 48);
  storeColumns(tail, c, ldc, 4 * MR, 4 * MR, 1, first);
}

/**
 * 4×4 microkernel for tiles of 2–4 columns: C[0:mr, 0:nr] (+)= Σ_k Ap[k][0:4]·Bp[k][j], one
 * accumulator per column j (rows in lanes); packed B is zero past nr, so the unused columns add 0.
 */
@inline function micro4x4(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, mr: i32, nr: i32, tail: usize, first: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const a = v128.load(ap);
    c0 = madd(a, v128.load32_splat(bp), c0);
    c1 = madd(a, v128.load32_splat(bp, 4), c1);
    c2 = madd(a, v128.load32_splat(bp, 8), c2);
    c3 = madd(a, v128.load32_splat(bp, 12), c3);
    ap += MR << 2;
    bp += NR << 2;
  }
  v128.store(tail, c0); v128.store(tail, c1, 16); v128.store(tail, c2, 32); v128.store(tail, c3, 48);
  storeColumns(tail, c, ldc, MR, mr, nr, first);
}

/**
 * Packs op(A) [M×K] whole into MR-row panels for f32_gemm_prepacked__simd: panel r (rows
 * 4r…4r+3) at dst + r·K·MR floats holds, for k = 0…K−1, the MR values op(A)[4r + t, k]
 * contiguously (rows past M zero): roundUp(M, 4)·K floats. Rows [i, i + m) of a packed A, i a
 * multiple of 4, are the packed A of those rows at dst + i·K floats.
 */
export function f32_gemm_pack_a__simd(a: usize, lda: i32, transA: i32, M: i32, K: i32, dst: usize): void {
  // packA's block layout over the whole matrix: one slice of depth K, panels K·MR floats apart
  if (M > 0 && K > 0) packA(dst, a, lda, transA != 0, 0, M, 0, K, 1);
}

/** GEMM over the block at `p` (GemmParams in params.ts). */
export function f32_gemm__simd(p: usize): void {
  gemm(p, 0);
}

/**
 * GEMM over the block at `p` with op(A) taken from `packedA` (f32_gemm_pack_a__simd of A; the
 * block's a, lda and transA are not read). alpha scales B as it is packed.
 */
export function f32_gemm_prepacked__simd(p: usize, packedA: usize): void {
  gemm(p, packedA);
}

/** The blocked loops; packedA = 0 packs A per block (times alpha), else reads it from there. */
function gemm(p: usize, prepacked: usize): void {
  const g = changetype<GemmParams>(p);
  // What the blocked loops read: locals, so the block is not reloaded per tile.
  const M = g.M, N = g.N, K = g.K, a = g.a, lda = g.lda, transA = g.transA != 0;
  const b = g.b, ldb = g.ldb, transB = g.transB != 0, c = g.c, ldc = g.ldc, alpha = g.alpha;
  const beta = g.beta, work = g.work;
  if (M <= 0 || N <= 0) return;
  // beta = 0: the first depth slice overwrites C (C is never read, so NaN in it cannot leak).
  // Otherwise C is scaled once and every slice accumulates into it.
  const overwrite = beta == 0 && K > 0 && alpha != 0;
  if (!overwrite) scaleC(c, M, N, ldc, beta);
  if (K <= 0 || alpha == 0) return;

  const kcMax = min(KC, K);
  const packedA = work;
  const packedB = work + (<usize>(kcMax * roundUp(min(MC, M), MR)) << 2);
  const tail = packedB + (<usize>(kcMax * roundUp(min(NC, N), NR)) << 2);

  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = min(KC, K - p0);
      packB(packedB, b, ldb, transB, p0, kc, j0, nc, prepacked != 0 ? alpha : 1);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        // panel ir of the block: kc·MR floats apart in the workspace, K·MR apart (from depth p0) prepacked
        let panels = packedA, panelBytes = <usize>(kc * MR) << 2;
        if (prepacked == 0) packA(packedA, a, lda, transA, i0, mc, p0, kc, alpha);
        else { panels = prepacked + (<usize>(i0 * K + p0 * MR) << 2); panelBytes = <usize>(K * MR) << 2; }
        const first = overwrite && p0 == 0;
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packedB + (<usize>(jr * kc) << 2);
          let ir = 0;
          if (nr == 1) {
            for (; ir + 4 * MR <= mc; ir += 4 * MR) {
              micro16x1(kc, panels + <usize>(ir / MR) * panelBytes, panelBytes, bp, c + (<usize>((i0 + ir) * ldc + j0 + jr) << 2), ldc, tail, first);
            }
          }
          for (; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = c + (<usize>((i0 + ir) * ldc + j0 + jr) << 2);
            const ap = panels + <usize>(ir / MR) * panelBytes;
            if (nr == 1) micro4x1(kc, ap, bp, cp, ldc, mr, tail, first);
            else if (nr <= 4) micro4x4(kc, ap, bp, cp, ldc, mr, nr, tail, first);
            else micro4x8(kc, ap, bp, cp, ldc, mr, nr, tail, first);
          }
        }
      }
    }
  }
}

// f32 GEMM for few columns (N ≤ ~16: a fully connected layer on one or a few positions, fc6 of
// an FCN on a 7×7 or 9×9 map), reading A once, in its own row-major layout, at memory speed:
// C[M×N] = alpha·A[M×K]·op(B)[K×N] + beta·C (A not transposed). The packed GEMM (gemm.ts) packs
// A into 4-row panels first, a second copy of A as large as A (411 MB for fc6), and with few
// columns that packing, or a walk over panels far apart, costs more than the product.
// Reference with the same ABI: f32_gemm__ref (gemm-ref.ts); the workspace is
// f32_gemm_skinny_workspace_bytes(N, K) bytes, 16-byte aligned.
// Each C[i, j] is the dot product of row i of A with column j of op(B), summed in four lanes
// (lane l takes k ≡ l mod 4, in k order), the lanes added as (l0 + l1) + (l2 + l3), then the
// K mod 4 last products in k order: the same order whichever rows a call is given, so threads
// splitting M give the same bits as one thread.
import { GemmParams } from "../params";

/** Rows of A per block: their partial sums (ROWS·roundUp(N, 4) v128) wait in the workspace between depth slices. */
const ROWS: i32 = 16;
/** Bytes of op(B)ᵀ one depth slice keeps in cache (L2) across the ROWS rows of a block. */
const SLICE_BYTES: i32 = 131072;

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}

/** (l0 + l1) + (l2 + l3) of v's four lanes. */
@inline function lanes(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Columns of op(B)ᵀ kept: N rounded up to the 4 columns one pass of the 2×4 kernel takes (1 for N = 1). */
@inline function keptColumns(N: i32): i32 {
  return N == 1 ? 1 : (N + 3) & ~3;
}

/** Bytes of workspace f32_gemm_skinny__simd needs for N columns of depth K: op(B)ᵀ and a block's partial sums. */
export function f32_gemm_skinny_workspace_bytes(N: i32, K: i32): i32 {
  const np = keptColumns(max(N, 1));
  return (np * (max(K, 0) & ~3) << 2) + ROWS * np * 16;
}

/**
 * GEMM over the block at `p` (GemmParams; transA must be 0) for few columns N: the workspace
 * holds op(B)ᵀ [roundUp(N, 4)][K & ~3] (columns past N zero) and the partial sums of a block of
 * rows; A is read once, row-major, lda apart.
 */
export function f32_gemm_skinny__simd(p: usize): void {
  const g = changetype<GemmParams>(p);
  const M = g.M, N = g.N, K = g.K, a = g.a, lda = g.lda, b = g.b, ldb = g.ldb, transB = g.transB != 0;
  const c = g.c, ldc = g.ldc, alpha = g.alpha, beta = g.beta, work = g.work;
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) {
    // C ← beta·C (beta = 0 writes zeros, ignoring NaN in C), as f32_gemm__simd
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      const q = c + (<usize>(i * ldc + j) << 2);
      store<f32>(q, beta == 0 ? 0 : load<f32>(q) * beta);
    }
    return;
  }
  const K4 = K & ~3, np = keptColumns(N);
  // op(B)ᵀ in groups of 4 columns, each group's 4 k-runs interleaved so that the 2×4 kernel reads
  // it in order: op(B)[k, j] at bt + (⌊j/4⌋·4·K4 + ⌊k/4⌋·16 + (j mod 4)·4 + k mod 4) floats (N = 1:
  // at bt + k). op(B)[k, j] = B[k·ldb + j], or B[j·ldb + k] transposed; columns past N are zero.
  const bt = work;
  for (let j = 0; j < np; j++) {
    const base = N == 1 ? 0 : (j >> 2) * 4 * K4 + ((j & 3) << 2);
    for (let k = 0; k < K4; k++) {
      const v: f32 = j >= N ? 0 : transB ? load<f32>(b + (<usize>(j * ldb + k) << 2)) : load<f32>(b + (<usize>(k * ldb + j) << 2));
      store<f32>(bt + (<usize>(N == 1 ? k : base + ((k >> 2) << 4) + (k & 3)) << 2), v);
    }
  }
  const sums = bt + (<usize>(np * K4) << 2); // [ROWS][np] v128: sums[r][j] lane l = Σ A[i0 + r, k]·B[k, j], k ≡ l mod 4
  const rowBytes = <usize>lda << 2;
  if (N == 1) {
    gemv(M, K4, a, rowBytes, bt, sums, c, ldc, alpha, beta, b, ldb, transB, K);
    return;
  }
  // depth slice: kc values of each of the np columns fill SLICE_BYTES (a multiple of 4, ≥ 64)
  const kcMax = max(64, (SLICE_BYTES / (np << 2)) & ~3);
  for (let i0 = 0; i0 < M; i0 += ROWS) {
    const rows = min(ROWS, M - i0);
    memory.fill(sums, 0, <usize>(ROWS * np) << 4);
    for (let p0 = 0; p0 < K4; p0 += kcMax) {
      const kc = min(kcMax, K4 - p0);
      // rows r and r + 1 together (a last odd row runs as both: its sums land twice, equal)
      for (let r = 0; r < rows; r += 2) {
        const r1 = r + 1 < rows ? r + 1 : r;
        const a0 = a + <usize>(i0 + r) * rowBytes + (<usize>p0 << 2);
        const a1 = a + <usize>(i0 + r1) * rowBytes + (<usize>p0 << 2);
        for (let j = 0; j < np; j += 4) {
          // 2×4 tile: C[i0 + r, j…j+3] and C[i0 + r1, j…j+3], sums[r][j + t] and sums[r1][j + t]
          const s0 = sums + (<usize>(r * np + j) << 4), s1 = sums + (<usize>(r1 * np + j) << 4);
          let c00 = v128.load(s0), c01 = v128.load(s0, 16), c02 = v128.load(s0, 32), c03 = v128.load(s0, 48);
          let c10 = v128.load(s1), c11 = v128.load(s1, 16), c12 = v128.load(s1, 32), c13 = v128.load(s1, 48);
          // op(B)[p0 + k, j + t] for k = 4g…4g+3 at q + 64g + 16t bytes
          let q = bt + (<usize>(j * K4 + p0 * 4) << 2);
          let x0 = a0, x1 = a1;
          const end = a0 + (<usize>kc << 2);
          while (x0 < end) {
            const v0 = v128.load(x0), v1 = v128.load(x1);
            let w = v128.load(q);
            c00 = madd(v0, w, c00); c10 = madd(v1, w, c10);
            w = v128.load(q, 16);
            c01 = madd(v0, w, c01); c11 = madd(v1, w, c11);
            w = v128.load(q, 32);
            c02 = madd(v0, w, c02); c12 = madd(v1, w, c12);
            w = v128.load(q, 48);
            c03 = madd(v0, w, c03); c13 = madd(v1, w, c13);
            x0 += 16; x1 += 16; q += 64;
          }
          v128.store(s0, c00); v128.store(s0, c01, 16); v128.store(s0, c02, 32); v128.store(s0, c03, 48);
          v128.store(s1, c10); v128.store(s1, c11, 16); v128.store(s1, c12, 32); v128.store(s1, c13, 48);
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      const i = i0 + r;
      for (let j = 0; j < N; j++) {
        finish(lanes(v128.load(sums + (<usize>(r * np + j) << 4))), a + <usize>i * rowBytes, K4, K, b, ldb, transB, j, c + (<usize>(i * ldc + j) << 2), alpha, beta);
      }
    }
  }
}

/**
 * C[i, j] = alpha·(s + Σ_{k ≥ K4} A[i, k]·op(B)[k, j]) + beta·C[i, j] (beta = 0 ignores C): the
 * K mod 4 last products added in k order to the lane sum s, at `q` = &C[i, j], `row` = &A[i, 0].
 */
@inline function finish(s: f32, row: usize, K4: i32, K: i32, b: usize, ldb: i32, transB: bool, j: i32, q: usize, alpha: f32, beta: f32): void {
  for (let k = K4; k < K; k++) {
    const bkj = transB ? load<f32>(b + (<usize>(j * ldb + k) << 2)) : load<f32>(b + (<usize>(k * ldb + j) << 2));
    s += load<f32>(row + (<usize>k << 2)) * bkj;
  }
  store<f32>(q, beta == 0 ? alpha * s : alpha * s + beta * load<f32>(q));
}

/**
 * N = 1, a matrix–vector product: x = op(B)[0:K4, 0] contiguous at `x` (read from L1/L2 by every
 * row), four rows of A at a time with their sums in four registers over the whole depth (a last
 * partial group repeats its last row); four streams of A keep the memory busy.
 */
function gemv(M: i32, K4: i32, a: usize, rowBytes: usize, x: usize, sums: usize, c: usize, ldc: i32, alpha: f32, beta: f32, b: usize, ldb: i32, transB: bool, K: i32): void {
  for (let i0 = 0; i0 < M; i0 += 4) {
    const last = M - 1;
    const a0 = a + <usize>i0 * rowBytes;
    const a1 = a + <usize>min(i0 + 1, last) * rowBytes;
    const a2 = a + <usize>min(i0 + 2, last) * rowBytes;
    const a3 = a + <usize>min(i0 + 3, last) * rowBytes;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let k: usize = 0; k < (<usize>K4 << 2); k += 16) {
      const v = v128.load(x + k);
      s0 = madd(v128.load(a0 + k), v, s0);
      s1 = madd(v128.load(a1 + k), v, s1);
      s2 = madd(v128.load(a2 + k), v, s2);
      s3 = madd(v128.load(a3 + k), v, s3);
    }
    v128.store(sums, s0); v128.store(sums, s1, 16); v128.store(sums, s2, 32); v128.store(sums, s3, 48);
    for (let t = 0; t < min(4, M - i0); t++) {
      const i = i0 + t;
      finish(lanes(v128.load(sums + (<usize>t << 4))), a + <usize>i * rowBytes, K4, K, b, ldb, transB, 0, c + (<usize>(i * ldc) << 2), alpha, beta);
    }
  }
}

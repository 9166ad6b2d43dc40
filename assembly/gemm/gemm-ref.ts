// Reference GEMM with the ABI of f32_gemm__simd (gemm.ts): the definition as three plain loops,
// C[i, j] = alpha·Σ_k op(A)[i, k]·op(B)[k, j] + beta·C[i, j] (beta = 0 ignores C). No workspace.
// Also the references of the packed-A pair (f32_gemm_pack_a__simd, f32_gemm_prepacked__simd).
import { GemmParams } from "../params";

export function f32_gemm__ref(p: usize): void {
  const g = changetype<GemmParams>(p);
  const a = g.a, b = g.b, c = g.c;
  for (let i = 0; i < g.M; i++) {
    for (let j = 0; j < g.N; j++) {
      let acc: f64 = 0;
      for (let k = 0; k < g.K; k++) {
        const aik = g.transA != 0 ? load<f32>(a + (<usize>(k * g.lda + i) << 2)) : load<f32>(a + (<usize>(i * g.lda + k) << 2));
        const bkj = g.transB != 0 ? load<f32>(b + (<usize>(j * g.ldb + k) << 2)) : load<f32>(b + (<usize>(k * g.ldb + j) << 2));
        acc += <f64>aik * <f64>bkj;
      }
      const q = c + (<usize>(i * g.ldc + j) << 2);
      const prior: f64 = g.beta == 0 ? 0 : <f64>g.beta * <f64>load<f32>(q);
      store<f32>(q, <f32>(<f64>g.alpha * acc + prior));
    }
  }
}

/** op(A)[i, k] read from a whole packed A (f32_gemm_pack_a__simd): panel ⌊i/4⌋ of K·4 floats, [k][i mod 4]. */
@inline function packedAt(packedA: usize, K: i32, i: i32, k: i32): f32 {
  return load<f32>(packedA + (<usize>((i >> 2) * K * 4 + k * 4 + (i & 3)) << 2));
}

/** Reference of f32_gemm_pack_a__simd: op(A) [M×K] into 4-row panels [K][4], rows past M zero, by the definition. */
export function f32_gemm_pack_a__ref(a: usize, lda: i32, transA: i32, M: i32, K: i32, dst: usize): void {
  const rows = (M + 3) >> 2 << 2;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < K; k++) {
      const v: f32 = i >= M ? 0 : transA != 0 ? load<f32>(a + (<usize>(k * lda + i) << 2)) : load<f32>(a + (<usize>(i * lda + k) << 2));
      store<f32>(dst + (<usize>((i >> 2) * K * 4 + k * 4 + (i & 3)) << 2), v);
    }
  }
}

/** Reference of f32_gemm_prepacked__simd: f32_gemm__ref with op(A) read from the packed panels. */
export function f32_gemm_prepacked__ref(p: usize, packedA: usize): void {
  const g = changetype<GemmParams>(p);
  const b = g.b, c = g.c;
  for (let i = 0; i < g.M; i++) {
    for (let j = 0; j < g.N; j++) {
      let acc: f64 = 0;
      for (let k = 0; k < g.K; k++) {
        const bkj = g.transB != 0 ? load<f32>(b + (<usize>(j * g.ldb + k) << 2)) : load<f32>(b + (<usize>(k * g.ldb + j) << 2));
        acc += <f64>packedAt(packedA, g.K, i, k) * <f64>bkj;
      }
      const q = c + (<usize>(i * g.ldc + j) << 2);
      const prior: f64 = g.beta == 0 ? 0 : <f64>g.beta * <f64>load<f32>(q);
      store<f32>(q, <f32>(<f64>g.alpha * acc + prior));
    }
  }
}

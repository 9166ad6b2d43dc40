// Reference GEMM with the ABI of f32_gemm__simd (gemm.ts): the definition as three plain loops,
// C[i, j] = alpha·Σ_k op(A)[i, k]·op(B)[k, j] + beta·C[i, j] (beta = 0 ignores C). No workspace.
import {
  word, real, ptr, GEMM_M, GEMM_N, GEMM_K, GEMM_A, GEMM_LDA, GEMM_TRANS_A, GEMM_B, GEMM_LDB,
  GEMM_TRANS_B, GEMM_C, GEMM_LDC, GEMM_ALPHA, GEMM_BETA,
} from "../params";

export function f32_gemm__ref(p: usize): void {
  const M = word(p, GEMM_M), N = word(p, GEMM_N), K = word(p, GEMM_K);
  const a = ptr(p, GEMM_A), lda = word(p, GEMM_LDA), transA = word(p, GEMM_TRANS_A) != 0;
  const b = ptr(p, GEMM_B), ldb = word(p, GEMM_LDB), transB = word(p, GEMM_TRANS_B) != 0;
  const c = ptr(p, GEMM_C), ldc = word(p, GEMM_LDC);
  const alpha = real(p, GEMM_ALPHA), beta = real(p, GEMM_BETA);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc: f64 = 0;
      for (let k = 0; k < K; k++) {
        const aik = transA ? load<f32>(a + (<usize>(k * lda + i) << 2)) : load<f32>(a + (<usize>(i * lda + k) << 2));
        const bkj = transB ? load<f32>(b + (<usize>(j * ldb + k) << 2)) : load<f32>(b + (<usize>(k * ldb + j) << 2));
        acc += <f64>aik * <f64>bkj;
      }
      const q = c + (<usize>(i * ldc + j) << 2);
      const prior: f64 = beta == 0 ? 0 : <f64>beta * <f64>load<f32>(q);
      store<f32>(q, <f32>(<f64>alpha * acc + prior));
    }
  }
}

// Reference GEMM with the ABI of f32_gemm__simd (gemm.ts): the definition as three plain loops,
// C[i, j] = alpha·Σ_k op(A)[i, k]·op(B)[k, j] + beta·C[i, j] (beta = 0 ignores C). No workspace.
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

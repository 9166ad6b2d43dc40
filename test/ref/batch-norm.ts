// Plain-TS reference of ONNX BatchNormalization in inference mode, for the folding tests.
// Independent of src/: never import the package. Float64 throughout.

/**
 * y[n, c, …] = γ[c]·(x[n, c, …] − μ[c]) / √(σ²[c] + ε) + β[c], over a tensor [N, C, spatial…].
 */
export function batchNormRef(x: ArrayLike<number>, shape: readonly number[], gamma: ArrayLike<number>, beta: ArrayLike<number>,
  mean: ArrayLike<number>, variance: ArrayLike<number>, epsilon: number): Float64Array {
  const [N, C] = shape;
  const inner = shape.slice(2).reduce((a, b) => a * b, 1);
  const y = new Float64Array(N * C * inner);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const at = (n * C + c) * inner;
      for (let i = 0; i < inner; i++) y[at + i] = gamma[c] * (x[at + i] - mean[c]) / Math.sqrt(variance[c] + epsilon) + beta[c];
    }
  }
  return y;
}

// Plain-TS reference of ONNX InstanceNormalization. Independent of src/: never import the package.
// Float64 throughout.

/**
 * y[n, c, …] = γ[c]·(x[n, c, …] − μ[n, c]) / √(σ²[n, c] + ε) + β[c], where μ and σ² are the mean
 * and the (biased) variance of plane (n, c) of x [N, C, spatial…].
 */
export function instanceNormRef(x: ArrayLike<number>, shape: readonly number[], gamma: ArrayLike<number>, beta: ArrayLike<number>, epsilon: number): Float64Array {
  const [N, C] = shape;
  const P = shape.slice(2).reduce((a, b) => a * b, 1);
  const y = new Float64Array(N * C * P);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const at = (n * C + c) * P;
      let mean = 0;
      for (let i = 0; i < P; i++) mean += x[at + i] / P;
      let variance = 0;
      for (let i = 0; i < P; i++) variance += (x[at + i] - mean) ** 2 / P;
      for (let i = 0; i < P; i++) y[at + i] = gamma[c] * (x[at + i] - mean) / Math.sqrt(variance + epsilon) + beta[c];
    }
  }
  return y;
}

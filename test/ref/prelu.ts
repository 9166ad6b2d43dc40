// Plain-TS float64 reference for PRelu with a per-channel or shared slope, and its gradients
// (dx, and dslope summed over every element the slope applies to). Never imports the package.

/** y = x ≥ 0 ? x : slope[c]·x for x [N, C, …]; `slope` has C values or one. */
export function preluRef(x: ArrayLike<number>, shape: readonly number[], slope: ArrayLike<number>): Float64Array {
  const [N, C] = shape, plane = shape.slice(2).reduce((a, b) => a * b, 1);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = Math.floor(i / plane) % C;
    const s = slope.length === 1 ? slope[0] : slope[c];
    y[i] = Number.isNaN(x[i]) ? NaN : x[i] >= 0 ? x[i] : s * x[i];
  }
  void N;
  return y;
}

/** dx = dy where x > 0 else slope·dy; dslope[k] = Σ dy·x where x ≤ 0 over the elements slope k covers. */
export function preluBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, shape: readonly number[], slope: ArrayLike<number>): { dx: Float64Array; dslope: Float64Array } {
  const C = shape[1], plane = shape.slice(2).reduce((a, b) => a * b, 1);
  const dx = new Float64Array(x.length), dslope = new Float64Array(slope.length);
  for (let i = 0; i < x.length; i++) {
    const k = slope.length === 1 ? 0 : Math.floor(i / plane) % C;
    if (x[i] > 0) dx[i] = dy[i];
    else { dx[i] = slope[k] * dy[i]; dslope[k] += dy[i] * x[i]; }
  }
  return { dx, dslope };
}

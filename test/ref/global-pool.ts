// Plain-TS float64 reference for ONNX GlobalAveragePool and its gradient, written from the
// definition (mean over every spatial position of each [n, c] plane). Never imports the package.

/** y[n, c] = mean of x[n, c, …] for x of `shape` [N, C, …]; y has N·C values. */
export function globalAveragePoolRef(x: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const planes = shape[0] * shape[1], plane = x.length / planes;
  const y = new Float64Array(planes);
  for (let i = 0; i < x.length; i++) y[Math.floor(i / plane)] += x[i];
  return y.map((s) => s / plane);
}

/** dx[n, c, i] = dy[n, c] / plane size, for dy of N·C values. */
export function globalAveragePoolBackwardRef(dy: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const planes = shape[0] * shape[1], total = shape.reduce((a, b) => a * b, 1), plane = total / planes;
  return Float64Array.from({ length: total }, (_, i) => dy[Math.floor(i / plane)] / plane);
}

/** y[n, c] = the largest of x[n, c, …], NaN when the plane holds one. */
export function globalMaxPoolRef(x: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const planes = shape[0] * shape[1], plane = x.length / planes;
  return Float64Array.from({ length: planes }, (_, p) => {
    const values = Array.from({ length: plane }, (_, i) => x[p * plane + i]);
    return values.some(Number.isNaN) ? NaN : Math.max(...values);
  });
}

/** dx = dy[n, c] at the plane's first NaN, else its first largest value; 0 elsewhere. */
export function globalMaxPoolBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const planes = shape[0] * shape[1], plane = x.length / planes, dx = new Float64Array(x.length);
  const y = globalMaxPoolRef(x, shape);
  for (let p = 0; p < planes; p++) {
    const values = Array.from({ length: plane }, (_, i) => x[p * plane + i]);
    const at = Number.isNaN(y[p]) ? values.findIndex(Number.isNaN) : values.indexOf(y[p]);
    dx[p * plane + at] = dy[p];
  }
  return dx;
}

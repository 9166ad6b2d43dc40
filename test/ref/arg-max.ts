// Plain-TS reference of ONNX ArgMax (numpy's argmax: first maximum, NaN the largest; or the last
// maximum with select_last_index). Independent of src/: never import the package.

/** Indices along `axis` (non-negative) of x [shape], as plain numbers, for the output of `keepdims`. */
export function argMaxRef(x: ArrayLike<number>, shape: readonly number[], axis: number, keepdims: boolean, last: boolean): { data: number[]; shape: number[] } {
  const outShape = shape.map((d, a) => (a === axis ? 1 : d));
  const n = outShape.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((p, d) => p * d, 1));
  const data: number[] = [];
  for (let j = 0; j < n; j++) {
    // the output's multi-index (its axis coordinate is 0), then the input offset of that row's start
    let rest = j, base = 0;
    for (let a = shape.length - 1; a >= 0; a--) {
      const coord = rest % outShape[a];
      rest = Math.floor(rest / outShape[a]);
      base += coord * strides[a];
    }
    let best = -1, max = NaN;
    for (let k = 0; k < shape[axis]; k++) {
      const v = x[base + k * strides[axis]];
      if (best >= 0 && Number.isNaN(max)) break; // a NaN is the largest: its first one wins
      if (best < 0 || Number.isNaN(v) || v > max || (last && v === max)) { best = k; max = v; }
    }
    data.push(best);
  }
  return { data, shape: keepdims ? outShape : shape.filter((_, a) => a !== axis) };
}

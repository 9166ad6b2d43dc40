// The reductions by their definition: output element j (an index over the kept axes) is the
// reduction of every x element whose kept-axis indices are j's, found by scanning all of x for
// each j. Float64 sums; Max/Min with NaN winning; the identity of the reduction over nothing.
export function reduceRef(kind: "sum" | "mean" | "max" | "min", x: ArrayLike<number>, shape: readonly number[], reduced: readonly boolean[], keepdims: boolean): { data: number[]; shape: number[] } {
  const kept = shape.map((d, a) => (reduced[a] ? 1 : d));
  const m = kept.reduce((p, d) => p * d, 1), n = shape.reduce((p, d) => p * d, 1);
  const unravel = (i: number, dims: readonly number[]): number[] => {
    const idx = new Array<number>(dims.length);
    for (let a = dims.length - 1; a >= 0; a--) { idx[a] = i % dims[a]; i = Math.floor(i / dims[a]); }
    return idx;
  };
  const data: number[] = [];
  for (let j = 0; j < m; j++) {
    const jj = unravel(j, kept);
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const ii = unravel(i, shape);
      if (ii.every((v, a) => reduced[a] || v === jj[a])) values.push(x[i]);
    }
    let v: number;
    if (kind === "sum" || kind === "mean") {
      v = values.reduce((s, q) => s + q, 0);
      if (kind === "mean") v /= values.length;
    } else if (values.some(Number.isNaN)) v = NaN;
    else v = values.reduce((s, q) => (kind === "max" ? Math.max(s, q) : Math.min(s, q)), kind === "max" ? -Infinity : Infinity);
    data.push(Math.fround(v));
  }
  return { data, shape: keepdims ? kept : shape.filter((_, a) => !reduced[a]) };
}

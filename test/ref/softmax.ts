// Plain-TS reference of ONNX Softmax and LogSoftmax. Independent of src/: never import the
// package. Float64 throughout.

/**
 * Softmax (or LogSoftmax) of x [shape] over `axes` (a set of axis numbers): for every index, the
 * elements that share its coordinates on the other axes form its group;
 * y = exp(x) / Σ_group exp(x), log y = x − log Σ_group exp(x) (computed with the group's max taken out).
 */
export function softmaxRef(x: ArrayLike<number>, shape: readonly number[], axes: readonly number[], log: boolean): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const groups = new Map<string, number[]>();
  for (let j = 0; j < n; j++) {
    // the multi-index of j, row-major, keeping only the axes not normalised over
    let rest = j;
    const key: number[] = [];
    for (let a = shape.length - 1; a >= 0; a--) {
      const coord = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
      if (!axes.includes(a)) key.push(coord);
    }
    const k = key.join(",");
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(j);
  }
  const y = new Float64Array(n);
  for (const members of groups.values()) {
    const max = Math.max(...members.map((j) => x[j]));
    const sum = members.reduce((s, j) => s + Math.exp(x[j] - max), 0);
    for (const j of members) y[j] = log ? x[j] - max - Math.log(sum) : Math.exp(x[j] - max) / sum;
  }
  return y;
}

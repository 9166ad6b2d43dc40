// Plain-TS references for the element-wise ops: ONNX Relu, ONNX Add (numpy broadcasting) and
// Caffe's Crop of the spatial axes. Independent of src/: never import the package. Each result
// element is one float32 operation, so these return Float32Array: a float32 kernel must agree
// exactly (Add: the float64 sum of two float32 values rounds to the float32 sum).
import type { Arr } from "./window-ops.js";

export interface Ref32 {
  data: Float32Array;
  shape: number[];
}

/** ONNX Relu: y[i] = max(0, x[i]); NaN stays NaN, −0 gives a zero (its sign is not specified here). */
export function reluRef(x: Arr): Ref32 {
  const y = new Float32Array(x.data.length);
  for (let i = 0; i < y.length; i++) {
    const v = x.data[i];
    y[i] = Number.isNaN(v) ? NaN : v > 0 ? v : 0;
  }
  return { data: y, shape: x.shape.slice() };
}

/** numpy broadcast shape: align at the right, each pair equal or one of them 1; throws otherwise. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let t = 0; t < rank; t++) {
    const da = a[a.length - rank + t] ?? 1, db = b[b.length - rank + t] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`reference: [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * ONNX Add: y[ι] = a[ι_a] + b[ι_b] for every multi-index ι of the broadcast shape, where ι_a is
 * ι's last a.rank entries with 0 on a's size-1 axes (and likewise for b).
 */
export function addRef(a: Arr, b: Arr): Ref32 {
  const out = broadcastShape(a.shape, b.shape);
  const rank = out.length;
  const size = out.reduce((p, v) => p * v, 1);
  const at = (x: Arr, idx: number[]): number => {
    const s = x.shape;
    let f = 0;
    for (let t = 0; t < s.length; t++) f = f * s[t] + (s[t] === 1 ? 0 : idx[rank - s.length + t]);
    return x.data[f];
  };
  const y = new Float32Array(size);
  const idx = new Array<number>(rank).fill(0);
  for (let e = 0; e < size; e++) {
    let rest = e; // idx = multi-index of output element e, row-major
    for (let t = rank - 1; t >= 0; t--) {
      idx[t] = rest % out[t];
      rest = Math.floor(rest / out[t]);
    }
    y[e] = at(a, idx) + at(b, idx); // float64 sum, rounded once to float32 on store
  }
  return { data: y, shape: out };
}

/**
 * Crop of the spatial axes (rank 1, 2 or 3): y[n, c, i, j] = x[n, c, offsets[0] + i, offsets[1] + j]
 * for i < shape[0], j < shape[1]; 1-D: y[n, c, i] = x[n, c, offsets[0] + i]; 3-D:
 * y[n, c, d, i, j] = x[n, c, offsets[0] + d, offsets[1] + i, offsets[2] + j].
 */
export function cropRef(x: Arr, offsets: readonly number[], shape: readonly number[]): Ref32 {
  const [N, C] = x.shape;
  const image = x.shape.slice(2);
  if (image.length === 1) {
    const [L] = image, [o] = offsets, [S] = shape;
    const y = new Float32Array(N * C * S);
    for (let p = 0; p < N * C; p++) for (let i = 0; i < S; i++) y[p * S + i] = x.data[p * L + o + i];
    return { data: y, shape: [N, C, S] };
  }
  if (image.length === 3) {
    const [D, H, W] = image, [front, top, left] = offsets, [OD, OH, OW] = shape;
    const y = new Float32Array(N * C * OD * OH * OW);
    for (let p = 0; p < N * C; p++)
      for (let d = 0; d < OD; d++)
        for (let i = 0; i < OH; i++)
          for (let j = 0; j < OW; j++) y[((p * OD + d) * OH + i) * OW + j] = x.data[((p * D + front + d) * H + top + i) * W + left + j];
    return { data: y, shape: [N, C, OD, OH, OW] };
  }
  const [H, W] = image, [top, left] = offsets, [OH, OW] = shape;
  const y = new Float32Array(N * C * OH * OW);
  for (let p = 0; p < N * C; p++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++) y[(p * OH + i) * OW + j] = x.data[(p * H + top + i) * W + left + j];
  return { data: y, shape: [N, C, OH, OW] };
}

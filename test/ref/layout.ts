// Plain-TS references for the layout ops, written from the definitions as index formulas (not as
// reshape + transpose, the way src/ does them). Never imports the package.

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Row-major flat index of `index` in `shape`. */
export function flatIndex(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((at, i, a) => at * shape[a] + i, 0);
}

/** The multi-index of flat position `at` in `shape`. */
export function multiIndex(at: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) { index[a] = at % shape[a]; at = Math.floor(at / shape[a]); }
  return index;
}

/** DepthToSpace: y[n, c, h·b + i, w·b + j] = x[n, DCR: (i·b + j)·C' + c | CRD: c·b² + i·b + j, h, w]. */
export function depthToSpaceRef(x: ArrayLike<number>, shape: readonly number[], b: number, mode: "DCR" | "CRD"): { data: Float64Array; shape: number[] } {
  const [N, C, H, W] = shape, c2 = C / (b * b), out = [N, c2, H * b, W * b];
  const y = new Float64Array(size(out));
  for (let n = 0; n < N; n++) for (let c = 0; c < c2; c++) for (let h = 0; h < H; h++) for (let i = 0; i < b; i++) {
    for (let w = 0; w < W; w++) for (let j = 0; j < b; j++) {
      const from = mode === "DCR" ? (i * b + j) * c2 + c : c * b * b + i * b + j;
      y[flatIndex([n, c, h * b + i, w * b + j], out)] = x[flatIndex([n, from, h, w], shape)];
    }
  }
  return { data: y, shape: out };
}

/** SpaceToDepth: y[n, (i·b + j)·C + c, h, w] = x[n, c, h·b + i, w·b + j]. */
export function spaceToDepthRef(x: ArrayLike<number>, shape: readonly number[], b: number): { data: Float64Array; shape: number[] } {
  const [N, C, H, W] = shape, out = [N, C * b * b, H / b, W / b];
  const y = new Float64Array(size(out));
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H / b; h++) for (let w = 0; w < W / b; w++) {
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) y[flatIndex([n, (i * b + j) * C + c, h, w], out)] = x[flatIndex([n, c, h * b + i, w * b + j], shape)];
  }
  return { data: y, shape: out };
}

/** Transpose: y[j] = x[i] with i[perm[k]] = j[k]. */
export function transposeRef(x: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): { data: Float64Array; shape: number[] } {
  const out = perm.map((p) => shape[p]);
  const y = new Float64Array(size(out));
  for (let at = 0; at < y.length; at++) {
    const j = multiIndex(at, out), i = new Array<number>(shape.length);
    perm.forEach((p, k) => { i[p] = j[k]; });
    y[at] = x[flatIndex(i, shape)];
  }
  return { data: y, shape: out };
}

/** Concat: y[…, k, …] on `axis` is input t's element at k − (sizes of the inputs before t). */
export function concatRef(inputs: { data: ArrayLike<number>; shape: readonly number[] }[], axis: number): { data: Float64Array; shape: number[] } {
  const out = inputs[0].shape.slice();
  out[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0);
  const y = new Float64Array(size(out));
  for (let at = 0; at < y.length; at++) {
    const j = multiIndex(at, out);
    let k = j[axis], t = 0;
    while (k >= inputs[t].shape[axis]) { k -= inputs[t].shape[axis]; t++; }
    const i = j.slice();
    i[axis] = k;
    y[at] = inputs[t].data[flatIndex(i, inputs[t].shape)];
  }
  return { data: y, shape: out };
}

/** Reshape's output dims, from the ONNX text: 0 copies the input's dim (unless allowzero), −1 is what is left. */
export function reshapeShapeRef(shape: readonly number[], target: readonly number[], allowzero = false): number[] {
  const out = target.map((d, i) => (d === 0 && !allowzero ? shape[i] : d));
  const i = out.indexOf(-1);
  if (i >= 0) out[i] = size(shape) / size(out.filter((d) => d !== -1));
  return out;
}

/** Flatten's [outer, inner] for axis in [−r, r]. */
export function flattenShapeRef(shape: readonly number[], axis: number): number[] {
  const a = axis < 0 ? axis + shape.length : axis;
  return [size(shape.slice(0, a)), size(shape.slice(a))];
}

/** Squeeze: the dims not listed (every 1 when axes is undefined). */
export function squeezeShapeRef(shape: readonly number[], axes?: readonly number[]): number[] {
  const drop = axes === undefined ? shape.map((d, i) => (d === 1 ? i : -1)) : axes.map((a) => (a < 0 ? a + shape.length : a));
  return shape.filter((_, i) => !drop.includes(i));
}

/** Unsqueeze: insert 1s at the output positions `axes` (negative counts from the output's end), in increasing order. */
export function unsqueezeShapeRef(shape: readonly number[], axes: readonly number[]): number[] {
  const rank = shape.length + axes.length, out = shape.slice();
  for (const a of axes.map((v) => (v < 0 ? v + rank : v)).sort((p, q) => p - q)) out.splice(a, 0, 1);
  return out;
}

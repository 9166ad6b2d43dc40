// Plain references for Pad, Slice and Split, written as their definitions over multi-indices
// (float64, no shared tables with src/): each output element is computed on its own from the
// ONNX text.

/** Row-major multi-index of flat index `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) { idx[a] = i % shape[a]; i = Math.floor(i / shape[a]); }
  return idx;
}

/** Flat index of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((at, v, a) => at * shape[a] + v, 0);
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * ONNX Pad (negative pads crop first, as onnxruntime does), or null when the definition does not
 * apply (more cropped than there is, reflect past one mirror image, edge/reflect of nothing).
 */
export function padRef(x: ArrayLike<number>, shape: readonly number[], pads: readonly number[], mode: string, value: number): { data: Float64Array; shape: number[] } | null {
  const r = shape.length;
  // crop: kept[a] = the input indices that survive the negative pads
  const lo = shape.map((_, a) => Math.max(0, -pads[a]));
  const kept = shape.map((n, a) => n - lo[a] - Math.max(0, -pads[a + r]));
  if (kept.some((m) => m < 0)) return null;
  const before = shape.map((_, a) => Math.max(0, pads[a])), after = shape.map((_, a) => Math.max(0, pads[a + r]));
  for (let a = 0; a < r; a++) {
    if (mode !== "constant" && (before[a] > 0 || after[a] > 0) && kept[a] === 0) return null;
    if (mode === "reflect" && (before[a] > kept[a] - 1 || after[a] > kept[a] - 1) && (before[a] > 0 || after[a] > 0)) return null;
  }
  const out = shape.map((_, a) => before[a] + kept[a] + after[a]);
  const y = new Float64Array(size(out));
  for (let i = 0; i < y.length; i++) {
    const o = unravel(i, out);
    let inside = true;
    const src = o.map((v, a) => {
      let t = v - before[a];
      const m = kept[a];
      if (t < 0 || t >= m) {
        if (mode === "constant") inside = false;
        else if (mode === "edge") t = t < 0 ? 0 : m - 1;
        else t = t < 0 ? -t : 2 * (m - 1) - t; // reflect: the mirror image, border not repeated
      }
      return lo[a] + t;
    });
    y[i] = inside ? x[ravel(src, shape)] : value;
  }
  return { data: y, shape: out };
}

/** ONNX Slice (opset 13 text): per-axis clamping, negative indices and steps. */
export function sliceRef(x: ArrayLike<number>, shape: readonly number[], starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): { data: Float64Array; shape: number[] } {
  const r = shape.length;
  const begin = shape.map(() => 0), step = shape.map(() => 1), count = shape.slice();
  starts.forEach((s, i) => {
    const a = axes === undefined ? i : axes[i] < 0 ? axes[i] + r : axes[i];
    const n = shape[a], k = steps?.[i] ?? 1;
    let start = s < 0 ? s + n : s, end = ends[i] < 0 ? ends[i] + n : ends[i];
    if (k > 0) { start = Math.min(Math.max(start, 0), n); end = Math.min(Math.max(end, 0), n); }
    else { start = Math.min(Math.max(start, 0), n - 1); end = Math.min(Math.max(end, -1), n - 1); }
    begin[a] = start; step[a] = k;
    count[a] = Math.max(0, Math.ceil((end - start) / k));
  });
  const y = new Float64Array(size(count));
  for (let i = 0; i < y.length; i++) {
    const o = unravel(i, count);
    y[i] = x[ravel(o.map((v, a) => begin[a] + v * step[a]), shape)];
  }
  return { data: y, shape: count };
}

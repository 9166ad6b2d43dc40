// Plain-TS references for the sliding-window ops: im2col, col2im (ONNX Col2Im) and MaxPool
// (ONNX opset 22, Y only). Naive loops over every tap with one bounds test each, float64 sums,
// output sizes computed here from the ONNX rules (README "Output sizes", ONNX MaxPool text).
// Independent of src/: never import the package. Layouts: x [N, C, spatial…], cols
// [N, C·∏k, L] with rows ordered (c, kh, kw) and columns ordered (oh, ow), all row-major.
// A 1-D problem [N, C, L] is the 2-D problem [N, C, 1, L] with kH = 1, sH = dH = 1, no H padding.

/** A dense row-major array and its shape. */
export interface Arr {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** What a reference returns: float64 values, so sums are not rounded to float32 on the way. */
export interface Ref {
  data: Float64Array;
  shape: number[];
}

type Ints = number | readonly number[] | undefined;

/** A number means "the same on every axis"; undefined means `fallback`. */
export function perAxis(v: Ints, count: number, fallback: number): number[] {
  if (v === undefined) return new Array<number>(count).fill(fallback);
  if (typeof v === "number") return new Array<number>(count).fill(v);
  if (v.length !== count) throw new Error(`reference: expected ${count} values, got ${v.length}`);
  return v.slice();
}

/** Conv / im2col output size: ⌊(in + pBegin + pEnd − d·(k−1) − 1) / s⌋ + 1 (may be ≤ 0: no window fits). */
export function convOutSize(size: number, k: number, s: number, d: number, pBegin: number, pEnd: number): number {
  return Math.floor((size + pBegin + pEnd - d * (k - 1) - 1) / s) + 1;
}

/** The window attributes of im2col / col2im resolved per spatial axis. */
interface Geometry2D {
  H: number; W: number; kH: number; kW: number; sH: number; sW: number;
  dH: number; dW: number; pT: number; pL: number; pB: number; pR: number;
  OH: number; OW: number;
}

/** Resolves kernelShape/strides/pads/dilations over `image` (rank 1 or 2) into a 2-D geometry. */
function geometry(image: readonly number[], attrs: WindowAttrs): Geometry2D {
  const r = image.length;
  if (r !== 1 && r !== 2) throw new Error(`reference: spatial rank ${r} not covered`);
  const k = perAxis(attrs.kernelShape, r, 1);
  const s = perAxis(attrs.strides, r, 1);
  const d = perAxis(attrs.dilations, r, 1);
  const p = perAxis(attrs.pads, 2 * r, 0); // ONNX order: begins, then ends
  // Lift 1-D to 2-D: a height-1 image, height-1 kernel, no vertical padding.
  const [H, W] = r === 2 ? image : [1, image[0]];
  const [kH, kW] = r === 2 ? k : [1, k[0]];
  const [sH, sW] = r === 2 ? s : [1, s[0]];
  const [dH, dW] = r === 2 ? d : [1, d[0]];
  const [pT, pL, pB, pR] = r === 2 ? p : [0, p[0], 0, p[1]];
  const OH = convOutSize(H, kH, sH, dH, pT, pB);
  const OW = convOutSize(W, kW, sW, dW, pL, pR);
  return { H, W, kH, kW, sH, sW, dH, dW, pT, pL, pB, pR, OH, OW };
}

export interface WindowAttrs {
  kernelShape: Ints;
  strides?: Ints;
  pads?: Ints;
  dilations?: Ints;
}

/** Spatial output sizes (window positions per axis) of im2col over `image`; an entry ≤ 0 means no window fits. */
export function im2colGrid(image: readonly number[], attrs: WindowAttrs): number[] {
  const g = geometry(image, attrs);
  return image.length === 2 ? [g.OH, g.OW] : [g.OW];
}

/**
 * im2col (PyTorch unfold): x [N, C, H, W] → cols [N, C·kH·kW, OH·OW].
 * cols[n, (c·kH + i)·kW + j, oh·OW + ow] = x[n, c, oh·sH − pT + i·dH, ow·sW − pL + j·dW],
 * 0 where that position is in the padding.
 */
export function im2colRef(x: Arr, attrs: WindowAttrs): Ref {
  const [N, C] = x.shape;
  const g = geometry(x.shape.slice(2), attrs);
  if (g.OH < 1 || g.OW < 1) throw new Error("reference: no window position");
  const rows = C * g.kH * g.kW, L = g.OH * g.OW;
  const out = new Float64Array(N * rows * L);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < g.kH; i++)
        for (let j = 0; j < g.kW; j++) {
          const row = (c * g.kH + i) * g.kW + j;
          for (let oh = 0; oh < g.OH; oh++)
            for (let ow = 0; ow < g.OW; ow++) {
              const h = oh * g.sH - g.pT + i * g.dH; // input row seen by tap i of window row oh
              const w = ow * g.sW - g.pL + j * g.dW; // input column seen by tap j of window column ow
              const inside = h >= 0 && h < g.H && w >= 0 && w < g.W;
              out[(n * rows + row) * L + oh * g.OW + ow] = inside ? x.data[((n * C + c) * g.H + h) * g.W + w] : 0;
            }
        }
  return { data: out, shape: [N, rows, L] };
}

export interface Col2imAttrs extends WindowAttrs {
  imageShape: Ints;
}

/**
 * col2im (ONNX Col2Im): cols [N, C·kH·kW, OH·OW] → y [N, C, H, W], overlapping taps summed:
 * y[n, c, oh·sH − pT + i·dH, ow·sW − pL + j·dW] += cols[n, (c·kH + i)·kW + j, oh·OW + ow]
 * for every tap that lands inside the image (taps in the padding are dropped).
 */
export function col2imRef(cols: Arr, attrs: Col2imAttrs): Ref {
  const image = typeof attrs.imageShape === "number" ? [attrs.imageShape] : (attrs.imageShape ?? []).slice();
  const g = geometry(image, attrs);
  const [N, rows, L] = cols.shape;
  const taps = g.kH * g.kW;
  const C = rows / taps;
  if (!Number.isInteger(C) || L !== g.OH * g.OW) throw new Error("reference: cols shape does not fit the attributes");
  const y = new Float64Array(N * C * g.H * g.W);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < g.kH; i++)
        for (let j = 0; j < g.kW; j++) {
          const row = (c * g.kH + i) * g.kW + j;
          for (let oh = 0; oh < g.OH; oh++)
            for (let ow = 0; ow < g.OW; ow++) {
              const h = oh * g.sH - g.pT + i * g.dH;
              const w = ow * g.sW - g.pL + j * g.dW;
              if (h < 0 || h >= g.H || w < 0 || w >= g.W) continue;
              y[((n * C + c) * g.H + h) * g.W + w] += cols.data[(n * rows + row) * L + oh * g.OW + ow];
            }
        }
  return { data: y, shape: [N, C, ...image] };
}

export type AutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";

export interface MaxPoolAttrs extends WindowAttrs {
  autoPad?: AutoPad;
  ceilMode?: boolean | 0 | 1;
}

/** One axis of a MaxPool after the auto_pad / ceil_mode rules: pads and number of windows. */
export interface PoolAxis {
  pBegin: number;
  pEnd: number;
  out: number;
}

/**
 * MaxPool output size and pads on one axis (span = d·(k−1) + 1), from the ONNX MaxPool text:
 * - NOTSET: out = ⌊(in + pBegin + pEnd − span) / s + 1⌋, or ⌈…⌉ with ceilMode, where "sliding
 *   windows that would start in the right padded region are ignored": the last window starts
 *   at (out − 1)·s in padded coordinates, and the right padding begins at pBegin + in.
 * - VALID: no padding; out = ⌊(in − span) / s⌋ + 1, or with ceilMode ⌈(in − span + 1) / s⌉,
 *   which is the same number (ceilMode has no effect under VALID in the ONNX text).
 * - SAME_UPPER / SAME_LOWER: out = ⌈in / s⌉ with or without ceilMode; total padding
 *   max(0, (out − 1)·s + span − in) (README: never negative), SAME_UPPER puts the odd pixel at the end.
 */
export function poolAxis(size: number, k: number, s: number, d: number, pBegin: number, pEnd: number,
  autoPad: AutoPad, ceilMode: boolean): PoolAxis {
  const span = d * (k - 1) + 1;
  if (autoPad === "VALID") {
    const out = ceilMode ? Math.ceil((size - span + 1) / s) : Math.floor((size - span) / s) + 1;
    return { pBegin: 0, pEnd: 0, out };
  }
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const out = Math.ceil(size / s);
    const total = Math.max(0, (out - 1) * s + span - size);
    const small = Math.floor(total / 2);
    return autoPad === "SAME_UPPER" ? { pBegin: small, pEnd: total - small, out } : { pBegin: total - small, pEnd: small, out };
  }
  const exact = (size + pBegin + pEnd - span) / s + 1;
  let out = ceilMode ? Math.ceil(exact) : Math.floor(exact);
  if (ceilMode && (out - 1) * s >= pBegin + size) out -= 1; // the last window would start in the end padding
  return { pBegin, pEnd, out };
}

/** Resolved MaxPool geometry per spatial axis (any rank). */
export function maxPoolAxes(image: readonly number[], attrs: MaxPoolAttrs): PoolAxis[] {
  const r = image.length;
  const k = perAxis(attrs.kernelShape, r, 1);
  const s = perAxis(attrs.strides, r, 1);
  const d = perAxis(attrs.dilations, r, 1);
  const p = perAxis(attrs.pads, 2 * r, 0);
  const autoPad = attrs.autoPad ?? "NOTSET";
  const ceil = attrs.ceilMode === true || attrs.ceilMode === 1;
  return image.map((n, a) => poolAxis(n, k[a], s[a], d[a], p[a], p[r + a], autoPad, ceil));
}

/**
 * MaxPool: y[n, c, od, oh, ow] = max over taps (i, j, l) of
 * x[n, c, od·sD − pF + i·dD, oh·sH − pT + j·dH, ow·sW − pL + l·dW], taking only taps inside the
 * image: padding is not a value and never wins (an all-negative input stays negative). A window
 * with no tap inside the image gives −∞. Ranks 1 and 2 are the 3-D problem with leading axes of
 * size 1 (kernel 1, stride 1, no padding).
 */
export function maxPoolRef(x: Arr, attrs: MaxPoolAttrs): Ref {
  const [N, C] = x.shape;
  const image = x.shape.slice(2);
  const r = image.length;
  if (r < 1 || r > 3) throw new Error(`reference: spatial rank ${r} not covered`);
  const axes = maxPoolAxes(image, attrs);
  // Lift to 3-D: prepend (3 − r) axes of size 1 with a one-tap kernel and no padding.
  const lift = (v: readonly number[], one: number) => [...new Array<number>(3 - r).fill(one), ...v];
  const [D, H, W] = lift(image, 1);
  const [kD, kH, kW] = lift(perAxis(attrs.kernelShape, r, 1), 1);
  const [sD, sH, sW] = lift(perAxis(attrs.strides, r, 1), 1);
  const [dD, dH, dW] = lift(perAxis(attrs.dilations, r, 1), 1);
  const [pF, pT, pL] = lift(axes.map((a) => a.pBegin), 0);
  const [OD, OH, OW] = lift(axes.map((a) => a.out), 1);
  if (OD < 1 || OH < 1 || OW < 1) throw new Error("reference: empty output");
  const y = new Float64Array(N * C * OD * OH * OW);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let od = 0; od < OD; od++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) {
            let m = -Infinity;
            for (let i = 0; i < kD; i++)
              for (let j = 0; j < kH; j++)
                for (let l = 0; l < kW; l++) {
                  const d = od * sD - pF + i * dD;
                  const h = oh * sH - pT + j * dH;
                  const w = ow * sW - pL + l * dW;
                  if (d < 0 || d >= D || h < 0 || h >= H || w < 0 || w >= W) continue; // padding, or past the end (ceilMode)
                  const v = x.data[(((n * C + c) * D + d) * H + h) * W + w];
                  if (v > m || Number.isNaN(v)) m = v; // NaN, once seen, stays (v > NaN is false)
                }
            y[(((n * C + c) * OD + od) * OH + oh) * OW + ow] = m;
          }
  return { data: y, shape: [N, C, ...axes.map((a) => a.out)] };
}

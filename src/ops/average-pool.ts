// AveragePool: ONNX's mean over each window, x [N, C, in…] → y [N, C, out…], and its backward,
// which spreads each window's dy over the taps it averaged. Output sizes, pads, ceilMode and
// dilations are MaxPool's (shape.ts resolveAveragePool). A JS loop (1-D, 2-D and 3-D alike: 2-D has
// no wasm kernel either), shared by the op functions and Net's resident plan (`averagePoolInto`,
// …) so both run the same arithmetic.
import type { AveragePoolAttrs } from "../attrs.js";
import { type Window, resolveAveragePool } from "../shape.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import { checkSameShape } from "./run.js";

/** A resolved AveragePool call: the window, the N·C planes, and whether pads count in the divisor. */
export interface AveragePoolGeometry { window: Window; planes: number; countIncludePad: boolean }

/**
 * Resolves x's shape (spatial rank 1 to 3) and the attributes into the geometry and the output shape.
 */
export function resolveAveragePoolGeometry(xShape: readonly number[], attrs: AveragePoolAttrs | undefined, op: string): { g: AveragePoolGeometry; outShape: number[] } {
  const { window, outShape, countIncludePad } = resolveAveragePool(xShape, attrs, op);
  return { g: { window, planes: xShape[0] * xShape[1], countIncludePad }, outShape };
}

/** One axis of the window; ranks 1 and 2 run as 3-D with leading one-tap axes of size 1. */
interface Axis { size: number; k: number; s: number; d: number; begin: number; end: number; out: number }

function axes(w: Window): [Axis, Axis, Axis] {
  const axis = (i: number): Axis => ({ size: w.image[i], k: w.kernel[i], s: w.strides[i], d: w.dilations[i], begin: w.padsBegin[i], end: w.padsEnd[i], out: w.grid[i] });
  const one: Axis = { size: 1, k: 1, s: 1, d: 1, begin: 0, end: 0, out: 1 };
  const given = Array.from({ length: w.rank }, (_, i) => axis(i));
  return [...new Array<Axis>(3 - w.rank).fill(one), ...given] as [Axis, Axis, Axis];
}

/**
 * Taps of window o along an axis, p = o·s − begin + j·d (j < k): the count the divisor uses (taps
 * inside [−begin, size + end) with countIncludePad, inside [0, size) without; a window dropped
 * past the padded end by ceilMode counts only what it covers), and the on-input taps' range of j.
 */
function taps(a: Axis, o: number, includePad: boolean): { count: number; j0: number; j1: number } {
  const first = o * a.s - a.begin;
  const inside = (lo: number, hi: number) => {
    const j0 = Math.max(0, Math.ceil((lo - first) / a.d));
    const j1 = Math.min(a.k, Math.floor((hi - 1 - first) / a.d) + 1);
    return [j0, Math.max(j0, j1)];
  };
  const [j0, j1] = inside(0, a.size);
  const [p0, p1] = inside(-a.begin, a.size + a.end);
  return { count: includePad ? p1 - p0 : j1 - j0, j0, j1 };
}

/**
 * Visits every window: its output index, the on-input taps as flat input indices per plane (`rows`:
 * the offsets (d·H + h)·W of its (depth, row) taps, `cols`: its column taps) and 1/divisor, the
 * divisor being the product of the per-axis counts.
 */
function eachWindow(g: AveragePoolGeometry, visit: (out: number, rows: number[], cols: number[], scale: number) => void): void {
  const [z, h, w] = axes(g.window);
  const tapList = (a: Axis, o: number) => {
    const t = taps(a, o, g.countIncludePad), at: number[] = [];
    for (let j = t.j0; j < t.j1; j++) at.push(o * a.s - a.begin + j * a.d);
    return { at, count: t.count };
  };
  const cols = Array.from({ length: w.out }, (_, o) => tapList(w, o));
  for (let od = 0; od < z.out; od++) {
    const slices = tapList(z, od);
    for (let oh = 0; oh < h.out; oh++) {
      const rows = tapList(h, oh);
      const offsets = slices.at.flatMap((d) => rows.at.map((r) => (d * h.size + r) * w.size));
      for (let ow = 0; ow < w.out; ow++) {
        visit((od * h.out + oh) * w.out + ow, offsets, cols[ow].at, 1 / (slices.count * rows.count * cols[ow].count));
      }
    }
  }
}

/** y[p, o] = (Σ x over o's on-input taps) / divisor, summed in float64 (pads add 0). */
export function averagePoolInto(g: AveragePoolGeometry, x: Float32Array, y: Float32Array): void {
  const inPlane = g.window.image.reduce((a, b) => a * b, 1), outPlane = g.window.grid.reduce((a, b) => a * b, 1);
  eachWindow(g, (o, rows, cols, scale) => {
    for (let p = 0; p < g.planes; p++) {
      let sum = 0;
      for (const r of rows) for (const c of cols) sum += x[p * inPlane + r + c];
      y[p * outPlane + o] = sum * scale;
    }
  });
}

/** dx[p, tap] = Σ over the windows holding the tap of dy[p, o] / divisor(o); dx is overwritten. */
export function averagePoolBackwardInto(g: AveragePoolGeometry, dy: Float32Array, dx: Float32Array): void {
  const inPlane = g.window.image.reduce((a, b) => a * b, 1), outPlane = g.window.grid.reduce((a, b) => a * b, 1);
  const sums = new Float64Array(g.planes * inPlane);
  eachWindow(g, (o, rows, cols, scale) => {
    for (let p = 0; p < g.planes; p++) {
      const share = dy[p * outPlane + o] * scale;
      for (const r of rows) for (const c of cols) sums[p * inPlane + r + c] += share;
    }
  });
  dx.set(sums);
}

/**
 * ONNX AveragePool (opsets 7–22) on rank-1, 2 or 3 spatial input.
 * @param x input [N, C, H, W] (or [N, C, L], or [N, C, D, H, W])
 * @param attrs kernelShape (required), strides, pads, dilations, autoPad, ceilMode, countIncludePad
 * @returns y [N, C, outH, outW] (or [N, C, outL], [N, C, outD, outH, outW])
 */
export function averagePool(x: Tensor, attrs: AveragePoolAttrs): Tensor {
  const { g, outShape } = resolveAveragePoolGeometry(checkTensor(x, "averagePool(x)"), attrs, "averagePool");
  const y = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  averagePoolInto(g, x.data, y);
  return tensor(y, outShape);
}

/**
 * Gradient of averagePool with respect to x: each window's dy / divisor goes to each of its
 * on-input taps; overlapping windows add up.
 * @param dy the shape averagePool(x, attrs) returns
 * @param x the forward input (only its shape is read)
 * @param attrs the forward attributes
 * @returns dx of x's shape
 */
export function averagePoolBackward(dy: Tensor, x: Tensor, attrs: AveragePoolAttrs): Tensor {
  const dyShape = checkTensor(dy, "averagePoolBackward(dy)");
  const xShape = checkTensor(x, "averagePoolBackward(x)");
  const { g, outShape } = resolveAveragePoolGeometry(xShape, attrs, "averagePoolBackward");
  checkSameShape(dyShape, outShape, "averagePoolBackward(dy)", "averagePool's output");
  const dx = new Float32Array(xShape.reduce((a, b) => a * b, 1));
  averagePoolBackwardInto(g, dy.data, dx);
  return tensor(dx, xShape.slice());
}

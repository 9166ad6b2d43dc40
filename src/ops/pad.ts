// pad: ONNX Pad over every axis — `pads` = [begin₀, …, begin_{r−1}, end₀, …, end_{r−1}] elements
// added before and after each axis, filled with `value` (constant), the nearest border element
// (edge) or the mirror image without repeating the border (reflect: …, x₂, x₁ | x₀, x₁, x₂, …).
// A negative pad removes that many elements from that side (ONNX allows it); as onnxruntime does,
// the crop applies first and the padding then extends the cropped tensor (edge and reflect copy
// from what is left). Per axis, with lo = max(0, −begin), m = n − lo − max(0, −end) elements kept
// and b = max(0, begin) added before, output index o reads kept index t = o − b:
//   0 ≤ t < m: x[lo + t];  otherwise constant: value, edge: x[lo + clamp(t, 0, m−1)],
//   reflect: x[lo + (t < 0 ? −t : 2(m−1) − t)] (one reflection: needs b ≤ m − 1 and end ≤ m − 1).
// onnxruntime refuses a wider reflect pad too; the ONNX text's second example (reflect by 2 on an
// axis of 2) follows numpy.pad, which mirrors again: that case is a ShapeError here.
// The values move with the strided-copy kernel (padCopies: a fill, the interior, border passes).
// Its backward is the adjoint: every output's gradient goes back to the element it copied.
import { checkAttrNames, readNumber, show } from "../attrs.js";
import { AttributeError, ShapeError, UnsupportedError } from "../errors.js";
import { type Tensor, checkDims, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { type AxisTables, scatterAddAxes } from "./axis-gather.js";
import type { Runtime } from "../runtime/runtime.js";
import { checkSameShape } from "./run.js";
import { type StridedCopy, intoTensor, planCopy, rowStrides, runCopy } from "./strided-copy.js";

export type PadMode = "constant" | "reflect" | "edge";
const MODES: readonly PadMode[] = ["constant", "reflect", "edge"];

/** Pad's attributes: `pads` for every axis (ONNX order: all begins, then all ends; negative crops). */
export interface PadAttrs {
  pads: readonly number[];
  /** Default 'constant'. */
  mode?: PadMode;
  /** The constant mode's fill value; default 0. */
  value?: number;
}

/**
 * Pad resolved for one input shape: the output shape and each output axis's index table; per axis
 * the first x index kept (lo), how many are kept (kept) and the y index they start at (before).
 */
export interface PadPlan {
  outShape: number[]; tables: AxisTables; mode: PadMode; value: number;
  lo: number[]; kept: number[]; before: number[];
}

/** Resolves pad's attributes for `xShape`; errors name `op`. */
export function resolvePad(xShape: readonly number[], attrs: unknown, op = "pad"): PadPlan {
  const a = checkAttrNames(attrs, ["pads", "mode", "value"], op);
  const r = xShape.length;
  if (a.pads === undefined) throw new AttributeError(`${op}(attrs.pads): required (${2 * r} integers for rank ${r}: all begins, then all ends), got nothing`);
  if (!Array.isArray(a.pads) || a.pads.length !== 2 * r) {
    throw new AttributeError(`${op}(attrs.pads): expected ${2 * r} integers for x of rank ${r} (all begins, then all ends), got ${show(a.pads)}`);
  }
  const pads: number[] = [];
  for (let i = 0; i < 2 * r; i++) {
    const v: unknown = a.pads[i];
    if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new AttributeError(`${op}(attrs.pads[${i}]): expected an integer, got ${i in a.pads ? show(v) : "a hole (a sparse array)"}`);
    pads.push(v);
  }
  const mode = a.mode ?? "constant";
  // ONNX's 'wrap' (opset 19) is a valid mode this package does not have yet
  if (mode === "wrap") throw new UnsupportedError(`${op}(attrs.mode): mode 'wrap' is not supported yet (constant, reflect and edge are)`);
  if (!MODES.includes(mode as PadMode)) {
    throw new AttributeError(`${op}(attrs.mode): expected one of ${MODES.map((m) => `'${m}'`).join(", ")}, got ${show(mode)}`);
  }
  const value = readNumber(a.value, `${op}(attrs.value)`, 0);
  if (a.value !== undefined && mode !== "constant") throw new AttributeError(`${op}(attrs.value): only mode 'constant' fills with a value; mode is '${mode as string}'`);

  const outShape: number[] = [], tables: Int32Array[] = [], los: number[] = [], keeps: number[] = [], befores: number[] = [];
  for (let axis = 0; axis < r; axis++) {
    const n = xShape[axis], begin = pads[axis], end = pads[axis + r];
    const lo = Math.max(0, -begin), m = n - lo - Math.max(0, -end);
    const before = Math.max(0, begin), after = Math.max(0, end);
    if (m < 0) throw new ShapeError(`${op}: pads ${begin} and ${end} on axis ${axis} remove ${n - m} elements from x ${describeShape(xShape)}, which has ${n}`);
    const size = before + m + after;
    if (size > 2 ** 31 - 1) throw new ShapeError(`${op}: axis ${axis} would have ${size} elements, beyond 2³¹ − 1`);
    if (mode !== "constant" && (before > 0 || after > 0)) {
      if (m === 0) throw new ShapeError(`${op}: mode '${mode as string}' copies from x, but axis ${axis} of x ${describeShape(xShape)} keeps no element after cropping`);
      if (mode === "reflect" && Math.max(before, after) > m - 1) {
        throw new ShapeError(`${op}: mode 'reflect' on axis ${axis} needs each pad smaller than the size it mirrors (${m}${lo + m < n ? " after cropping" : ""}), got pads ${begin} and ${end}`);
      }
    }
    const table = new Int32Array(size);
    for (let o = 0; o < size; o++) {
      const t = o - before; // the kept index this output reads
      let k: number;
      if (t >= 0 && t < m) k = t;
      else if (mode === "constant") { table[o] = -1; continue; }
      else if (mode === "edge") k = t < 0 ? 0 : m - 1;
      else k = t < 0 ? -t : 2 * (m - 1) - t; // reflect about the border element
      table[o] = lo + k;
    }
    outShape.push(size);
    tables.push(table);
    los.push(lo);
    keeps.push(m);
    befores.push(before);
  }
  return { outShape, tables, mode: mode as PadMode, value, lo: los, kept: keeps, before: befores };
}

/**
 * Pad as strided copies on blocks: `fill` the whole output with the constant first (when any of
 * it is padding), copy the kept part of x into its interior, then (edge, reflect) the border
 * passes, from the last axis to the first, each copying within y from the interior into the
 * padding of one side of one axis.
 */
export interface PadCopies { fill: boolean; value: number; elements: number; interior: StridedCopy; borders: StridedCopy[] }

/** The copies of a pad of x `xShape` (plan p). */
export function padCopies(xShape: readonly number[], p: PadPlan): PadCopies {
  const r = xShape.length, out = p.outShape, xs = rowStrides(xShape), ys = rowStrides(out);
  const elements = out.reduce((a, b) => a * b, 1);
  // y[before + t] = x[lo + t] on every axis, t < kept
  let x0 = 0, y0 = 0;
  for (let a = 0; a < r; a++) { x0 += p.lo[a] * xs[a]; y0 += p.before[a] * ys[a]; }
  const interior = planCopy(xShape.map((_, a) => ({ n: p.kept[a], s: xs[a], t: ys[a] })), x0, y0);
  const borders: StridedCopy[] = [];
  if (p.mode !== "constant") {
    const edge = p.mode === "edge";
    for (let a = r - 1; a >= 0; a--) {
      // the slab of axis a: the axes before a over their kept range (not padded yet), those after
      // a over all of y (padded by the passes before this one)
      let origin = 0;
      for (let k = 0; k < a; k++) origin += p.before[k] * ys[k];
      const b = p.before[a], m = p.kept[a], after = out[a] - b - m;
      // a side's first output on axis a reads y index src there, each next one src + step: edge
      // the border element (step 0), reflect the mirror image (step −1; before: o reads 2b − o,
      // after: o = b + m + j reads b + m − 2 − j)
      const sides = [
        { count: b, at: 0, src: edge ? b : 2 * b },
        { count: after, at: b + m, src: edge ? b + m - 1 : b + m - 2 },
      ];
      for (const side of sides) {
        if (side.count === 0) continue;
        const axes = out.map((n, k) => (k === a ? { n: side.count, s: (edge ? 0 : -1) * ys[a], t: ys[a] } : { n: k < a ? p.kept[k] : n, s: ys[k], t: ys[k] }));
        borders.push(planCopy(axes, origin + side.src * ys[a], origin + side.at * ys[a]));
      }
    }
  }
  return { fill: p.mode === "constant" && elements > interior.elements, value: p.value, elements, interior, borders };
}

/** Runs pad's copies from the block at byte offset x into the output block at y. */
export function runPad(rt: Runtime, c: PadCopies, x: number, y: number): void {
  if (c.fill) {
    rt.arena.commit(); // the output block may be reserved but not yet in memory
    rt.arena.f32(y, c.elements).fill(c.value);
  }
  runCopy(rt, c.interior, x, y);
  for (const b of c.borders) runCopy(rt, b, y, y); // from y's interior into its padding: disjoint
}

/**
 * ONNX Pad (opsets 2–22, modes constant, reflect and edge) over every axis of x.
 * @param x any rank
 * @param attrs pads (2·rank integers: begins, then ends; negative crops), mode, value
 * @returns y with yₐ = xₐ + beginₐ + endₐ on each axis a
 */
export function pad(x: Tensor, attrs: PadAttrs): Tensor {
  const xShape = checkTensor(x, "pad(x)");
  const p = resolvePad(xShape, attrs, "pad"), c = padCopies(xShape, p);
  return intoTensor(x, p.outShape, "pad(x)", (rt, px, py) => runPad(rt, c, px, py));
}

/**
 * The gradient of pad (its adjoint): dx of x's shape, each element the sum of dy over the outputs
 * that copied it (the padding of mode constant takes none).
 * @param dy pad's output shape
 * @param xShape the forward input's shape
 */
export function padBackward(dy: Tensor, xShape: readonly number[], attrs: PadAttrs): Tensor {
  const dyShape = checkTensor(dy, "padBackward(dy)");
  const inShape = checkDims(xShape, "padBackward(xShape)");
  const p = resolvePad(inShape, attrs, "padBackward");
  checkSameShape(dyShape, p.outShape, "padBackward(dy)", "pad's output");
  return tensor(scatterAddAxes(plain(dy).data, inShape, p.outShape, p.tables), inShape);
}

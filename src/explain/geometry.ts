// Shared geometry of the explain views: convTranspose's own attribute resolution (shape.ts),
// flattened into per-axis numbers, plus the ordinary convolution it is the transpose of. Every
// view lifts rank 1 to 2-D (a leading axis with in = out = k = s = d = 1, no pads) so that each
// one is written once, as a 2-D loop nest.
import type { ConvTransposeAttrs } from "../attrs.js";
import { ShapeError } from "../errors.js";
import { resolveConvTranspose } from "../shape.js";
import { type Tensor, checkTensor, describeShape } from "../tensor.js";

/**
 * The convolution whose transpose (adjoint) a transposed convolution is: z [N, M, out…] ↦
 * conv(crop(z), w) [N, C, in…], with w used as it is (ConvTranspose's [C, M/group, k…] is Conv's
 * [M', C'/group, k…] with M' = C, C' = M). ONNX Conv cannot take negative pads, so output rows
 * that no kernel tap reaches (negative pads from `outputShape` or SAME with k < s, output padding
 * of a size ≥ stride) are cropped from z first: conv reads
 * crop(z)[o·s − padsBegin + k·d] = z[o·s − pBegin + k·d] with crop(z) = z[cropBegin … out − cropEnd).
 * In the degenerate case of an output made only of such rows, crop(z) is empty on some axis
 * (cropBegin + cropEnd = out): the conv has nothing to read and the transposed convolution is 0 (+ b).
 */
export interface AdjointConv {
  /** ONNX Conv attributes: the same strides, dilations and group; pads ≥ 0. */
  attrs: { strides: number[]; pads: number[]; dilations: number[]; group: number };
  /** Rows cropped from the start of each spatial axis of z (max(−padBegin, 0)). */
  cropBegin: number[];
  /** Rows cropped from the end of each spatial axis of z. */
  cropEnd: number[];
}

/** A transposed convolution's resolved geometry, one entry per spatial axis in every array. */
export interface ExplainGeometry {
  /** Spatial rank (1 or 2). */
  rank: number;
  /** Batch, input channels, output channels, channel groups. */
  N: number; C: number; M: number; group: number;
  /** Spatial input size `in`. */
  input: number[];
  /** Spatial output size `out` = s·(in − 1) + outputPadding + d·(k − 1) + 1 − padBegin − padEnd. */
  output: number[];
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Padding taken off the start of the full output; negative when the output starts before it. */
  padsBegin: number[];
  /** Padding taken off the end; negative when the output extends past the full size. */
  padsEnd: number[];
  /** Extra rows at the end of each axis (derived, so also right when `outputShape` was given). */
  outputPadding: number[];
  /** The ordinary convolution this one is the transpose of. */
  conv: AdjointConv;
}

/** The 2-D numbers of a geometry (rank 1 gets a leading axis with in = out = k = s = d = 1). */
export interface Planar {
  H: number; W: number; OH: number; OW: number; KH: number; KW: number;
  sH: number; sW: number; dH: number; dW: number;
  /** Begin pads (top, left) and end pads (bottom, right). */
  pT: number; pL: number; pB: number; pR: number;
  /** Output padding per axis. */
  opH: number; opW: number;
}

/** Output rows of the full transposed convolution: s·(in − 1) + d·(k − 1) + 1 (no pads, no output padding). */
export function fullSize(input: number, kernel: number, stride: number, dilation: number): number {
  return stride * (input - 1) + dilation * (kernel - 1) + 1;
}

/** The adjoint convolution of one axis (see AdjointConv). */
function adjointAxis(s: number, pBegin: number, pEnd: number, op: number): { padBegin: number; padEnd: number; cropBegin: number; cropEnd: number } {
  // An output padding below the stride is absorbed by the floor in conv's output size; a larger
  // one (possible when dilation > stride) adds rows no tap reaches, which are cropped like pads < 0.
  const end = op >= s ? pEnd - op : pEnd;
  return { padBegin: Math.max(pBegin, 0), cropBegin: Math.max(-pBegin, 0), padEnd: Math.max(end, 0), cropEnd: Math.max(-end, 0) };
}

function geometryOf(xShape: readonly number[], wShape: readonly number[], bShape: readonly number[] | null,
  attrs: ConvTransposeAttrs | undefined, op: string): ExplainGeometry {
  const g = resolveConvTranspose(xShape, wShape, bShape, attrs, op);
  const win = g.window;
  const output = win.image.slice(), input = win.grid.slice();
  const outputPadding = output.map((o, i) =>
    o + win.padsBegin[i] + win.padsEnd[i] - fullSize(input[i], win.kernel[i], win.strides[i], win.dilations[i]));
  const axes = output.map((o, i) => {
    const a = adjointAxis(win.strides[i], win.padsBegin[i], win.padsEnd[i], outputPadding[i]);
    // An output made only of rows no tap reaches (huge begin pad plus output padding): crop it all.
    a.cropBegin = Math.min(a.cropBegin, o);
    a.cropEnd = Math.min(a.cropEnd, o - a.cropBegin);
    return a;
  });
  return {
    rank: win.rank, N: g.N, C: g.C, M: g.M, group: g.group,
    input, output, kernel: win.kernel.slice(), strides: win.strides.slice(), dilations: win.dilations.slice(),
    padsBegin: win.padsBegin.slice(), padsEnd: win.padsEnd.slice(), outputPadding,
    conv: {
      attrs: {
        strides: win.strides.slice(), dilations: win.dilations.slice(), group: g.group,
        pads: [...axes.map((a) => a.padBegin), ...axes.map((a) => a.padEnd)],
      },
      cropBegin: axes.map((a) => a.cropBegin),
      cropEnd: axes.map((a) => a.cropEnd),
    },
  };
}

/**
 * Checks a view's operands and resolves the attributes exactly as convTranspose does (same
 * errors, same output size). `op` names the view in error messages.
 */
export function resolveView(op: string, x: Tensor, w: Tensor, b: Tensor | null | undefined, attrs: ConvTransposeAttrs | undefined): ExplainGeometry {
  const xShape = checkTensor(x, `${op}(x)`);
  const wShape = checkTensor(w, `${op}(w)`);
  const bShape = b == null ? null : checkTensor(b, `${op}(b)`);
  return geometryOf(xShape, wShape, bShape, attrs, op);
}

/** Like resolveView for views that only need shapes: each operand may be a Tensor or a shape. */
export function resolveShapes(op: string, x: Tensor | readonly number[], w: Tensor | readonly number[], attrs: ConvTransposeAttrs | undefined): ExplainGeometry {
  const shapeOf = (t: Tensor | readonly number[], name: string): readonly number[] => {
    if (!Array.isArray(t)) return checkTensor(t, name);
    t.forEach((d, i) => {
      if (typeof d !== "number" || !Number.isInteger(d) || d < 1) throw new ShapeError(`${name}[${i}]: expected a positive integer dimension, got ${String(d)}`);
    });
    if (t.length < 3) throw new ShapeError(`${name}: expected a shape of rank 3 or 4 (N, C, spatial…), got ${describeShape(t)}`);
    return t as readonly number[];
  };
  return geometryOf(shapeOf(x, `${op}(x)`), shapeOf(w, `${op}(w)`), null, attrs, op);
}

/** The 2-D view of a geometry. */
export function planar(g: ExplainGeometry): Planar {
  const two = g.rank === 2;
  const pick = (v: number[], unit: number): [number, number] => (two ? [v[0], v[1]] : [unit, v[0]]);
  const [H, W] = pick(g.input, 1), [OH, OW] = pick(g.output, 1), [KH, KW] = pick(g.kernel, 1);
  const [sH, sW] = pick(g.strides, 1), [dH, dW] = pick(g.dilations, 1);
  const [pT, pL] = pick(g.padsBegin, 0), [pB, pR] = pick(g.padsEnd, 0), [opH, opW] = pick(g.outputPadding, 0);
  return { H, W, OH, OW, KH, KW, sH, sW, dH, dW, pT, pL, pB, pR, opH, opW };
}

/** Spatial dims of a rank-`rank` shape from its 2-D pair (rank 1 keeps only the second). */
export function spatial(rank: number, h: number, w: number): number[] {
  return rank === 2 ? [h, w] : [w];
}

/** Float64 accumulator → float32 Tensor data. */
export function toFloat32(acc: Float64Array): Float32Array {
  return Float32Array.from(acc);
}

/** Adds b[m] to every element of channel m of a [N, M, plane] accumulator (no-op without bias). */
export function addBias(acc: Float64Array, b: Tensor | null | undefined, N: number, M: number, plane: number): void {
  if (b == null) return;
  const bias = b.data;
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const base = (n * M + m) * plane;
      for (let i = 0; i < plane; i++) acc[base + i] += bias[m];
    }
  }
}

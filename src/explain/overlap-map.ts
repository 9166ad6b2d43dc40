// Overlap map: how many kernel taps reach each output pixel, i.e. how many stamps of the scatter
// view overlap there. Per axis, count[o] = #{(i, k) : i·s − padBegin + k·d = o, i < in, k < K};
// in 2-D the count is the product of the two axes' counts, and it equals
// convTranspose(ones [1, 1, in…], ones [1, 1, k…]) with the same attributes.
// Away from the borders it depends only on the phase (o + padBegin) mod s: uniform when s divides k
// (d = 1), a checkerboard otherwise — the pattern behind the "checkerboard artifacts" of deconvolution.
import type { ConvTransposeAttrs } from "../attrs.js";
import { type Tensor, tensor } from "../tensor.js";
import { type ExplainGeometry, planar, resolveShapes } from "./geometry.js";

/** Result of explain.overlapMap. */
export interface OverlapMap {
  /** counts [outH, outW] (rank 1: [out]): kernel taps reaching each output pixel (per input/output channel pair). */
  counts: Tensor;
  geometry: ExplainGeometry;
  /** Per spatial axis, the taps reaching each output coordinate along that axis (counts is their outer product). */
  axisCounts: number[][];
  /**
   * Per spatial axis, the count away from the borders for each phase r = (o + padBegin) mod s:
   * #{k < K : k·d ≡ r (mod s)} (⌈(K − r)/s⌉ when d = 1).
   */
  phaseCounts: number[][];
  /** Smallest and largest entry of counts. */
  min: number;
  max: number;
  /** Whether every phase gets the same number of taps on every axis (no checkerboard away from the borders). */
  uniform: boolean;
}

/** Taps reaching each coordinate of one output axis. */
function countAxis(input: number, out: number, k: number, s: number, d: number, p: number): number[] {
  const counts = new Array<number>(out).fill(0);
  for (let i = 0; i < input; i++) {
    for (let j = 0; j < k; j++) {
      const o = i * s - p + j * d; // the scatter view's o = i·s − padBegin + k·d
      if (o >= 0 && o < out) counts[o]++;
    }
  }
  return counts;
}

/** Interior taps per phase r of one axis: #{k < K : k·d ≡ r (mod s)}. */
function phaseAxis(k: number, s: number, d: number): number[] {
  const counts = new Array<number>(s).fill(0);
  for (let j = 0; j < k; j++) counts[(j * d) % s]++;
  return counts;
}

/**
 * How many kernel taps reach each output pixel. Needs only shapes: x and w may be Tensors or
 * shapes ([N, C, H, W] and [C, M/group, kH, kW]). No op runs; `ready()` is not needed.
 * @param x input tensor or its shape
 * @param w weight tensor or its shape
 * @param attrs convTranspose's attributes
 */
export function overlapMap(x: Tensor | readonly number[], w: Tensor | readonly number[], attrs?: ConvTransposeAttrs): OverlapMap {
  const g = resolveShapes("explain.overlapMap", x, w, attrs);
  const { H, W, OH, OW, KH, KW, sH, sW, dH, dW, pT, pL } = planar(g);
  const ch = countAxis(H, OH, KH, sH, dH, pT), cw = countAxis(W, OW, KW, sW, dW, pL);
  const counts = new Float32Array(OH * OW);
  let min = Infinity, max = -Infinity;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      const v = ch[oh] * cw[ow];
      counts[oh * OW + ow] = v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  const two = g.rank === 2;
  const phaseCounts = two ? [phaseAxis(KH, sH, dH), phaseAxis(KW, sW, dW)] : [phaseAxis(KW, sW, dW)];
  return {
    counts: tensor(counts, g.output.slice()),
    geometry: g,
    axisCounts: two ? [ch, cw] : [cw],
    phaseCounts,
    min, max,
    uniform: phaseCounts.every((a) => a.every((v) => v === a[0])),
  };
}

// Scatter view: a transposed convolution is a sum of stamps. Every input pixel x[n, c, i] stamps a
// copy of its kernel slice w[c, :, k…], scaled by its value, into the output at i·s − padBegin,
// with the taps d apart; overlapping stamps add up and taps outside the output fall off:
//   y[n, g·M/g + m, i·s − padBegin + k·d] += x[n, c, i] · w[c, m, k]    (c in group g)
// This is how the GEMM + col2im algorithm runs (cols = Wᵀ·X are the stamps, col2im adds them).
import type { ConvTransposeAttrs } from "../attrs.js";
import { type Tensor, tensor, plain } from "../tensor.js";
import { ShapeError } from "../errors.js";
import { type ExplainGeometry, addBias, planar, resolveView, spatial, toFloat32 } from "./geometry.js";

/** One kernel tap of a stamp that lands inside the output. */
export interface StampTap {
  /** Kernel index per spatial axis (kH, kW). */
  kernel: number[];
  /** Output coordinate per spatial axis: i·s − padBegin + k·d. */
  output: number[];
}

/** The stamp one input pixel puts into the output. */
export interface ScatterStamp {
  /** The input pixel's value x[n, c, i…]. */
  value: number;
  /** value · w[c]: [M/group, kH, kW], the weighted kernel copy. */
  values: Tensor;
  /** Output coordinate of tap 0 per axis: i·s − padBegin (may lie outside the output). */
  origin: number[];
  /** Distance between taps per axis: the dilation. */
  step: number[];
  /** First output channel the stamp writes (g·M/group for input channel c in group g). */
  firstChannel: number;
  /** The taps that land inside the output (the others fall off the edges). */
  taps: StampTap[];
}

/** Result of explain.scatter. */
export interface ScatterView {
  /** y [N, M, outH, outW]: equal to convTranspose(x, w, b, attrs). */
  output: Tensor;
  /** The resolved geometry (sizes, pads, output padding per axis). */
  geometry: ExplainGeometry;
  /**
   * The stamp of input pixel x[n, c, ...position] (position: one coordinate per spatial axis).
   * Summing all stamps (and the bias) gives `output`.
   */
  stamp(n: number, c: number, position: readonly number[]): ScatterStamp;
}

/**
 * The transposed convolution as a scatter of kernel-weighted stamps.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [C, M/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs convTranspose's attributes
 */
export function scatter(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs): ScatterView {
  x = plain(x); w = plain(w); b = plain(b); // read element by element below
  const g = resolveView("explain.scatter", x, w, b, attrs);
  const { N, C, M, group, rank } = g;
  const { H, W, OH, OW, KH, KW, sH, sW, dH, dW, pT, pL } = planar(g);
  const Cg = C / group, Mg = M / group;
  const y = new Float64Array(N * M * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const gi = Math.floor(c / Cg);
      for (let ih = 0; ih < H; ih++) {
        for (let iw = 0; iw < W; iw++) {
          const v = x.data[((n * C + c) * H + ih) * W + iw];
          for (let m = 0; m < Mg; m++) {
            for (let kh = 0; kh < KH; kh++) {
              const oh = ih * sH - pT + kh * dH; // oh = i·s − padBegin + k·d
              if (oh < 0 || oh >= OH) continue;
              for (let kw = 0; kw < KW; kw++) {
                const ow = iw * sW - pL + kw * dW;
                if (ow < 0 || ow >= OW) continue;
                y[((n * M + gi * Mg + m) * OH + oh) * OW + ow] += v * w.data[((c * Mg + m) * KH + kh) * KW + kw];
              }
            }
          }
        }
      }
    }
  }
  addBias(y, b, N, M, OH * OW);

  const stamp = (n: number, c: number, position: readonly number[]): ScatterStamp => {
    const [ih, iw] = rank === 2 ? [position[0], position[1]] : [0, position[0]];
    const inside = (v: number, hi: number): boolean => Number.isInteger(v) && v >= 0 && v < hi;
    if (!inside(n, N) || !inside(c, C) || position.length !== rank || !inside(ih, H) || !inside(iw, W)) {
      throw new ShapeError(`explain.scatter stamp(${n}, ${c}, [${position.join(", ")}]): outside x [${[N, C, ...g.input].join(", ")}]`);
    }
    const value = x.data[((n * C + c) * H + ih) * W + iw];
    const values = new Float32Array(Mg * KH * KW);
    for (let i = 0; i < values.length; i++) values[i] = value * w.data[c * Mg * KH * KW + i];
    const taps: StampTap[] = [];
    for (let kh = 0; kh < KH; kh++) {
      const oh = ih * sH - pT + kh * dH;
      if (oh < 0 || oh >= OH) continue;
      for (let kw = 0; kw < KW; kw++) {
        const ow = iw * sW - pL + kw * dW;
        if (ow < 0 || ow >= OW) continue;
        taps.push({ kernel: spatial(rank, kh, kw), output: spatial(rank, oh, ow) });
      }
    }
    return {
      value, values: tensor(values, [Mg, ...g.kernel]),
      origin: spatial(rank, ih * sH - pT, iw * sW - pL), step: g.dilations.slice(),
      firstChannel: Math.floor(c / Cg) * Mg, taps,
    };
  };

  return { output: tensor(toFloat32(y), [N, M, ...g.output]), geometry: g, stamp };
}

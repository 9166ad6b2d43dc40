// Zero-insertion view: a transposed convolution is an ordinary stride-1 convolution of a bigger
// input. Insert s − 1 zeros between input pixels, pad by d·(k−1) − padBegin before and
// d·(k−1) − padEnd + outputPadding after (a negative pad crops), rotate the kernel 180° and swap
// its in/out channels, then convolve (run by the package's own conv op):
//   y = conv(z, w') + b,  z[P + i·s] = x[i] (zeros elsewhere),  w'[g·M/g + m, c, k] = w[g·C/g + c, m, K−1−k]
// Most multiplications hit an inserted or padding zero: `multiplies` counts them (sub-pixel skips them).
import type { ConvTransposeAttrs } from "../attrs.js";
import { conv } from "../ops/conv.js";
import { type Tensor, tensor, plain } from "../tensor.js";
import { type ExplainGeometry, planar, resolveView, spatial } from "./geometry.js";

/** Multiplications of the stride-1 convolution, by what the input side of each one is. */
export interface ZeroInsertionMultiplies {
  /** All of them: N·M·(C/group)·∏out·∏k. */
  total: number;
  /** By a real input pixel: the multiplications convTranspose actually needs. */
  useful: number;
  /** By one of the s − 1 zeros inserted between input pixels. */
  insertedZeros: number;
  /** By a zero of the border padding. */
  paddingZeros: number;
}

/** Result of explain.zeroInsertion. */
export interface ZeroInsertionView {
  /** y [N, M, outH, outW] = conv(upsampled, kernel, b, convAttrs): equal to convTranspose(x, w, b, attrs). */
  output: Tensor;
  geometry: ExplainGeometry;
  /** z [N, C, ZH, ZW]: x with s − 1 zeros between pixels and the pads below around it; Z = s·(in − 1) + 1 + padBegin + padEnd. */
  upsampled: Tensor;
  /** Zeros added before each axis of the zero-inserted input: d·(k − 1) − padBegin (negative: rows cropped). */
  padsBegin: number[];
  /** Zeros added after each axis: d·(k − 1) − padEnd + outputPadding (negative: rows cropped). */
  padsEnd: number[];
  /** w' [M, C/group, kH, kW]: w rotated 180° with input and output channels swapped (Conv's layout). */
  kernel: Tensor;
  /** The stride-1 convolution's attributes (no pads: they are in `upsampled`). */
  convAttrs: { dilations: number[]; group: number };
  multiplies: ZeroInsertionMultiplies;
}

/**
 * Counts, for one axis of the stride-1 convolution, the (output, tap) pairs — out·k of them — by
 * where the tap reads: inside the zero-inserted extent u ∈ [0, s·(in−1)], and on a real pixel
 * (u a multiple of s). Output o, tap j reads u = o + j·d − P, P the begin pad. Closed form per tap.
 */
export function axisReads(input: number, out: number, k: number, s: number, d: number, P: number): { total: number; inside: number; real: number } {
  const last = s * (input - 1); // the last real pixel's position in the zero-inserted axis
  let inside = 0, real = 0;
  for (let j = 0; j < k; j++) {
    const lo = Math.max(j * d - P, 0), hi = Math.min(out - 1 + j * d - P, last); // u over o ∈ [0, out), clipped to the extent
    if (lo > hi) continue;
    inside += hi - lo + 1;
    real += Math.floor(hi / s) - Math.ceil(lo / s) + 1; // multiples of s in [lo, hi]
  }
  return { total: out * k, inside, real };
}

/**
 * The transposed convolution as zero insertion + padding + a stride-1 convolution with the rotated,
 * channel-swapped kernel. Runs the conv op: `await ready()` first.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [C, M/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs convTranspose's attributes
 */
export function zeroInsertion(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs): ZeroInsertionView {
  x = plain(x); w = plain(w); b = plain(b); // read element by element below
  const g = resolveView("explain.zeroInsertion", x, w, b, attrs);
  const { N, C, M, group, rank } = g;
  const { H, W, OH, OW, KH, KW, sH, sW, dH, dW, pT, pL, pB, pR, opH, opW } = planar(g);
  const Cg = C / group, Mg = M / group;

  // Pads of the zero-inserted input: d·(k−1) − p before, d·(k−1) − p + outputPadding after.
  const PT = dH * (KH - 1) - pT, PL = dW * (KW - 1) - pL;
  const PB = dH * (KH - 1) - pB + opH, PR = dW * (KW - 1) - pR + opW;
  const ZH = sH * (H - 1) + 1 + PT + PB, ZW = sW * (W - 1) + 1 + PL + PR;
  const z = new Float32Array(N * C * ZH * ZW);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let ih = 0; ih < H; ih++) {
        const zh = PT + ih * sH; // z[P + i·s] = x[i]
        if (zh < 0 || zh >= ZH) continue; // cropped by a negative pad
        for (let iw = 0; iw < W; iw++) {
          const zw = PL + iw * sW;
          if (zw < 0 || zw >= ZW) continue;
          z[((n * C + c) * ZH + zh) * ZW + zw] = x.data[((n * C + c) * H + ih) * W + iw];
        }
      }
    }
  }

  // w'[g·M/g + m, c, kh, kw] = w[g·C/g + c, m, KH−1−kh, KW−1−kw]: rotated 180°, channels swapped.
  const k = new Float32Array(M * Cg * KH * KW);
  for (let gi = 0; gi < group; gi++) {
    for (let m = 0; m < Mg; m++) {
      for (let c = 0; c < Cg; c++) {
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            k[(((gi * Mg + m) * Cg + c) * KH + kh) * KW + kw] = w.data[(((gi * Cg + c) * Mg + m) * KH + (KH - 1 - kh)) * KW + (KW - 1 - kw)];
          }
        }
      }
    }
  }

  const upsampled = tensor(z, [N, C, ...spatial(rank, ZH, ZW)]);
  const kernel = tensor(k, [M, Cg, ...g.kernel]);
  const convAttrs = { dilations: g.dilations.slice(), group };
  const output = conv(upsampled, kernel, b, convAttrs);

  // Multiplications per axis are independent: a read is real (inside) in 2-D when it is on both axes.
  const rh = axisReads(H, OH, KH, sH, dH, PT), rw = axisReads(W, OW, KW, sW, dW, PL);
  const per = N * M * Cg;
  const multiplies: ZeroInsertionMultiplies = {
    total: per * rh.total * rw.total,
    useful: per * rh.real * rw.real,
    insertedZeros: per * (rh.inside * rw.inside - rh.real * rw.real),
    paddingZeros: per * (rh.total * rw.total - rh.inside * rw.inside),
  };
  return {
    output, geometry: g, upsampled, kernel, convAttrs, multiplies,
    padsBegin: spatial(rank, PT, PL), padsEnd: spatial(rank, PB, PR),
  };
}

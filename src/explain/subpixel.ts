// Sub-pixel (polyphase) view, dilation 1: output pixel o has phase r = (o + padBegin) mod s and
// cell t = ⌊(o + padBegin) / s⌋, and only the taps k ≡ r (mod s) reach it:
//   y[o] = Σ_{j < T} x[t − j] · w[r + j·s],   T = ⌈k/s⌉
// so the s_H·s_W phases are small dense convolutions of the low-resolution input with T_H×T_W
// phase kernels w_r[j] = w[r + j·s] (zero past the kernel), and their outputs interleave into y.
// No multiplication by an inserted zero; when s does not divide k the phase kernels' padding is the only waste.
import type { ConvTransposeAttrs } from "../attrs.js";
import { UnsupportedError } from "../errors.js";
import { type Tensor, tensor, plain } from "../tensor.js";
import { type ExplainGeometry, planar, resolveView } from "./geometry.js";

/** Result of explain.subpixel. */
export interface SubpixelView {
  /** y [N, M, outH, outW], the interleaved phase outputs (+ b): equal to convTranspose(x, w, b, attrs). */
  output: Tensor;
  geometry: ExplainGeometry;
  /** T per axis: taps of each phase kernel, ⌈k/s⌉. */
  taps: number[];
  /**
   * The s_H·s_W phase kernels [sH, sW, C, M/group, TH, TW] (rank 1: [s, C, M/group, T]):
   * phaseKernels[rH, rW, c, m, jh, jw] = w[c, m, rH + jh·sH, rW + jw·sW], 0 past the kernel.
   */
  phaseKernels: Tensor;
  /**
   * Each phase's convolution over the cells t ∈ [firstCell, firstCell + cells) per axis:
   * [sH, sW, N, M, cellsH, cellsW] (rank 1: [s, N, M, cells]),
   * phaseOutputs[rH, rW, n, g·M/g + m, th, tw] = Σ_{c, jh, jw} x[n, c, tH − jh, tW − jw] · phaseKernels[rH, rW, c, m, jh, jw]
   * with the cell t = firstCell + index on each axis, c over group g's input channels, x = 0 outside.
   */
  phaseOutputs: Tensor;
  /** First cell per axis: ⌊padBegin / s⌋. */
  firstCell: number[];
  /** Interleaving, per axis and output coordinate o: the phase (o + padBegin) mod s … */
  phaseOf: number[][];
  /** … and the index into phaseOutputs' cell axis, ⌊(o + padBegin) / s⌋ − firstCell. */
  cellOf: number[][];
  /** Zero entries of the phase kernels that pad k up to T·s: C·(M/group)·(∏ T·s − ∏ k). */
  zeroTaps: number;
}

const mod = (a: number, s: number): number => ((a % s) + s) % s;

/**
 * The transposed convolution as s² phase convolutions interleaved. Throws UnsupportedError for
 * dilation ≠ 1 (a dilated kernel's taps do not split into phases of the stride this way).
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [C, M/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs convTranspose's attributes
 */
export function subpixel(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs): SubpixelView {
  x = plain(x); w = plain(w); b = plain(b); // read element by element below
  const g = resolveView("explain.subpixel", x, w, b, attrs);
  if (g.dilations.some((d) => d !== 1)) {
    throw new UnsupportedError(`explain.subpixel: the sub-pixel view needs dilation 1, got dilations [${g.dilations.join(", ")}]; use another view`);
  }
  const { N, C, M, group, rank } = g;
  const { H, W, OH, OW, KH, KW, sH, sW, pT, pL } = planar(g);
  const Cg = C / group, Mg = M / group;
  const TH = Math.ceil(KH / sH), TW = Math.ceil(KW / sW);
  const u0H = Math.floor(pT / sH), u0W = Math.floor(pL / sW);
  const cellsH = Math.floor((OH - 1 + pT) / sH) - u0H + 1, cellsW = Math.floor((OW - 1 + pL) / sW) - u0W + 1;

  // Phase kernels: wk[rH, rW, c, m, jh, jw] = w[c, m, rH + jh·sH, rW + jw·sW].
  const wk = new Float32Array(sH * sW * C * Mg * TH * TW);
  for (let rH = 0; rH < sH; rH++) {
    for (let rW = 0; rW < sW; rW++) {
      for (let c = 0; c < C; c++) {
        for (let m = 0; m < Mg; m++) {
          for (let jh = 0; jh < TH; jh++) {
            const kh = rH + jh * sH;
            for (let jw = 0; jw < TW; jw++) {
              const kw = rW + jw * sW;
              if (kh >= KH || kw >= KW) continue; // past the kernel: a zero tap
              wk[((((rH * sW + rW) * C + c) * Mg + m) * TH + jh) * TW + jw] = w.data[((c * Mg + m) * KH + kh) * KW + kw];
            }
          }
        }
      }
    }
  }

  // Phase outputs: P[r][n, m, t] = Σ_j x[t − j]·wk[r][j], t = u0 + cell, over the input channels of m's group.
  const P = new Float32Array(sH * sW * N * M * cellsH * cellsW);
  for (let rH = 0; rH < sH; rH++) {
    for (let rW = 0; rW < sW; rW++) {
      const phase = rH * sW + rW;
      for (let n = 0; n < N; n++) {
        for (let mo = 0; mo < M; mo++) {
          const gi = Math.floor(mo / Mg), m = mo % Mg;
          for (let ch = 0; ch < cellsH; ch++) {
            for (let cw = 0; cw < cellsW; cw++) {
              let acc = 0;
              for (let cl = 0; cl < Cg; cl++) {
                const c = gi * Cg + cl;
                for (let jh = 0; jh < TH; jh++) {
                  const ih = u0H + ch - jh; // x[t − j]
                  if (ih < 0 || ih >= H) continue;
                  for (let jw = 0; jw < TW; jw++) {
                    const iw = u0W + cw - jw;
                    if (iw < 0 || iw >= W) continue;
                    acc += x.data[((n * C + c) * H + ih) * W + iw] * wk[((((phase * C) + c) * Mg + m) * TH + jh) * TW + jw];
                  }
                }
              }
              P[(((phase * N + n) * M + mo) * cellsH + ch) * cellsW + cw] = acc;
            }
          }
        }
      }
    }
  }

  // Interleave: y[o] = P[(o + p) mod s][⌊(o + p)/s⌋ − u0] + b, every output written once.
  const phaseH = Array.from({ length: OH }, (_, o) => mod(o + pT, sH));
  const phaseW = Array.from({ length: OW }, (_, o) => mod(o + pL, sW));
  const cellH = Array.from({ length: OH }, (_, o) => Math.floor((o + pT) / sH) - u0H);
  const cellW = Array.from({ length: OW }, (_, o) => Math.floor((o + pL) / sW) - u0W);
  const y = new Float32Array(N * M * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let mo = 0; mo < M; mo++) {
      const bias = b == null ? 0 : b.data[mo];
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const phase = phaseH[oh] * sW + phaseW[ow];
          y[((n * M + mo) * OH + oh) * OW + ow] = P[(((phase * N + n) * M + mo) * cellsH + cellH[oh]) * cellsW + cellW[ow]] + bias;
        }
      }
    }
  }

  const two = rank === 2;
  return {
    output: tensor(y, [N, M, ...g.output]),
    geometry: g,
    taps: two ? [TH, TW] : [TW],
    phaseKernels: tensor(wk, two ? [sH, sW, C, Mg, TH, TW] : [sW, C, Mg, TW]),
    phaseOutputs: tensor(P, two ? [sH, sW, N, M, cellsH, cellsW] : [sW, N, M, cellsW]),
    firstCell: two ? [u0H, u0W] : [u0W],
    phaseOf: two ? [phaseH, phaseW] : [phaseW],
    cellOf: two ? [cellH, cellW] : [cellW],
    zeroTaps: C * Mg * (sH * sW * TH * TW - KH * KW),
  };
}

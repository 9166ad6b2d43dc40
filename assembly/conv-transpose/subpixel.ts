// Sub-pixel (polyphase) transposed convolution, the two data-movement steps around its GEMM
// (src/ops/conv-transpose/subpixel.ts explains the whole path):
//  - f32_subpixel_pack_weights: the s_H·s_W phase kernels of ⌈k/s⌉ taps each, as GEMM rows;
//  - f32_subpixel_interleave__fast: phase outputs → output pixels, every output written once.
// Output pixel (oh, ow) belongs to phase (rH, rW) = ((oh + PT) mod SH, (ow + PL) mod SW) and cell
// (a, b) = (⌊(oh + PT)/SH⌋ − U0H, ⌊(ow + PL)/SW⌋ − U0W). Blocks: SP_* and SPW_* in params.ts.
// Reference of the interleave with the same ABI: subpixel-ref.ts. The packing is checked through
// the convTranspose tests that force the sub-pixel path against the other paths and references.
import {
  word, ptr, SP_M, SP_OH, SP_OW, SP_SH, SP_SW, SP_PT, SP_PL, SP_U0H, SP_U0W, SP_NUH, SP_NUW,
  SP_PHASES, SP_BIAS, SP_Y, SPW_G, SPW_CG, SPW_MG, SPW_KH, SPW_KW, SPW_SH, SPW_SW, SPW_TH, SPW_TW,
  SPW_W, SPW_OUT,
} from "../params";

export function f32_subpixel_pack_weights(p: usize): void {
  const G = word(p, SPW_G), CG = word(p, SPW_CG), MG = word(p, SPW_MG);
  const KH = word(p, SPW_KH), KW = word(p, SPW_KW), SH = word(p, SPW_SH), SW = word(p, SPW_SW);
  const TH = word(p, SPW_TH), TW = word(p, SPW_TW);
  const w = ptr(p, SPW_W);
  let out = ptr(p, SPW_OUT);
  for (let g = 0; g < G; g++) for (let m = 0; m < MG; m++) for (let rH = 0; rH < SH; rH++) for (let rW = 0; rW < SW; rW++) {
    for (let c = 0; c < CG; c++) {
      const src = w + (<usize>(((g * CG + c) * MG + m) * KH * KW) << 2);
      for (let a = 0; a < TH; a++) {
        const kh = rH + (TH - 1 - a) * SH;
        for (let b = 0; b < TW; b++) {
          const kw = rW + (TW - 1 - b) * SW;
          store<f32>(out, kh < KH && kw < KW ? load<f32>(src + (<usize>(kh * KW + kw) << 2)) : 0);
          out += 4;
        }
      }
    }
  }
}

export function f32_subpixel_interleave__fast(p: usize): void {
  const M = word(p, SP_M), OH = word(p, SP_OH), OW = word(p, SP_OW);
  const SH = word(p, SP_SH), SW = word(p, SP_SW), PT = word(p, SP_PT), PL = word(p, SP_PL);
  const U0H = word(p, SP_U0H), U0W = word(p, SP_U0W), NUH = word(p, SP_NUH), NUW = word(p, SP_NUW);
  const P = ptr(p, SP_PHASES), bias = ptr(p, SP_BIAS), y = ptr(p, SP_Y);
  const cells = NUH * NUW;
  // Loop (m, rH, a): the SW phase rows of (m, rH) — SW·cells floats — stay in cache while every
  // output row of that phase row class is written.
  for (let m = 0; m < M; m++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0;
    const yplane = y + (<usize>(m * OH) << 2) * <usize>OW;
    for (let rH = 0; rH < SH; rH++) {
      const rowBase = P + (<usize>((m * SH + rH) * SW * cells) << 2);
      for (let a = 0; a < NUH; a++) {
        const oh = (U0H + a) * SH + rH - PT;
        if (oh < 0 || oh >= OH) continue;
        const yrow = yplane + (<usize>(oh * OW) << 2);
        for (let rW = 0; rW < SW; rW++) {
          // ow = (U0W + b)·SW + rW − PL inside [0, OW)
          const first = (U0W * SW + rW - PL);
          const bLo = first >= 0 ? 0 : (SW - 1 - first) / SW;
          const lastNum = OW - 1 - first;
          if (lastNum < 0) continue;
          const bHi = min(NUW - 1, lastNum / SW);
          let src = rowBase + (<usize>(rW * cells + a * NUW + bLo) << 2);
          let q = yrow + (<usize>(first + bLo * SW) << 2);
          const step = <usize>SW << 2;
          for (let b = bLo; b <= bHi; b++) {
            store<f32>(q, load<f32>(src) + bv);
            src += 4;
            q += step;
          }
        }
      }
    }
  }
}

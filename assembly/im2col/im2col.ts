// im2col: image [C, H, W] → columns [C·KH·KW, OH·OW] (the layout of PyTorch's unfold; ONNX
// Col2Im's input). cols[(c·KH + kh)·KW + kw, oh·OW + ow] = x[c, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW],
// zero where that pixel lies in the padding. Geometry block: GEO_* in params.ts.
// Fast kernel: per (row, oh) it computes the valid ow range once, zero-fills outside it and copies
// inside it (memory.copy when SW = 1). Reference with the same ABI: im2col-ref.ts.
import {
  word, ptr, GEO_C, GEO_H, GEO_W, GEO_KH, GEO_KW, GEO_SH, GEO_SW, GEO_PT, GEO_PL, GEO_DH, GEO_DW,
  GEO_OH, GEO_OW, GEO_SRC, GEO_DST,
} from "../params";
import { firstInside, endInside } from "./window";

export function f32_im2col__fast(p: usize): void {
  const C = word(p, GEO_C), H = word(p, GEO_H), W = word(p, GEO_W);
  const KH = word(p, GEO_KH), KW = word(p, GEO_KW), SH = word(p, GEO_SH), SW = word(p, GEO_SW);
  const PT = word(p, GEO_PT), PL = word(p, GEO_PL), DH = word(p, GEO_DH), DW = word(p, GEO_DW);
  const OH = word(p, GEO_OH), OW = word(p, GEO_OW);
  const x = ptr(p, GEO_SRC);
  let out = ptr(p, GEO_DST);
  const owBytes = <usize>OW << 2;
  for (let c = 0; c < C; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < KH; kh++) {
      const shiftH = kh * DH - PT;
      for (let kw = 0; kw < KW; kw++) {
        const shiftW = kw * DW - PL;
        const lo = firstInside(shiftW, SW);
        const hi = max(lo, endInside(shiftW, SW, W, OW));
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * SH + shiftH;
          if (ih < 0 || ih >= H || lo >= hi) {
            memory.fill(out, 0, owBytes);
          } else {
            if (lo > 0) memory.fill(out, 0, <usize>lo << 2);
            const src = plane + (<usize>(ih * W + lo * SW + shiftW) << 2);
            const dst = out + (<usize>lo << 2);
            if (SW == 1) {
              memory.copy(dst, src, <usize>(hi - lo) << 2);
            } else {
              const step = <usize>SW << 2;
              let s = src;
              for (let q = dst, end = out + (<usize>hi << 2); q < end; q += 4) {
                store<f32>(q, load<f32>(s));
                s += step;
              }
            }
            if (hi < OW) memory.fill(out + (<usize>hi << 2), 0, <usize>(OW - hi) << 2);
          }
          out += owBytes;
        }
      }
    }
  }
}

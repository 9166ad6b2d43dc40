// col2im: columns [C·KH·KW, OH·OW] → image [C, H, W], the adjoint of im2col (ONNX Col2Im):
// x[c, ih, iw] = Σ cols[(c·KH + kh)·KW + kw, oh·OW + ow] over all (kh, kw, oh, ow) with
// ih = oh·SH − PT + kh·DH and iw = ow·SW − PL + kw·DW; entries landing in the padding are dropped.
// It overwrites the whole image (zero, then overlap-add). It is also the scatter half of a
// transposed convolution. Reference with the same ABI: col2im-ref.ts.
import {
  word, ptr, GEO_C, GEO_H, GEO_W, GEO_KH, GEO_KW, GEO_SH, GEO_SW, GEO_PT, GEO_PL, GEO_DH, GEO_DW,
  GEO_OH, GEO_OW, GEO_SRC, GEO_DST,
} from "../params";
import { firstInside, endInside } from "./window";

export function f32_col2im__fast(p: usize): void {
  const C = word(p, GEO_C), H = word(p, GEO_H), W = word(p, GEO_W);
  const KH = word(p, GEO_KH), KW = word(p, GEO_KW), SH = word(p, GEO_SH), SW = word(p, GEO_SW);
  const PT = word(p, GEO_PT), PL = word(p, GEO_PL), DH = word(p, GEO_DH), DW = word(p, GEO_DW);
  const OH = word(p, GEO_OH), OW = word(p, GEO_OW);
  let col = ptr(p, GEO_SRC);
  const x = ptr(p, GEO_DST);
  memory.fill(x, 0, <usize>(C * H * W) << 2);
  const owBytes = <usize>OW << 2;
  for (let c = 0; c < C; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < KH; kh++) {
      const shiftH = kh * DH - PT;
      const ohLo = firstInside(shiftH, SH), ohHi = endInside(shiftH, SH, H, OH);
      for (let kw = 0; kw < KW; kw++) {
        const shiftW = kw * DW - PL;
        const lo = firstInside(shiftW, SW), hi = endInside(shiftW, SW, W, OW);
        if (lo < hi) {
          for (let oh = ohLo; oh < ohHi; oh++) {
            const ih = oh * SH + shiftH;
            let s = col + <usize>oh * owBytes + (<usize>lo << 2);
            let q = plane + (<usize>(ih * W + lo * SW + shiftW) << 2);
            if (SW == 1) {
              const n = hi - lo;
              let j = 0;
              for (; j + 4 <= n; j += 4) {
                v128.store(q, f32x4.add(v128.load(q), v128.load(s)));
                q += 16; s += 16;
              }
              for (; j < n; j++) {
                store<f32>(q, load<f32>(q) + load<f32>(s));
                q += 4; s += 4;
              }
            } else {
              const step = <usize>SW << 2;
              for (let ow = lo; ow < hi; ow++) {
                store<f32>(q, load<f32>(q) + load<f32>(s));
                q += step; s += 4;
              }
            }
          }
        }
        col += <usize>OH * owBytes;
      }
    }
  }
}

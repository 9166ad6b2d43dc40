// Max pooling over planes [C, H, W] → [C, OH, OW] (C counts every plane of the batch):
// y[c, oh, ow] = max over taps (kh, kw) inside the image of x[c, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW].
// Padding never wins (as if it held −∞); a window with no tap inside the image yields −∞.
// Fast kernel: the valid tap ranges of each window are computed once per window, so the inner
// loops carry no bounds test. Reference with the same ABI: max-pool-ref.ts.
import {
  word, ptr, GEO_C, GEO_H, GEO_W, GEO_KH, GEO_KW, GEO_SH, GEO_SW, GEO_PT, GEO_PL, GEO_DH, GEO_DW,
  GEO_OH, GEO_OW, GEO_SRC, GEO_DST,
} from "../params";
import { firstInside, endInside } from "../im2col/window";

export function f32_max_pool__fast(p: usize): void {
  const C = word(p, GEO_C), H = word(p, GEO_H), W = word(p, GEO_W);
  const KH = word(p, GEO_KH), KW = word(p, GEO_KW), SH = word(p, GEO_SH), SW = word(p, GEO_SW);
  const PT = word(p, GEO_PT), PL = word(p, GEO_PL), DH = word(p, GEO_DH), DW = word(p, GEO_DW);
  const OH = word(p, GEO_OH), OW = word(p, GEO_OW);
  const x = ptr(p, GEO_SRC);
  let y = ptr(p, GEO_DST);
  for (let c = 0; c < C; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      // taps kh with 0 ≤ oh·SH − PT + kh·DH < H: the window axis read "kh-major" (stride DH).
      const baseH = oh * SH - PT;
      const khLo = firstInside(baseH, DH), khHi = endInside(baseH, DH, H, KH);
      for (let ow = 0; ow < OW; ow++) {
        const baseW = ow * SW - PL;
        const kwLo = firstInside(baseW, DW), kwHi = endInside(baseW, DW, W, KW);
        let m: f32 = -Infinity;
        for (let kh = khLo; kh < khHi; kh++) {
          let q = plane + (<usize>((baseH + kh * DH) * W + baseW + kwLo * DW) << 2);
          const step = <usize>DW << 2;
          for (let kw = kwLo; kw < kwHi; kw++) {
            m = max(m, load<f32>(q));
            q += step;
          }
        }
        store<f32>(y, m);
        y += 4;
      }
    }
  }
}

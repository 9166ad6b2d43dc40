// Reference max pooling with the ABI of f32_max_pool__fast: every tap, one bounds test each.
import {
  word, ptr, GEO_C, GEO_H, GEO_W, GEO_KH, GEO_KW, GEO_SH, GEO_SW, GEO_PT, GEO_PL, GEO_DH, GEO_DW,
  GEO_OH, GEO_OW, GEO_SRC, GEO_DST,
} from "../params";

export function f32_max_pool__ref(p: usize): void {
  const C = word(p, GEO_C), H = word(p, GEO_H), W = word(p, GEO_W);
  const KH = word(p, GEO_KH), KW = word(p, GEO_KW), SH = word(p, GEO_SH), SW = word(p, GEO_SW);
  const PT = word(p, GEO_PT), PL = word(p, GEO_PL), DH = word(p, GEO_DH), DW = word(p, GEO_DW);
  const OH = word(p, GEO_OH), OW = word(p, GEO_OW);
  const x = ptr(p, GEO_SRC), y = ptr(p, GEO_DST);
  for (let c = 0; c < C; c++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let m: f32 = -Infinity;
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) m = max(m, load<f32>(x + (<usize>((c * H + ih) * W + iw) << 2)));
    }
    store<f32>(y + (<usize>((c * OH + oh) * OW + ow) << 2), m);
  }
}

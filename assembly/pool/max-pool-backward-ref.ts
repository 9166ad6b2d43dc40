// Reference max pooling backward with the ABI of f32_max_pool_backward__fast: every tap of every
// window with a bounds test, the argmax rule spelled out.
import {
  word, ptr, GEO_C, GEO_H, GEO_W, GEO_KH, GEO_KW, GEO_SH, GEO_SW, GEO_PT, GEO_PL, GEO_DH, GEO_DW,
  GEO_OH, GEO_OW, GEO_SRC, GEO_DST, GEO_GRAD,
} from "../params";

export function f32_max_pool_backward__ref(p: usize): void {
  const C = word(p, GEO_C), H = word(p, GEO_H), W = word(p, GEO_W);
  const KH = word(p, GEO_KH), KW = word(p, GEO_KW), SH = word(p, GEO_SH), SW = word(p, GEO_SW);
  const PT = word(p, GEO_PT), PL = word(p, GEO_PL), DH = word(p, GEO_DH), DW = word(p, GEO_DW);
  const OH = word(p, GEO_OH), OW = word(p, GEO_OW);
  const x = ptr(p, GEO_SRC), dx = ptr(p, GEO_DST), dy = ptr(p, GEO_GRAD);
  for (let i = 0; i < C * H * W; i++) store<f32>(dx + (<usize>i << 2), 0);
  for (let c = 0; c < C; c++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let best: f32 = 0;
    let arg = -1;
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const v = load<f32>(x + (<usize>((c * H + ih) * W + iw) << 2));
      // first tap wins ties; a NaN beats any number (and the first NaN stays)
      const better = arg < 0 || (isNaN(v) && !isNaN(best)) || (!isNaN(best) && v > best);
      if (better) { best = v; arg = (c * H + ih) * W + iw; }
    }
    if (arg >= 0) {
      const q = dx + (<usize>arg << 2);
      store<f32>(q, load<f32>(q) + load<f32>(dy + (<usize>((c * OH + oh) * OW + ow) << 2)));
    }
  }
}

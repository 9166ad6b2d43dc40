// Reference depthwise transposed convolution with the ABI of f32_conv_transpose_depthwise__simd,
// in gather form: y[m, oh, ow] = bias[m] + Σ_{kh, kw} x[c, ih, iw]·w[m, kh, kw] where
// ih = (oh + PT − kh·DH) / SH and iw = (ow + PL − kw·DW) / SW must be whole and inside the input.
import {
  word, ptr, CT_C, CT_MULT, CT_H, CT_W, CT_KH, CT_KW, CT_SH, CT_SW, CT_PT, CT_PL, CT_DH, CT_DW,
  CT_OH, CT_OW, CT_X, CT_WEIGHTS, CT_BIAS, CT_Y,
} from "../params";

export function f32_conv_transpose_depthwise__ref(p: usize): void {
  const C = word(p, CT_C), MULT = word(p, CT_MULT), H = word(p, CT_H), W = word(p, CT_W);
  const KH = word(p, CT_KH), KW = word(p, CT_KW), SH = word(p, CT_SH), SW = word(p, CT_SW);
  const PT = word(p, CT_PT), PL = word(p, CT_PL), DH = word(p, CT_DH), DW = word(p, CT_DW);
  const OH = word(p, CT_OH), OW = word(p, CT_OW);
  const x = ptr(p, CT_X), w = ptr(p, CT_WEIGHTS), bias = ptr(p, CT_BIAS), y = ptr(p, CT_Y);
  for (let m = 0; m < C * MULT; m++) {
    const c = m / MULT;
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      let acc: f64 = bias != 0 ? <f64>load<f32>(bias + (<usize>m << 2)) : 0;
      for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
        const qh = oh + PT - kh * DH, qw = ow + PL - kw * DW;
        if (qh < 0 || qw < 0 || qh % SH != 0 || qw % SW != 0) continue;
        const ih = qh / SH, iw = qw / SW;
        if (ih >= H || iw >= W) continue;
        acc += <f64>load<f32>(x + (<usize>((c * H + ih) * W + iw) << 2)) * <f64>load<f32>(w + (<usize>((m * KH + kh) * KW + kw) << 2));
      }
      store<f32>(y + (<usize>((m * OH + oh) * OW + ow) << 2), <f32>acc);
    }
  }
}

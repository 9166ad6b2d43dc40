// Reference depthwise transposed convolution with the ABI of f32_conv_transpose_depthwise__simd,
// in gather form: y[m, oh, ow] = bias[m] + Σ_{kh, kw} x[c, ih, iw]·w[m, kh, kw] where
// ih = (oh + PT − kh·DH) / SH and iw = (ow + PL − kw·DW) / SW must be whole and inside the input.
import { TransposedParams } from "../params";

export function f32_conv_transpose_depthwise__ref(p: usize): void {
  const t = changetype<TransposedParams>(p);
  const x = t.x, w = t.w, bias = t.bias, y = t.y;
  for (let m = 0; m < t.C * t.mult; m++) {
    const c = m / t.mult;
    for (let oh = 0; oh < t.OH; oh++) for (let ow = 0; ow < t.OW; ow++) {
      let acc: f64 = bias != 0 ? <f64>load<f32>(bias + (<usize>m << 2)) : 0;
      for (let kh = 0; kh < t.KH; kh++) for (let kw = 0; kw < t.KW; kw++) {
        const qh = oh + t.PT - kh * t.DH, qw = ow + t.PL - kw * t.DW;
        if (qh < 0 || qw < 0 || qh % t.SH != 0 || qw % t.SW != 0) continue;
        const ih = qh / t.SH, iw = qw / t.SW;
        if (ih >= t.H || iw >= t.W) continue;
        acc += <f64>load<f32>(x + (<usize>((c * t.H + ih) * t.W + iw) << 2)) * <f64>load<f32>(w + (<usize>((m * t.KH + kh) * t.KW + kw) << 2));
      }
      store<f32>(y + (<usize>((m * t.OH + oh) * t.OW + ow) << 2), <f32>acc);
    }
  }
}

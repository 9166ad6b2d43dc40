// Reference depthwise convolution with the ABI of f32_conv_depthwise__simd, straight from the
// definition: y[m, oh, ow] = bias[m] + Σ_{kh, kw} xpad[⌊m/mult⌋, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW]·w[m, kh, kw],
// xpad being x with zeros outside it (float64 sums). It leaves the workspace alone.
import { DepthwiseParams } from "../params";

export function f32_conv_depthwise__ref(p: usize): void {
  const d = changetype<DepthwiseParams>(p);
  for (let m = 0; m < d.C * d.mult; m++) {
    const c = m / d.mult;
    for (let oh = 0; oh < d.OH; oh++) for (let ow = 0; ow < d.OW; ow++) {
      let acc: f64 = d.bias != 0 ? <f64>load<f32>(d.bias + (<usize>m << 2)) : 0;
      for (let kh = 0; kh < d.KH; kh++) for (let kw = 0; kw < d.KW; kw++) {
        const ih = oh * d.SH - d.PT + kh * d.DH, iw = ow * d.SW - d.PL + kw * d.DW;
        const inside = ih >= 0 && ih < d.H && iw >= 0 && iw < d.W;
        const v: f64 = inside ? <f64>load<f32>(d.x + (<usize>((c * d.H + ih) * d.W + iw) << 2)) : 0;
        acc += v * <f64>load<f32>(d.w + (<usize>((m * d.KH + kh) * d.KW + kw) << 2));
      }
      store<f32>(d.y + (<usize>((m * d.OH + oh) * d.OW + ow) << 2), <f32>acc);
    }
  }
}

// Reference depthwise convolution on volumes with the ABI of f32_conv_depthwise3d__simd: the
// definition's sum in float64, padding zeros included as terms (so 0·NaN is NaN).
import { DepthwiseVolumeParams } from "../params";

export function f32_conv_depthwise3d__ref(p: usize): void {
  const t = changetype<DepthwiseVolumeParams>(p);
  for (let m = 0; m < t.C * t.mult; m++) {
    const c = m / t.mult;
    for (let od = 0; od < t.OD; od++) for (let oh = 0; oh < t.OH; oh++) for (let ow = 0; ow < t.OW; ow++) {
      let acc: f64 = t.bias != 0 ? <f64>load<f32>(t.bias + (<usize>m << 2)) : 0;
      for (let kd = 0; kd < t.KD; kd++) for (let kh = 0; kh < t.KH; kh++) for (let kw = 0; kw < t.KW; kw++) {
        const id = od * t.SD - t.PF + kd * t.DD, ih = oh * t.SH - t.PT + kh * t.DH, iw = ow * t.SW - t.PL + kw * t.DW;
        const inside = id >= 0 && id < t.D && ih >= 0 && ih < t.H && iw >= 0 && iw < t.W;
        const xv: f64 = inside ? <f64>load<f32>(t.x + (<usize>(((c * t.D + id) * t.H + ih) * t.W + iw) << 2)) : 0;
        acc += xv * <f64>load<f32>(t.w + (<usize>(((m * t.KD + kd) * t.KH + kh) * t.KW + kw) << 2));
      }
      store<f32>(t.y + (<usize>(((m * t.OD + od) * t.OH + oh) * t.OW + ow) << 2), <f32>acc);
    }
  }
}

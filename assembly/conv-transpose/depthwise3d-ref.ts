// Reference depthwise transposed convolution on volumes with the ABI of
// f32_conv_transpose_depthwise3d__simd, in gather form: y[m, od, oh, ow] = bias[m] +
// Σ_{kd, kh, kw} x[c, id, ih, iw]·w[m, kd, kh, kw] where id = (od + PF − kd·DD) / SD,
// ih = (oh + PT − kh·DH) / SH and iw = (ow + PL − kw·DW) / SW must be whole and inside the input.
import { TransposedVolumeParams } from "../params";

/** The input index (o + P − k·Dil) / S when it is whole and inside [0, L), else −1. */
function source(o: i32, k: i32, S: i32, P: i32, Dil: i32, L: i32): i32 {
  const q = o + P - k * Dil;
  if (q < 0 || q % S != 0 || q / S >= L) return -1;
  return q / S;
}

export function f32_conv_transpose_depthwise3d__ref(p: usize): void {
  const t = changetype<TransposedVolumeParams>(p);
  for (let m = 0; m < t.C * t.mult; m++) {
    const c = m / t.mult;
    for (let od = 0; od < t.OD; od++) for (let oh = 0; oh < t.OH; oh++) for (let ow = 0; ow < t.OW; ow++) {
      let acc: f64 = t.bias != 0 ? <f64>load<f32>(t.bias + (<usize>m << 2)) : 0;
      for (let kd = 0; kd < t.KD; kd++) for (let kh = 0; kh < t.KH; kh++) for (let kw = 0; kw < t.KW; kw++) {
        const id = source(od, kd, t.SD, t.PF, t.DD, t.D), ih = source(oh, kh, t.SH, t.PT, t.DH, t.H), iw = source(ow, kw, t.SW, t.PL, t.DW, t.W);
        if (id < 0 || ih < 0 || iw < 0) continue;
        acc += <f64>load<f32>(t.x + (<usize>(((c * t.D + id) * t.H + ih) * t.W + iw) << 2)) *
          <f64>load<f32>(t.w + (<usize>(((m * t.KD + kd) * t.KH + kh) * t.KW + kw) << 2));
      }
      store<f32>(t.y + (<usize>(((m * t.OD + od) * t.OH + oh) * t.OW + ow) << 2), <f32>acc);
    }
  }
}

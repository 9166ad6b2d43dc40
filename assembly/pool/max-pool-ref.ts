// Reference max pooling with the ABI of f32_max_pool__simd: every tap, one bounds test each.
import { WindowParams } from "../params";

export function f32_max_pool__ref(p: usize): void {
  const g = changetype<WindowParams>(p);
  const x = g.src, y = g.dst;
  for (let c = 0; c < g.C; c++) for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
    let m: f32 = -Infinity;
    for (let kh = 0; kh < g.KH; kh++) for (let kw = 0; kw < g.KW; kw++) {
      const ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
      if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) m = max(m, load<f32>(x + (<usize>((c * g.H + ih) * g.W + iw) << 2)));
    }
    store<f32>(y + (<usize>((c * g.OH + oh) * g.OW + ow) << 2), m);
  }
}

// Reference im2col with the ABI of f32_im2col__scalar: one bounds test per element.
import { WindowParams } from "../params";

export function f32_im2col__ref(p: usize): void {
  const g = changetype<WindowParams>(p);
  const x = g.src, cols = g.dst;
  for (let c = 0; c < g.C; c++) for (let kh = 0; kh < g.KH; kh++) for (let kw = 0; kw < g.KW; kw++) {
    const row = (c * g.KH + kh) * g.KW + kw;
    for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
      const ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
      const v: f32 = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W ? load<f32>(x + (<usize>((c * g.H + ih) * g.W + iw) << 2)) : 0;
      store<f32>(cols + (<usize>(row * g.OH * g.OW + oh * g.OW + ow) << 2), v);
    }
  }
}

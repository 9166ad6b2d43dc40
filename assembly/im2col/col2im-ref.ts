// Reference col2im with the ABI of f32_col2im__simd: zero the image, then add every column entry
// whose pixel lies inside it, testing bounds per element.
import { WindowParams } from "../params";

export function f32_col2im__ref(p: usize): void {
  const g = changetype<WindowParams>(p);
  const cols = g.src, x = g.dst;
  for (let i = 0; i < g.C * g.H * g.W; i++) store<f32>(x + (<usize>i << 2), 0);
  for (let c = 0; c < g.C; c++) for (let kh = 0; kh < g.KH; kh++) for (let kw = 0; kw < g.KW; kw++) {
    const row = (c * g.KH + kh) * g.KW + kw;
    for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
      const ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
      if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
      const q = x + (<usize>((c * g.H + ih) * g.W + iw) << 2);
      store<f32>(q, load<f32>(q) + load<f32>(cols + (<usize>(row * g.OH * g.OW + oh * g.OW + ow) << 2)));
    }
  }
}

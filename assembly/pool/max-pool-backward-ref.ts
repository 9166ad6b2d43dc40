// Reference max pooling backward with the ABI of f32_max_pool_backward__scalar: every tap of every
// window with a bounds test, the argmax rule spelled out.
import { WindowParams } from "../params";

export function f32_max_pool_backward__ref(p: usize): void {
  const g = changetype<WindowParams>(p);
  const x = g.src, dx = g.dst, dy = g.grad;
  for (let i = 0; i < g.C * g.H * g.W; i++) store<f32>(dx + (<usize>i << 2), 0);
  for (let c = 0; c < g.C; c++) for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
    let best: f32 = 0;
    let arg = -1;
    for (let kh = 0; kh < g.KH; kh++) for (let kw = 0; kw < g.KW; kw++) {
      const ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
      if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
      const v = load<f32>(x + (<usize>((c * g.H + ih) * g.W + iw) << 2));
      // first tap wins ties; a NaN beats any number (and the first NaN stays)
      const better = arg < 0 || (isNaN(v) && !isNaN(best)) || (!isNaN(best) && v > best);
      if (better) { best = v; arg = (c * g.H + ih) * g.W + iw; }
    }
    if (arg >= 0) {
      const q = dx + (<usize>arg << 2);
      store<f32>(q, load<f32>(q) + load<f32>(dy + (<usize>((c * g.OH + oh) * g.OW + ow) << 2)));
    }
  }
}

// Max pooling backward: dx[c, ih, iw] = Σ dy[c, oh, ow] over the windows whose maximum is (ih, iw).
// A window's maximum is its first tap (kh-major, then kw) holding the largest value inside the
// image, NaN counting as largest (as the forward's f32.max propagates it); padding never wins.
// dx is zeroed, then each window adds its dy to its argmax. Geometry: WindowParams in params.ts,
// with src = x, grad = dy, dst = dx. Reference with the same ABI: max-pool-backward-ref.ts.
import { WindowParams } from "../params";
import { firstInside, endInside } from "../im2col/window";

export function f32_max_pool_backward__scalar(p: usize): void {
  const g = changetype<WindowParams>(p);
  // What the loop over windows reads: locals, so the block is not reloaded per window.
  const x = g.src, dx = g.dst, planeFloats = g.H * g.W;
  const W = g.W, KW = g.KW, SW = g.SW, PL = g.PL, DH = g.DH, DW = g.DW, OW = g.OW;
  let dy = g.grad;
  memory.fill(dx, 0, <usize>(g.C * planeFloats) << 2);
  for (let c = 0; c < g.C; c++) {
    const plane = <usize>(c * planeFloats) << 2;
    for (let oh = 0; oh < g.OH; oh++) {
      const baseH = oh * g.SH - g.PT;
      const khLo = firstInside(baseH, DH), khHi = endInside(baseH, DH, g.H, g.KH);
      for (let ow = 0; ow < OW; ow++) {
        const baseW = ow * SW - PL;
        const kwLo = firstInside(baseW, DW), kwHi = endInside(baseW, DW, W, KW);
        let best: f32 = -Infinity;
        let arg: i32 = -1;
        for (let kh = khLo; kh < khHi; kh++) {
          const row = (baseH + kh * DH) * W;
          for (let kw = kwLo; kw < kwHi; kw++) {
            const i = row + baseW + kw * DW;
            const v = load<f32>(x + plane + (<usize>i << 2));
            if (arg < 0 || v > best || (v != v && best == best)) {
              best = v;
              arg = i;
            }
          }
        }
        if (arg >= 0) {
          const q = dx + plane + (<usize>arg << 2);
          store<f32>(q, load<f32>(q) + load<f32>(dy));
        }
        dy += 4;
      }
    }
  }
}

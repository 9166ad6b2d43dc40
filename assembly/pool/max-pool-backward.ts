// Max pooling backward: dx[c, ih, iw] = Σ dy[c, oh, ow] over the windows whose maximum is (ih, iw).
// A window's maximum is its first tap (kh-major, then kw) holding the largest value inside the
// image, NaN counting as largest (as the forward's f32.max propagates it); padding never wins.
// dx is zeroed, then each window adds its dy to its argmax. Geometry: GEO_* in params.ts, with
// GEO_SRC = x, GEO_GRAD = dy, GEO_DST = dx. Reference with the same ABI: max-pool-backward-ref.ts.
import {
  word, ptr, GEO_C, GEO_H, GEO_W, GEO_KH, GEO_KW, GEO_SH, GEO_SW, GEO_PT, GEO_PL, GEO_DH, GEO_DW,
  GEO_OH, GEO_OW, GEO_SRC, GEO_DST, GEO_GRAD,
} from "../params";
import { firstInside, endInside } from "../im2col/window";

export function f32_max_pool_backward__fast(p: usize): void {
  const C = word(p, GEO_C), H = word(p, GEO_H), W = word(p, GEO_W);
  const KH = word(p, GEO_KH), KW = word(p, GEO_KW), SH = word(p, GEO_SH), SW = word(p, GEO_SW);
  const PT = word(p, GEO_PT), PL = word(p, GEO_PL), DH = word(p, GEO_DH), DW = word(p, GEO_DW);
  const OH = word(p, GEO_OH), OW = word(p, GEO_OW);
  const x = ptr(p, GEO_SRC), dx = ptr(p, GEO_DST);
  let dy = ptr(p, GEO_GRAD);
  memory.fill(dx, 0, <usize>(C * H * W) << 2);
  for (let c = 0; c < C; c++) {
    const plane = <usize>(c * H * W) << 2;
    for (let oh = 0; oh < OH; oh++) {
      const baseH = oh * SH - PT;
      const khLo = firstInside(baseH, DH), khHi = endInside(baseH, DH, H, KH);
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

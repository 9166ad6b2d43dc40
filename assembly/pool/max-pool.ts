// Max pooling over planes [C, H, W] → [C, OH, OW] (C counts every plane of the batch):
// y[c, oh, ow] = max over taps (kh, kw) inside the image of x[c, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW].
// Padding never wins (as if it held −∞); a window with no tap inside the image yields −∞.
// Fast kernel: the valid tap ranges of each window are computed once per window, so the inner
// loops carry no bounds test. Reference with the same ABI: max-pool-ref.ts.
import { WindowParams } from "../params";
import { firstInside, endInside } from "../im2col/window";

export function f32_max_pool__scalar(p: usize): void {
  const g = changetype<WindowParams>(p);
  // What the loop over output pixels reads: locals, so the block is not reloaded per pixel.
  const H = g.H, W = g.W, KH = g.KH, KW = g.KW, SW = g.SW, PL = g.PL, DH = g.DH, DW = g.DW, OW = g.OW;
  let y = g.dst;
  for (let c = 0; c < g.C; c++) {
    const plane = g.src + (<usize>(c * H * W) << 2);
    for (let oh = 0; oh < g.OH; oh++) {
      // taps kh with 0 ≤ oh·SH − PT + kh·DH < H: the window axis read "kh-major" (stride DH).
      const baseH = oh * g.SH - g.PT;
      const khLo = firstInside(baseH, DH), khHi = endInside(baseH, DH, H, KH);
      for (let ow = 0; ow < OW; ow++) {
        const baseW = ow * SW - PL;
        const kwLo = firstInside(baseW, DW), kwHi = endInside(baseW, DW, W, KW);
        let m: f32 = -Infinity;
        for (let kh = khLo; kh < khHi; kh++) {
          let q = plane + (<usize>((baseH + kh * DH) * W + baseW + kwLo * DW) << 2);
          const step = <usize>DW << 2;
          for (let kw = kwLo; kw < kwHi; kw++) {
            m = max(m, load<f32>(q));
            q += step;
          }
        }
        store<f32>(y, m);
        y += 4;
      }
    }
  }
}

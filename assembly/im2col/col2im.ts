// col2im: columns [C·KH·KW, OH·OW] → image [C, H, W], the adjoint of im2col (ONNX Col2Im):
// x[c, ih, iw] = Σ cols[(c·KH + kh)·KW + kw, oh·OW + ow] over all (kh, kw, oh, ow) with
// ih = oh·SH − PT + kh·DH and iw = ow·SW − PL + kw·DW; entries landing in the padding are dropped.
// It overwrites the whole image (zero, then overlap-add). It is also the scatter half of a
// transposed convolution. Reference with the same ABI: col2im-ref.ts.
import { WindowParams } from "../params";
import { firstInside, endInside, scatterAddRow } from "./window";

export function f32_col2im__simd(p: usize): void {
  const g = changetype<WindowParams>(p);
  // What the loops over output rows read: locals, so the block is not reloaded per row.
  const SW = g.SW, W = g.W, OW = g.OW, SH = g.SH;
  let col = g.src;
  const planeFloats = g.H * W;
  memory.fill(g.dst, 0, <usize>(g.C * planeFloats) << 2);
  const owBytes = <usize>OW << 2;
  for (let c = 0; c < g.C; c++) {
    const plane = g.dst + (<usize>(c * planeFloats) << 2);
    for (let kh = 0; kh < g.KH; kh++) {
      const shiftH = kh * g.DH - g.PT;
      const ohLo = firstInside(shiftH, SH), ohHi = endInside(shiftH, SH, g.H, g.OH);
      for (let kw = 0; kw < g.KW; kw++) {
        const shiftW = kw * g.DW - g.PL;
        const lo = firstInside(shiftW, SW), hi = endInside(shiftW, SW, W, OW);
        if (lo < hi) {
          for (let oh = ohLo; oh < ohHi; oh++) {
            const ih = oh * SH + shiftH;
            scatterAddRow(plane + (<usize>(ih * W + lo * SW + shiftW) << 2), col + <usize>oh * owBytes + (<usize>lo << 2), hi - lo, SW);
          }
        }
        col += <usize>g.OH * owBytes;
      }
    }
  }
}

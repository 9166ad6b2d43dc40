// im2col: image [C, H, W] → columns [C·KH·KW, OH·OW] (the layout of PyTorch's unfold; ONNX
// Col2Im's input). cols[(c·KH + kh)·KW + kw, oh·OW + ow] = x[c, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW],
// zero where that pixel lies in the padding. Geometry: WindowParams in params.ts.
// Fast kernel: per (row, oh) it computes the valid ow range once, zero-fills outside it and copies
// inside it (memory.copy when SW = 1). Reference with the same ABI: im2col-ref.ts.
import { WindowParams } from "../params";
import { firstInside, endInside, gatherRow } from "./window";

export function f32_im2col__scalar(p: usize): void {
  const g = changetype<WindowParams>(p);
  // What the loops over output rows read: locals, so the block is not reloaded per row.
  const H = g.H, W = g.W, SH = g.SH, SW = g.SW, OH = g.OH, OW = g.OW;
  let out = g.dst;
  const owBytes = <usize>OW << 2;
  for (let c = 0; c < g.C; c++) {
    const plane = g.src + (<usize>(c * H * W) << 2);
    for (let kh = 0; kh < g.KH; kh++) {
      const shiftH = kh * g.DH - g.PT;
      for (let kw = 0; kw < g.KW; kw++) {
        const shiftW = kw * g.DW - g.PL;
        const lo = firstInside(shiftW, SW);
        const hi = max(lo, endInside(shiftW, SW, W, OW));
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * SH + shiftH;
          if (ih < 0 || ih >= H || lo >= hi) {
            memory.fill(out, 0, owBytes);
          } else {
            gatherRow(out, plane + (<usize>(ih * W + lo * SW + shiftW) << 2), lo, hi, OW, SW);
          }
          out += owBytes;
        }
      }
    }
  }
}

// col2im over a volume: columns [C·KD·KH·KW, OD·OH·OW] → image [C, D, H, W], the adjoint of
// im2col3d.ts (the 3-D form of col2im.ts):
//   x[c, id, ih, iw] = Σ cols[((c·KD + kd)·KH + kh)·KW + kw, (od·OH + oh)·OW + ow] over all taps and
//   positions with id = od·SD − PF + kd·DD, ih = oh·SH − PT + kh·DH, iw = ow·SW − PL + kw·DW;
// entries landing in the padding are dropped. It overwrites the whole image (zero, then
// overlap-add), or with `accumulate` adds into it (the columns of a band of grid depth slices after
// the first): the scatter half of a 3-D transposed convolution (GEMM + col2im). The valid od, oh
// and ow ranges are computed once per tap (window.ts), so no bounds test runs in the inner loop,
// which is SIMD when SW = 1. Reference with the same ABI: col2im3d-ref.ts.
import { VolumeWindowParams } from "../params";
import { firstInside, endInside, scatterAddRow } from "./window";

export function f32_col2im3d__simd(p: usize): void {
  const g = changetype<VolumeWindowParams>(p);
  const SD = g.SD, SH = g.SH, SW = g.SW, H = g.H, W = g.W, OH = g.OH, OW = g.OW;
  const planeFloats = H * W, volumeFloats = g.D * planeFloats;
  if (g.accumulate == 0) memory.fill(g.dst, 0, <usize>(g.C * volumeFloats) << 2);
  const owBytes = <usize>OW << 2, sliceBytes = <usize>OH * owBytes, rowBytes = <usize>g.OD * sliceBytes;
  let col = g.src;
  for (let c = 0; c < g.C; c++) {
    const volume = g.dst + (<usize>(c * volumeFloats) << 2);
    for (let kd = 0; kd < g.KD; kd++) {
      const shiftD = kd * g.DD - g.PF;
      const odLo = firstInside(shiftD, SD), odHi = endInside(shiftD, SD, g.D, g.OD);
      for (let kh = 0; kh < g.KH; kh++) {
        const shiftH = kh * g.DH - g.PT;
        const ohLo = firstInside(shiftH, SH), ohHi = endInside(shiftH, SH, H, OH);
        for (let kw = 0; kw < g.KW; kw++) {
          const shiftW = kw * g.DW - g.PL;
          const lo = firstInside(shiftW, SW), hi = endInside(shiftW, SW, W, OW);
          if (lo < hi) {
            for (let od = odLo; od < odHi; od++) {
              const plane = volume + (<usize>((od * SD + shiftD) * planeFloats) << 2);
              for (let oh = ohLo; oh < ohHi; oh++) {
                const ih = oh * SH + shiftH;
                const s = col + <usize>od * sliceBytes + <usize>oh * owBytes + (<usize>lo << 2);
                scatterAddRow(plane + (<usize>(ih * W + lo * SW + shiftW) << 2), s, hi - lo, SW);
              }
            }
          }
          col += rowBytes;
        }
      }
    }
  }
}

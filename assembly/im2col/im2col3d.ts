// im2col over a volume: image [C, D, H, W] → columns [C·KD·KH·KW, OD·OH·OW], the 3-D form of
// im2col.ts (same row and column order, one more axis outermost):
//   cols[((c·KD + kd)·KH + kh)·KW + kw, (od·OH + oh)·OW + ow] = x[c, od·SD − PF + kd·DD, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW],
// zero where that voxel lies in the padding. Geometry: VolumeWindowParams in params.ts.
// A kernel of its own rather than the 2-D one driven per (kd, od) from TS: the 2-D kernel writes
// its rows contiguously (OH·OW apart) and reads planes H·W apart, while here a row is OD·OH·OW
// long and channels are D·H·W apart; one call per volume also keeps the call count at one per
// band instead of C·KD·OD. Per (row, od, oh) the valid ow range is computed once, as in 2-D; a
// depth slice whose input plane lies in the padding is one fill. Reference: im2col3d-ref.ts.
import { VolumeWindowParams } from "../params";
import { firstInside, endInside, gatherRow } from "./window";

export function f32_im2col3d__scalar(p: usize): void {
  const g = changetype<VolumeWindowParams>(p);
  // What the loops over output rows read: locals, so the block is not reloaded per row.
  const D = g.D, H = g.H, W = g.W, SD = g.SD, SH = g.SH, SW = g.SW, OD = g.OD, OH = g.OH, OW = g.OW;
  let out = g.dst;
  const owBytes = <usize>OW << 2, sliceBytes = <usize>OH * owBytes;
  const planeFloats = H * W;
  for (let c = 0; c < g.C; c++) {
    const volume = g.src + (<usize>(c * D * planeFloats) << 2);
    for (let kd = 0; kd < g.KD; kd++) {
      const shiftD = kd * g.DD - g.PF;
      for (let kh = 0; kh < g.KH; kh++) {
        const shiftH = kh * g.DH - g.PT;
        for (let kw = 0; kw < g.KW; kw++) {
          const shiftW = kw * g.DW - g.PL;
          const lo = firstInside(shiftW, SW);
          const hi = max(lo, endInside(shiftW, SW, W, OW));
          for (let od = 0; od < OD; od++) {
            const id = od * SD + shiftD;
            if (id < 0 || id >= D || lo >= hi) {
              memory.fill(out, 0, sliceBytes);
              out += sliceBytes;
              continue;
            }
            const plane = volume + (<usize>(id * planeFloats) << 2);
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * SH + shiftH;
              if (ih < 0 || ih >= H) {
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
  }
}

// Depthwise transposed convolution on volumes (C/group = 1: trilinear upsampling, any channel
// multiplier), the 3-D form of depthwise.ts: every input channel c feeds output channels
// c·MULT … c·MULT + MULT − 1 alone:
//   y[m, od, oh, ow] = bias[m] + Σ x[c, id, ih, iw]·w[c, m − c·MULT, kd, kh, kw]
// over od = id·SD − PF + kd·DD, oh = ih·SH − PT + kh·DH, ow = iw·SW − PL + kw·DW. Block:
// TransposedVolumeParams in params.ts. One output row at a time, as in 2-D: it is set to the bias,
// then every (input slice, kernel slice, input row, kernel row) that reaches it scatters a 1-D
// transposed convolution into it (depthwise.ts scatterRow) while it sits in L1, so each output row
// goes to memory once. Reference with the same ABI: depthwise3d-ref.ts.
import { TransposedVolumeParams } from "../params";
import { scatterRow } from "./depthwise";
import { fillRow } from "../im2col/window";

export function f32_conv_transpose_depthwise3d__simd(p: usize): void {
  const t = changetype<TransposedVolumeParams>(p);
  // What the loops over output rows read: locals, so the block is not reloaded per row.
  const D = t.D, H = t.H, W = t.W, KD = t.KD, KH = t.KH, KW = t.KW, SD = t.SD, SH = t.SH, SW = t.SW;
  const PF = t.PF, PT = t.PT, PL = t.PL, DD = t.DD, DH = t.DH, DW = t.DW, OD = t.OD, OH = t.OH, OW = t.OW;
  const MULT = t.mult, bias = t.bias;
  const rowBytes = <usize>OW << 2;
  for (let c = 0; c < t.C; c++) {
    const xvolume = t.x + (<usize>(c * D * H * W) << 2);
    for (let mm = 0; mm < MULT; mm++) {
      const m = c * MULT + mm;
      const wk = t.w + (<usize>(m * KD * KH * KW) << 2);
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0;
      let yrow = t.y + (<usize>(m * OD * OH) << 2) * <usize>OW;
      for (let od = 0; od < OD; od++) {
        for (let oh = 0; oh < OH; oh++) {
          fillRow(yrow, b, OW);
          // kernel slices and rows reaching this output row: od = id·SD − PF + kd·DD, oh = ih·SH − PT + kh·DH
          for (let kd = 0; kd < KD; kd++) {
            const qd = od + PF - kd * DD;
            if (qd < 0 || qd % SD != 0) continue;
            const id = qd / SD;
            if (id >= D) continue;
            for (let kh = 0; kh < KH; kh++) {
              const qh = oh + PT - kh * DH;
              if (qh < 0 || qh % SH != 0) continue;
              const ih = qh / SH;
              if (ih >= H) continue;
              scatterRow(yrow, xvolume + (<usize>((id * H + ih) * W) << 2), wk + (<usize>((kd * KH + kh) * KW) << 2), W, KW, SW, PL, DW, OW);
            }
          }
          yrow += rowBytes;
        }
      }
    }
  }
}

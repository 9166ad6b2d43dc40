// Max pooling over planes [C, H, W] → [C, OH, OW] (C counts every plane of the batch):
// y[c, oh, ow] = max over taps (kh, kw) inside the image of x[c, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW].
// Padding never wins (as if it held −∞); a window with no tap inside the image yields −∞.
// The valid tap ranges of each window are computed once per window, so the inner loops carry no
// bounds test. Along a row, the outputs whose every column tap is inside the image (the interior,
// owLo ≤ ow < owHi) go four at a time in one f32x4: stride 1 reads the four windows' columns as
// one load, stride 2 as two overlapping loads whose even lanes are kept; other strides and the
// border columns go one output at a time. f32x4.max is lane-wise f32.max (NaN wins, +0 beats −0),
// and each lane takes its taps in the scalar order, so both give the same numbers (which NaN an
// f32.max of a NaN returns is the engine's choice: V8's scalar and vector forms differ in sign).
// Reference with the same ABI: max-pool-ref.ts.
import { WindowParams } from "../params";
import { firstInside, endInside } from "../im2col/window";

export function f32_max_pool__simd(p: usize): void {
  const g = changetype<WindowParams>(p);
  // What the loop over output pixels reads: locals, so the block is not reloaded per pixel.
  const H = g.H, W = g.W, KH = g.KH, KW = g.KW, SW = g.SW, PL = g.PL, DH = g.DH, DW = g.DW, OW = g.OW;
  // Interior columns: the first tap (kw = 0) and the last (kw = KW − 1) both land inside [0, W).
  let owLo = min(OW, firstInside(-PL, SW)), owHi = endInside((KW - 1) * DW - PL, SW, W, OW);
  if (SW > 2 || owHi < owLo) owHi = owLo; // no vector part
  const vecEnd = owLo + ((owHi - owLo) & ~3);
  const tapStep = <usize>DW << 2;
  let y = g.dst;
  for (let c = 0; c < g.C; c++) {
    const plane = g.src + (<usize>(c * H * W) << 2);
    for (let oh = 0; oh < g.OH; oh++) {
      // taps kh with 0 ≤ oh·SH − PT + kh·DH < H: the window axis read "kh-major" (stride DH).
      const baseH = oh * g.SH - g.PT;
      const khLo = firstInside(baseH, DH), khHi = endInside(baseH, DH, H, KH);
      for (let ow = 0; ow < owLo; ow++) y = scalarWindow(plane, y, W, baseH, khLo, khHi, DH, ow * SW - PL, KW, DW);
      // four windows at once: lane j is output ow + j, its column tap kw reads x[.., (ow + j)·SW − PL + kw·DW]
      for (let ow = owLo; ow < vecEnd; ow += 4) {
        let m = f32x4.splat(-Infinity);
        for (let kh = khLo; kh < khHi; kh++) {
          let q = plane + (<usize>((baseH + kh * DH) * W + ow * SW - PL) << 2);
          for (let kw = 0; kw < KW; kw++) {
            let v: v128;
            if (SW == 1) v = v128.load(q);
            // lanes 0, 2 of x[b…b+3] and lanes 1, 3 of x[b+3…b+6]: x[b], x[b+2], x[b+4], x[b+6]
            // (the second load ends at the fourth window's last column, never past it)
            else v = v128.shuffle<f32>(v128.load(q), v128.load(q, 12), 0, 2, 5, 7);
            m = f32x4.max(m, v);
            q += tapStep;
          }
        }
        v128.store(y, m);
        y += 16;
      }
      for (let ow = vecEnd; ow < OW; ow++) y = scalarWindow(plane, y, W, baseH, khLo, khHi, DH, ow * SW - PL, KW, DW);
    }
  }
}

/** One output pixel: the max over its taps inside the image; returns the next output address. */
@inline function scalarWindow(plane: usize, y: usize, W: i32, baseH: i32, khLo: i32, khHi: i32, DH: i32, baseW: i32, KW: i32, DW: i32): usize {
  const kwLo = firstInside(baseW, DW), kwHi = endInside(baseW, DW, W, KW);
  let m: f32 = -Infinity;
  const step = <usize>DW << 2;
  for (let kh = khLo; kh < khHi; kh++) {
    let q = plane + (<usize>((baseH + kh * DH) * W + baseW + kwLo * DW) << 2);
    for (let kw = kwLo; kw < kwHi; kw++) {
      m = max(m, load<f32>(q));
      q += step;
    }
  }
  store<f32>(y, m);
  return y + 4;
}

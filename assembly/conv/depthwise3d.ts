// Depthwise convolution on volumes (one input channel per group, channel multiplier MULT):
//   y[m, od, oh, ow] = bias[m] + Σ x[c, od·SD − PF + kd·DD, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW]·w[m, kd, kh, kw]
// with c = ⌊m / MULT⌋ and voxels outside x being padding zeros. Block: DepthwiseVolumeParams.
// One output row at a time, in L1: set to the bias, then for every (kd, kh) whose input row lies
// inside x and every tap kw, row[ow] += w·x[ow·SW + kw·DW − PL] over the ow whose input lies
// inside the row (window.ts's valid range: no bounds test in the inner loop, which is SIMD when
// SW = 1). The padding's zeros are terms of the sum (ONNX, PyTorch): they add 0·w, which is 0
// unless w is NaN or ±∞, so only then are they added (a NaN reaches the outputs whose window
// crosses the padding at that tap). Reference with the same ABI: depthwise3d-ref.ts.
import { DepthwiseVolumeParams } from "../params";
import { firstInside, endInside, fillRow } from "../im2col/window";

/** row[ow] += z for ow in [lo, hi): a padding tap's 0·w (z NaN: w was NaN or ±∞). */
@inline function addRange(row: usize, lo: i32, hi: i32, z: f32): void {
  for (let ow = lo; ow < hi; ow++) store<f32>(row + (<usize>ow << 2), load<f32>(row + (<usize>ow << 2)) + z);
}

export function f32_conv_depthwise3d__simd(p: usize): void {
  const t = changetype<DepthwiseVolumeParams>(p);
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
          for (let kd = 0; kd < KD; kd++) {
            const id = od * SD - PF + kd * DD;
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * SH - PT + kh * DH;
              const wrow = wk + (<usize>((kd * KH + kh) * KW) << 2);
              const inside = id >= 0 && id < D && ih >= 0 && ih < H;
              const xrow = xvolume + (<usize>((id * H + ih) * W) << 2);
              for (let kw = 0; kw < KW; kw++) {
                const wv = load<f32>(wrow + (<usize>kw << 2));
                const z = wv * 0; // a padding zero's term: 0, or NaN for a non-finite w
                const shift = kw * DW - PL;
                const lo = inside ? firstInside(shift, SW) : OW;
                const hi = inside ? max(lo, endInside(shift, SW, W, OW)) : OW;
                if (z != z) {
                  addRange(yrow, 0, min(lo, OW), z);
                  addRange(yrow, hi, OW, z);
                }
                if (lo >= hi) continue;
                // row[ow] += wv·x[ow·SW + shift] for ow in [lo, hi)
                let q = yrow + (<usize>lo << 2);
                let s = xrow + (<usize>(lo * SW + shift) << 2);
                let ow = lo;
                if (SW == 1) {
                  const vv = f32x4.splat(wv);
                  for (; ow + 4 <= hi; ow += 4) {
                    v128.store(q, f32x4.add(v128.load(q), f32x4.mul(vv, v128.load(s))));
                    q += 16; s += 16;
                  }
                }
                const step = <usize>SW << 2;
                for (; ow < hi; ow++) {
                  store<f32>(q, load<f32>(q) + wv * load<f32>(s));
                  q += 4; s += step;
                }
              }
            }
          }
          yrow += rowBytes;
        }
      }
    }
  }
}

// Depthwise transposed convolution (C/group = 1: FCN's fixed bilinear upsampling, any channel
// multiplier). Every input channel c feeds output channels c·MULT … c·MULT + MULT − 1 alone:
// y[m, oh, ow] = bias[m] + Σ x[c, ih, iw]·w[c, m − c·MULT, kh, kw] over oh = ih·SH − PT + kh·DH,
// ow = iw·SW − PL + kw·DW. Block: TransposedParams in params.ts.
// One output row at a time: it is set to the bias, then every (input row, kernel row) pair that
// reaches it scatters a 1-D transposed convolution into it while it sits in L1, so each output row
// goes to memory once. The 1-D scatter runs four kernel taps per v128. When SW is a multiple of 4
// it stamps pixel by pixel (overlaps are whole vectors, so store forwarding works); otherwise
// pixels are visited in ⌈4/SW⌉ interleaved passes so that consecutive vector stores never partly
// overlap (a partly overlapping store-then-load defeats forwarding).
// Reference with the same ABI: depthwise-ref.ts.
import { TransposedParams } from "../params";
import { fillRow } from "../im2col/window";

/** yrow[iw·S − P + kw·D] += xrow[iw]·wrow[kw] for every iw < W, kw < K that lands in [0, OW). */
@inline export function scatterRow(yrow: usize, xrow: usize, wrow: usize, W: i32, K: i32, S: i32, P: i32, D: i32, OW: i32): void {
  if (D != 1 || K < 4) {
    for (let iw = 0; iw < W; iw++) {
      const v = load<f32>(xrow + (<usize>iw << 2));
      const base = iw * S - P;
      for (let kw = 0; kw < K; kw++) {
        const o = base + kw * D;
        if (o >= 0 && o < OW) {
          const q = yrow + (<usize>o << 2);
          store<f32>(q, load<f32>(q) + v * load<f32>(wrow + (<usize>kw << 2)));
        }
      }
    }
    return;
  }
  const K4 = K & ~3;
  if (S % 4 == 0) {
    // Stamps of neighbouring pixels overlap on whole vectors (S is a multiple of 4), so a load
    // always matches an earlier store exactly and forwarding works: one pixel at a time, its
    // value splatted once, its stamp written as contiguous vectors.
    for (let iw = 0; iw < W; iw++) {
      const base = iw * S - P;
      const v = load<f32>(xrow + (<usize>iw << 2));
      if (base >= 0 && base + K <= OW) {
        const vv = f32x4.splat(v);
        const q0 = yrow + (<usize>base << 2);
        for (let kc = 0; kc < K4; kc += 4) {
          const q = q0 + (<usize>kc << 2);
          v128.store(q, f32x4.add(v128.load(q), f32x4.mul(vv, v128.load(wrow + (<usize>kc << 2)))));
        }
        for (let kw = K4; kw < K; kw++) {
          const q = q0 + (<usize>kw << 2);
          store<f32>(q, load<f32>(q) + v * load<f32>(wrow + (<usize>kw << 2)));
        }
      } else {
        for (let kw = max(0, -base); kw < min(K, OW - base); kw++) {
          const q = yrow + (<usize>(base + kw) << 2);
          store<f32>(q, load<f32>(q) + v * load<f32>(wrow + (<usize>kw << 2)));
        }
      }
    }
    return;
  }
  const passes = (4 + S - 1) / S; // iw step so that stores of one pass are ≥ 4 floats apart
  for (let kc = 0; kc < K4; kc += 4) {
    const wv = v128.load(wrow + (<usize>kc << 2));
    // Interior: iw·S − P + kc ≥ 0 and iw·S − P + kc + 4 ≤ OW.
    const lo = kc >= P ? 0 : (P - kc + S - 1) / S;
    const hiNum = OW - 4 + P - kc;
    const hi = hiNum < 0 ? -1 : min(W - 1, hiNum / S);
    for (let pass = 0; pass < passes; pass++) {
      for (let iw = pass; iw < W; iw += passes) {
        const o = iw * S - P + kc;
        const v = load<f32>(xrow + (<usize>iw << 2));
        if (iw >= lo && iw <= hi) {
          const q = yrow + (<usize>o << 2);
          v128.store(q, f32x4.add(v128.load(q), f32x4.mul(f32x4.splat(v), wv)));
        } else {
          for (let t = 0; t < 4; t++) {
            const ot = o + t;
            if (ot >= 0 && ot < OW) {
              const q = yrow + (<usize>ot << 2);
              store<f32>(q, load<f32>(q) + v * load<f32>(wrow + (<usize>(kc + t) << 2)));
            }
          }
        }
      }
    }
  }
  for (let kw = K4; kw < K; kw++) {
    const wv = load<f32>(wrow + (<usize>kw << 2));
    for (let iw = 0; iw < W; iw++) {
      const o = iw * S - P + kw;
      if (o >= 0 && o < OW) {
        const q = yrow + (<usize>o << 2);
        store<f32>(q, load<f32>(q) + load<f32>(xrow + (<usize>iw << 2)) * wv);
      }
    }
  }
}

export function f32_conv_transpose_depthwise__simd(p: usize): void {
  const t = changetype<TransposedParams>(p);
  // What the loop over output rows reads: locals, so the block is not reloaded per row.
  const H = t.H, W = t.W, KH = t.KH, KW = t.KW, SH = t.SH, SW = t.SW;
  const PT = t.PT, PL = t.PL, DH = t.DH, DW = t.DW, OH = t.OH, OW = t.OW;
  const MULT = t.mult, bias = t.bias;
  const rowBytes = <usize>OW << 2;
  for (let c = 0; c < t.C; c++) {
    const xplane = t.x + (<usize>(c * H * W) << 2);
    for (let mm = 0; mm < MULT; mm++) {
      const m = c * MULT + mm;
      const wk = t.w + (<usize>(m * KH * KW) << 2);
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0;
      let yrow = t.y + (<usize>(m * OH) << 2) * <usize>OW;
      for (let oh = 0; oh < OH; oh++) {
        fillRow(yrow, b, OW);
        // kernel rows reaching this output row: oh = ih·SH − PT + kh·DH with 0 ≤ ih < H
        for (let kh = 0; kh < KH; kh++) {
          const q = oh + PT - kh * DH;
          if (q < 0 || q % SH != 0) continue;
          const ih = q / SH;
          if (ih >= H) continue;
          scatterRow(yrow, xplane + (<usize>(ih * W) << 2), wk + (<usize>(kh * KW) << 2), W, KW, SW, PL, DW, OW);
        }
        yrow += rowBytes;
      }
    }
  }
}

// Sub-pixel (polyphase) transposed convolution, the two data-movement steps around its GEMM
// (src/ops/conv-transpose/subpixel.ts explains the whole path):
//  - f32_conv_transpose_subpixel_pack_weights__scalar: the s_H·s_W phase kernels of ⌈k/s⌉ taps each, as GEMM rows;
//  - f32_conv_transpose_subpixel_interleave__simd: phase outputs → output pixels, every output written once.
// Output pixel (oh, ow) belongs to phase (rH, rW) = ((oh + PT) mod SH, (ow + PL) mod SW) and cell
// (a, b) = (⌊(oh + PT)/SH⌋ − U0H, ⌊(ow + PL)/SW⌋ − U0W). Blocks: InterleaveParams and PackParams in params.ts.
// References with the same ABIs: subpixel-ref.ts.
import { InterleaveParams, PackParams } from "../params";

export function f32_conv_transpose_subpixel_pack_weights__scalar(p: usize): void {
  const k = changetype<PackParams>(p);
  // What the loops over taps read: locals, so the block is not reloaded per tap.
  const CG = k.CG, MG = k.MG, KH = k.KH, KW = k.KW, SH = k.SH, SW = k.SW, TH = k.TH, TW = k.TW;
  const w = k.w;
  let out = k.out;
  for (let g = 0; g < k.G; g++) for (let m = 0; m < MG; m++) for (let rH = 0; rH < SH; rH++) for (let rW = 0; rW < SW; rW++) {
    for (let c = 0; c < CG; c++) {
      const src = w + (<usize>(((g * CG + c) * MG + m) * KH * KW) << 2);
      for (let a = 0; a < TH; a++) {
        const kh = rH + (TH - 1 - a) * SH;
        for (let b = 0; b < TW; b++) {
          const kw = rW + (TW - 1 - b) * SW;
          store<f32>(out, kh < KH && kw < KW ? load<f32>(src + (<usize>(kh * KW + kw) << 2)) : 0);
          out += 4;
        }
      }
    }
  }
}

/**
 * One output row: y[base + b·SW + rW] = P[rW][b] + bias for rW < SW, b < NUW, where P[rW] is the
 * phase row of rW (rows `cells` floats apart) and only 0 ≤ ow < OW is written. Cells whose SW
 * outputs all fit move as vectors: a plain copy (SW = 1), a two-row zip (SW = 2) or 4×4
 * transposes (SW a multiple of 4); the rest, and the edges, one value at a time.
 */
@inline function interleaveRow(yrow: usize, P: usize, cells: i32, NUW: i32, SW: i32, base: i32, OW: i32, bias: f32): void {
  const rowStride = <usize>cells << 2;
  const bv = f32x4.splat(bias);
  // Cells b in [in0, in1) have all of base + b·SW + [0, SW) inside [0, OW).
  const in0 = base >= 0 ? 0 : (SW - 1 - base) / SW;
  const room = OW - SW - base;
  const in1 = room < 0 ? 0 : min(NUW, room / SW + 1);
  let b = in0;
  if (in0 < in1) {
    if (SW == 1) {
      for (; b + 4 <= in1; b += 4) {
        v128.store(yrow + (<usize>(base + b) << 2), f32x4.add(v128.load(P + (<usize>b << 2)), bv));
      }
    } else if (SW == 2) {
      for (; b + 4 <= in1; b += 4) {
        const r0 = v128.load(P + (<usize>b << 2)), r1 = v128.load(P + rowStride + (<usize>b << 2));
        const q = yrow + (<usize>(base + 2 * b) << 2);
        v128.store(q, f32x4.add(v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), bv));
        v128.store(q, f32x4.add(v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), bv), 16);
      }
    } else if ((SW & 3) == 0) {
      const b4 = in0 + ((in1 - in0) & ~3);
      for (let rW = 0; rW < SW; rW += 4) {
        const src = P + <usize>rW * rowStride;
        for (let bb = in0; bb < b4; bb += 4) {
          const s0 = src + (<usize>bb << 2);
          const r0 = v128.load(s0), r1 = v128.load(s0 + rowStride);
          const r2 = v128.load(s0 + 2 * rowStride), r3 = v128.load(s0 + 3 * rowStride);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
          const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const q = yrow + (<usize>(base + bb * SW + rW) << 2);
          const step = <usize>SW << 2;
          v128.store(q, f32x4.add(v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), bv));
          v128.store(q + step, f32x4.add(v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), bv));
          v128.store(q + 2 * step, f32x4.add(v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), bv));
          v128.store(q + 3 * step, f32x4.add(v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), bv));
        }
      }
      b = b4;
    }
  }
  // Whatever the vector loops left: inner cells past them, then the edge cells (with bounds).
  for (; b < in1; b++) {
    for (let rW = 0; rW < SW; rW++) {
      store<f32>(yrow + (<usize>(base + b * SW + rW) << 2), load<f32>(P + <usize>rW * rowStride + (<usize>b << 2)) + bias);
    }
  }
  for (let e = 0; e < NUW; e++) {
    if (e >= in0 && e < in1) continue;
    for (let rW = 0; rW < SW; rW++) {
      const ow = base + e * SW + rW;
      if (ow >= 0 && ow < OW) store<f32>(yrow + (<usize>ow << 2), load<f32>(P + <usize>rW * rowStride + (<usize>e << 2)) + bias);
    }
  }
}

export function f32_conv_transpose_subpixel_interleave__simd(p: usize): void {
  const t = changetype<InterleaveParams>(p);
  // What the loop over output rows reads: locals, so the block is not reloaded per row.
  const OH = t.OH, OW = t.OW, SH = t.SH, SW = t.SW, PT = t.PT, U0H = t.U0H, NUH = t.NUH, NUW = t.NUW;
  const P = t.phases, bias = t.bias, y = t.y;
  const cells = NUH * NUW;
  const base = t.U0W * SW - t.PL; // ow of cell b = 0, phase rW = 0
  // Loop (m, rH, a): the SW phase rows of (m, rH) — SW·cells floats — stay in cache while every
  // output row of that phase is written.
  for (let m = 0; m < t.M; m++) {
    const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0;
    const yplane = y + (<usize>(m * OH) << 2) * <usize>OW;
    for (let rH = 0; rH < SH; rH++) {
      const rowBase = P + (<usize>((m * SH + rH) * SW * cells) << 2);
      for (let a = 0; a < NUH; a++) {
        const oh = (U0H + a) * SH + rH - PT;
        if (oh < 0 || oh >= OH) continue;
        interleaveRow(yplane + (<usize>(oh * OW) << 2), rowBase + (<usize>(a * NUW) << 2), cells, NUW, SW, base, OW, bv);
      }
    }
  }
}

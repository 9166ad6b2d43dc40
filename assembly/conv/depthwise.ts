// Depthwise convolution, direct (C/group = 1, any channel multiplier; MobileNet's 3×3 and 5×5
// layers): y[m, oh, ow] = bias[m] + Σ_{kh, kw} x[⌊m/mult⌋, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW]·w[m, kh, kw].
// Block: DepthwiseParams in params.ts. im2col + a 1-row GEMM per channel spends its time moving
// columns; here each output row is computed in registers and written once.
// Per output row, the KH input rows it reads are looked up once (a row outside the image is a
// zero row from the workspace, so padding rows cost no branch and their zeros take part in the sum
// as the definition says: 0·∞ = NaN like every other path). The row is then split into the left
// border, the interior, where every tap lies inside the row, and the right border. The interior
// runs 8 (then 4) output pixels per step in f32x4 lanes for stride 1 (contiguous loads) and stride 2
// (two overlapping loads, even lanes shuffled out); 3×3 keeps its 9 weights in registers, 5×5
// unrolls its taps; other kernels loop over taps. Borders, tails and strides ≥ 3 go one pixel at a
// time, reading padding as zeros. Reference with the same ABI: depthwise-ref.ts.
import { DepthwiseParams } from "../params";

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}

/** Bytes of workspace f32_conv_depthwise__simd needs: a zero row of W floats and KH row pointers. */
export function f32_conv_depthwise_workspace_bytes(W: i32, KH: i32): i32 {
  return (W + KH) << 2;
}

/**
 * The inputs of 4 consecutive output pixels for one tap, at stride S (a compile-time 1 or 2 after
 * inlining): x[p], x[p + S], x[p + 2S], x[p + 3S]. Stride 2 loads x[p…p+3] and x[p+3…p+6] (never
 * past the last pixel read) and keeps lanes 0, 2 of the first and 1, 3 of the second.
 */
@inline function gather4(p: usize, S: i32): v128 {
  if (S == 1) return v128.load(p);
  return v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
}

/** acc + the 3 taps of one kernel row at p, p + D, p + 2D (dB = D in bytes). */
@inline function taps3(acc: v128, p: usize, dB: usize, S: i32, w0: v128, w1: v128, w2: v128): v128 {
  acc = madd(gather4(p, S), w0, acc);
  acc = madd(gather4(p + dB, S), w1, acc);
  return madd(gather4(p + 2 * dB, S), w2, acc);
}

/** acc + the 5 taps of one kernel row at p + kw·D, weights w[0…4] splatted from memory. */
@inline function taps5(acc: v128, p: usize, dB: usize, S: i32, w: usize): v128 {
  acc = madd(gather4(p, S), v128.load32_splat(w), acc);
  acc = madd(gather4(p + dB, S), v128.load32_splat(w, 4), acc);
  acc = madd(gather4(p + 2 * dB, S), v128.load32_splat(w, 8), acc);
  acc = madd(gather4(p + 3 * dB, S), v128.load32_splat(w, 12), acc);
  return madd(gather4(p + 4 * dB, S), v128.load32_splat(w, 16), acc);
}

/**
 * Interior pixels from ow0 on, 3×3: rows r0, r1, r2 (pixel 0 of each), input pixel of output ow
 * and tap kw: ow·S − PL + kw·D. Returns the first pixel not done (fewer than 4 left before ow1).
 */
@inline function interior3(y: usize, r0: usize, r1: usize, r2: usize, w: usize, bv: v128, ow0: i32, ow1: i32, S: i32, PL: i32, D: i32): i32 {
  const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
  const w3 = v128.load32_splat(w, 12), w4 = v128.load32_splat(w, 16), w5 = v128.load32_splat(w, 20);
  const w6 = v128.load32_splat(w, 24), w7 = v128.load32_splat(w, 28), w8 = v128.load32_splat(w, 32);
  const dB = <usize>D << 2, next = <usize>S << 4; // next: 4 output pixels on, in input bytes
  let ow = ow0;
  for (; ow + 8 <= ow1; ow += 8) {
    const off = <usize>(ow * S - PL) << 2;
    let a0 = taps3(bv, r0 + off, dB, S, w0, w1, w2);
    let a1 = taps3(bv, r0 + off + next, dB, S, w0, w1, w2);
    a0 = taps3(a0, r1 + off, dB, S, w3, w4, w5);
    a1 = taps3(a1, r1 + off + next, dB, S, w3, w4, w5);
    a0 = taps3(a0, r2 + off, dB, S, w6, w7, w8);
    a1 = taps3(a1, r2 + off + next, dB, S, w6, w7, w8);
    const q = y + (<usize>ow << 2);
    v128.store(q, a0);
    v128.store(q, a1, 16);
  }
  for (; ow + 4 <= ow1; ow += 4) {
    const off = <usize>(ow * S - PL) << 2;
    let a = taps3(bv, r0 + off, dB, S, w0, w1, w2);
    a = taps3(a, r1 + off, dB, S, w3, w4, w5);
    a = taps3(a, r2 + off, dB, S, w6, w7, w8);
    v128.store(y + (<usize>ow << 2), a);
  }
  return ow;
}

/** interior3 for 5×5: rows r0…r4, kernel row kh's weights at w + 20·kh bytes. */
@inline function interior5(y: usize, rows: usize, w: usize, bv: v128, ow0: i32, ow1: i32, S: i32, PL: i32, D: i32): i32 {
  const r0 = load<usize>(rows), r1 = load<usize>(rows, 4), r2 = load<usize>(rows, 8);
  const r3 = load<usize>(rows, 12), r4 = load<usize>(rows, 16);
  const dB = <usize>D << 2, next = <usize>S << 4;
  let ow = ow0;
  for (; ow + 8 <= ow1; ow += 8) {
    const off = <usize>(ow * S - PL) << 2;
    let a0 = taps5(bv, r0 + off, dB, S, w);
    let a1 = taps5(bv, r0 + off + next, dB, S, w);
    a0 = taps5(a0, r1 + off, dB, S, w + 20);
    a1 = taps5(a1, r1 + off + next, dB, S, w + 20);
    a0 = taps5(a0, r2 + off, dB, S, w + 40);
    a1 = taps5(a1, r2 + off + next, dB, S, w + 40);
    a0 = taps5(a0, r3 + off, dB, S, w + 60);
    a1 = taps5(a1, r3 + off + next, dB, S, w + 60);
    a0 = taps5(a0, r4 + off, dB, S, w + 80);
    a1 = taps5(a1, r4 + off + next, dB, S, w + 80);
    const q = y + (<usize>ow << 2);
    v128.store(q, a0);
    v128.store(q, a1, 16);
  }
  for (; ow + 4 <= ow1; ow += 4) {
    const off = <usize>(ow * S - PL) << 2;
    let a = taps5(bv, r0 + off, dB, S, w);
    a = taps5(a, r1 + off, dB, S, w + 20);
    a = taps5(a, r2 + off, dB, S, w + 40);
    a = taps5(a, r3 + off, dB, S, w + 60);
    a = taps5(a, r4 + off, dB, S, w + 80);
    v128.store(y + (<usize>ow << 2), a);
  }
  return ow;
}

/** interior3 for any kernel KH×KW: loops over the taps (rows: KH row pointers). */
@inline function interiorAny(y: usize, rows: usize, w: usize, KH: i32, KW: i32, bv: v128, ow0: i32, ow1: i32, S: i32, PL: i32, D: i32): i32 {
  const dB = <usize>D << 2, next = <usize>S << 4;
  let ow = ow0;
  for (; ow + 8 <= ow1; ow += 8) {
    const off = <usize>(ow * S - PL) << 2;
    let a0 = bv, a1 = bv;
    let wp = w;
    for (let kh = 0; kh < KH; kh++) {
      let p = load<usize>(rows + (<usize>kh << 2)) + off;
      for (let kw = 0; kw < KW; kw++) {
        const wv = v128.load32_splat(wp);
        a0 = madd(gather4(p, S), wv, a0);
        a1 = madd(gather4(p + next, S), wv, a1);
        p += dB;
        wp += 4;
      }
    }
    const q = y + (<usize>ow << 2);
    v128.store(q, a0);
    v128.store(q, a1, 16);
  }
  for (; ow + 4 <= ow1; ow += 4) {
    const off = <usize>(ow * S - PL) << 2;
    let a = bv;
    let wp = w;
    for (let kh = 0; kh < KH; kh++) {
      let p = load<usize>(rows + (<usize>kh << 2)) + off;
      for (let kw = 0; kw < KW; kw++) {
        a = madd(gather4(p, S), v128.load32_splat(wp), a);
        p += dB;
        wp += 4;
      }
    }
    v128.store(y + (<usize>ow << 2), a);
  }
  return ow;
}

/** The vector interior of one output row at stride S (1 or 2): the kernel's fast path, else taps in loops. */
@inline function interior(y: usize, rows: usize, w: usize, KH: i32, KW: i32, bv: v128, ow0: i32, ow1: i32, S: i32, PL: i32, D: i32): i32 {
  if (KH == 3 && KW == 3) return interior3(y, load<usize>(rows), load<usize>(rows, 4), load<usize>(rows, 8), w, bv, ow0, ow1, S, PL, D);
  if (KH == 5 && KW == 5) return interior5(y, rows, w, bv, ow0, ow1, S, PL, D);
  return interiorAny(y, rows, w, KH, KW, bv, ow0, ow1, S, PL, D);
}

/**
 * Output pixels [ow0, ow1) of one row one at a time, any stride: taps left or right of the row
 * read padding zeros (the borders, and the interior's last pixels).
 */
function pixels(y: usize, rows: usize, w: usize, KH: i32, KW: i32, b: f32, ow0: i32, ow1: i32, S: i32, PL: i32, D: i32, W: i32): void {
  for (let ow = ow0; ow < ow1; ow++) {
    let acc = b;
    let wp = w;
    for (let kh = 0; kh < KH; kh++) {
      const row = load<usize>(rows + (<usize>kh << 2));
      let iw = ow * S - PL;
      for (let kw = 0; kw < KW; kw++) {
        const v: f32 = iw >= 0 && iw < W ? load<f32>(row + (<usize>iw << 2)) : 0;
        acc += v * load<f32>(wp);
        iw += D;
        wp += 4;
      }
    }
    store<f32>(y + (<usize>ow << 2), acc);
  }
}

/** Depthwise convolution over the block at `p` (DepthwiseParams in params.ts). */
export function f32_conv_depthwise__simd(p: usize): void {
  const d = changetype<DepthwiseParams>(p);
  // What the row loop reads: locals, so the block is not reloaded per row.
  const C = d.C, MULT = d.mult, H = d.H, W = d.W, OH = d.OH, OW = d.OW;
  const KH = d.KH, KW = d.KW, SH = d.SH, SW = d.SW, PT = d.PT, PL = d.PL, DH = d.DH, DW = d.DW;
  const bias = d.bias;
  const zeros = d.work, rows = d.work + (<usize>W << 2);
  memory.fill(zeros, 0, <usize>W << 2);
  // Interior columns [lo, hi): every tap inside the row, 0 ≤ ow·SW − PL and
  // ow·SW − PL + (KW − 1)·DW ≤ W − 1.
  const lo = min(OW, PL > 0 ? (PL + SW - 1) / SW : 0);
  const last = W - 1 + PL - (KW - 1) * DW;
  const hi = max(lo, last < 0 ? 0 : min(OW, last / SW + 1));
  const rowBytes = <usize>(H * W) << 2;
  for (let c = 0; c < C; c++) {
    const xplane = d.x + <usize>c * rowBytes;
    for (let mm = 0; mm < MULT; mm++) {
      const m = c * MULT + mm;
      const w = d.w + (<usize>(m * KH * KW) << 2);
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0;
      const bv = f32x4.splat(b);
      let y = d.y + (<usize>(m * OH) << 2) * <usize>OW;
      for (let oh = 0; oh < OH; oh++) {
        // the input rows of kernel rows kh: ih = oh·SH − PT + kh·DH, or the zero row outside
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh * DH;
          store<usize>(rows + (<usize>kh << 2), ih >= 0 && ih < H ? xplane + (<usize>(ih * W) << 2) : zeros);
        }
        pixels(y, rows, w, KH, KW, b, 0, lo, SW, PL, DW, W);
        let done = lo;
        if (SW == 1) done = interior(y, rows, w, KH, KW, bv, lo, hi, 1, PL, DW);
        else if (SW == 2) done = interior(y, rows, w, KH, KW, bv, lo, hi, 2, PL, DW);
        pixels(y, rows, w, KH, KW, b, done, OW, SW, PL, DW, W);
        y += <usize>OW << 2;
      }
    }
  }
}

// Depthwise convolution, direct (C/group = 1, any channel multiplier; MobileNet's 3×3 and 5×5
// layers): y[m, oh, ow] = bias[m] + Σ_{kh, kw} xpad[⌊m/mult⌋, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW]·w[m, kh, kw]
// with xpad = x and zeros around it. Block: DepthwiseParams in params.ts. im2col + a 1-row GEMM per
// channel spends its time moving columns; here each output row is computed in registers and
// written once.
// Each input channel is first copied into a zero-padded plane in the workspace (once, for all its
// `mult` outputs): padded pixel (r, i) is x[r − PT, i − PL], zero outside x. Every output pixel
// then reads inside that plane, so padding costs no branch anywhere (and its zeros take part in the
// sum as the definition says: 0·∞ = NaN, like the im2col path), and every row runs in f32x4 lanes,
// borders and narrow late-stage maps (7², 14²) included: 8, then 4 output pixels per step, and a
// last partial vector whose lanes are stored one by one. The plane is wide enough for that last
// vector's reads. Stride 1 loads 4 neighbours; stride 2 loads two overlapping vectors and keeps
// the even lanes; other strides gather 4 scalars. 3×3 keeps its 9 weights in registers, 5×5
// unrolls its taps, other kernels loop over taps. The copy costs one load and store per input
// pixel against KH·KW/(SH·SW) multiply-adds. Reference with the same ABI: depthwise-ref.ts.
import { DepthwiseParams } from "../params";

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}

@inline function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Padded plane rows: (OH − 1)·SH + (KH − 1)·DH + 1, the rows the output reads. */
@inline function paddedRows(OH: i32, KH: i32, SH: i32, DH: i32): i32 {
  return (OH - 1) * SH + (KH - 1) * DH + 1;
}

/**
 * Padded plane row stride in floats: the columns read by ⌈OW/4⌉ whole vectors of output pixels,
 * (4·⌈OW/4⌉ − 1)·SW + (KW − 1)·DW + 1, rounded up to 4 floats.
 */
@inline function paddedStride(OW: i32, KW: i32, SW: i32, DW: i32): i32 {
  return roundUp4((roundUp4(OW) - 1) * SW + (KW - 1) * DW + 1);
}

/** Bytes of workspace f32_conv_depthwise__simd needs for this geometry: one padded input plane. */
export function f32_conv_depthwise_workspace_bytes(OH: i32, OW: i32, KH: i32, KW: i32, SH: i32, SW: i32, DH: i32, DW: i32): i32 {
  return (paddedRows(OH, KH, SH, DH) * paddedStride(OW, KW, SW, DW)) << 2;
}

/** n floats at dst set to 0 (an inline loop: V8 calls out of wasm for memory.fill, costly for rows this short). */
@inline function zeroFloats(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** n floats copied from src to dst (not overlapping; an inline loop, as zeroFloats). */
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/**
 * Copies plane x [H, W] into pad [PH, PS]: pad[r, i] = x[r − PT, i − PL], zero outside x (pads may
 * be negative: then the first rows or columns of x are skipped).
 */
function padPlane(pad: usize, x: usize, H: i32, W: i32, PH: i32, PS: i32, PT: i32, PL: i32): void {
  const rowBytes = <usize>PS << 2;
  // the columns i whose x column i − PL exists: [i0, i1)
  const i0 = min(PS, max(0, PL)), i1 = max(i0, min(PS, W + PL));
  for (let r = 0; r < PH; r++) {
    const dst = pad + <usize>r * rowBytes;
    const ih = r - PT;
    if (ih < 0 || ih >= H) {
      zeroFloats(dst, PS);
      continue;
    }
    zeroFloats(dst, i0);
    copyFloats(dst + (<usize>i0 << 2), x + (<usize>(ih * W + i0 - PL) << 2), i1 - i0);
    zeroFloats(dst + (<usize>i1 << 2), PS - i1);
  }
}

/**
 * The inputs of 4 consecutive output pixels for one tap: p[0], p[S], p[2S], p[3S]. S is a
 * compile-time 1 or 2 after inlining (0: any stride, sB = its bytes). Stride 2 loads p[0…3] and
 * p[3…6] (never past the last pixel read) and keeps lanes 0, 2 of the first and 1, 3 of the second.
 */
@inline function gather4(p: usize, S: i32, sB: usize): v128 {
  if (S == 1) return v128.load(p);
  if (S == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + sB));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * sB));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * sB));
}

/** acc + the 3 taps of one kernel row at p, p + D, p + 2D (dB = D in bytes). */
@inline function taps3(acc: v128, p: usize, dB: usize, S: i32, sB: usize, w0: v128, w1: v128, w2: v128): v128 {
  acc = madd(gather4(p, S, sB), w0, acc);
  acc = madd(gather4(p + dB, S, sB), w1, acc);
  return madd(gather4(p + 2 * dB, S, sB), w2, acc);
}

/** acc + the 5 taps of one kernel row at p + kw·D, weights w[0…4] splatted from memory. */
@inline function taps5(acc: v128, p: usize, dB: usize, S: i32, sB: usize, w: usize): v128 {
  acc = madd(gather4(p, S, sB), v128.load32_splat(w), acc);
  acc = madd(gather4(p + dB, S, sB), v128.load32_splat(w, 4), acc);
  acc = madd(gather4(p + 2 * dB, S, sB), v128.load32_splat(w, 8), acc);
  acc = madd(gather4(p + 3 * dB, S, sB), v128.load32_splat(w, 12), acc);
  return madd(gather4(p + 4 * dB, S, sB), v128.load32_splat(w, 16), acc);
}

/**
 * 4 output pixels of a 5×5 kernel: padded rows p, p + rB, … (rB = DH rows in bytes). Even and odd
 * kernel rows go to two accumulators: two dependency chains of multiply-adds instead of one of 25.
 */
@inline function vec5(bv: v128, p: usize, rB: usize, dB: usize, S: i32, sB: usize, w: usize): v128 {
  let a = taps5(bv, p, dB, S, sB, w);
  let b = taps5(f32x4.splat(0), p + rB, dB, S, sB, w + 20);
  a = taps5(a, p + 2 * rB, dB, S, sB, w + 40);
  b = taps5(b, p + 3 * rB, dB, S, sB, w + 60);
  a = taps5(a, p + 4 * rB, dB, S, sB, w + 80);
  return f32x4.add(a, b);
}

/** 4 output pixels of any KH×KW kernel, taps in loops. */
@inline function vecAny(bv: v128, p: usize, rB: usize, dB: usize, S: i32, sB: usize, w: usize, KH: i32, KW: i32): v128 {
  let a = bv;
  let wp = w;
  for (let kh = 0; kh < KH; kh++) {
    let q = p;
    for (let kw = 0; kw < KW; kw++) {
      a = madd(gather4(q, S, sB), v128.load32_splat(wp), a);
      q += dB;
      wp += 4;
    }
    p += rB;
  }
  return a;
}

/** Stores the first n (1…3) lanes of v at y. */
@inline function storeLanes(y: usize, v: v128, n: i32): void {
  v128.store32_lane(y, v, 0);
  if (n > 1) v128.store32_lane(y, v, 1, 4);
  if (n > 2) v128.store32_lane(y, v, 2, 8);
}

/**
 * One output row y [OW] from padded plane rows starting at `row` (its first column): pixel ow
 * reads row + (ow·S + kw·D) floats + kh·rB bytes. 8 pixels per step, then 4, then a partial vector.
 */
@inline function outputRow(y: usize, row: usize, rB: usize, w: usize, KH: i32, KW: i32, bv: v128, OW: i32, S: i32, sB: usize, D: i32): void {
  const dB = <usize>D << 2, next = sB << 2; // next: 4 output pixels on, in padded-plane bytes
  let ow = 0;
  let p = row;
  if (KH == 3 && KW == 3) {
    const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
    const w3 = v128.load32_splat(w, 12), w4 = v128.load32_splat(w, 16), w5 = v128.load32_splat(w, 20);
    const w6 = v128.load32_splat(w, 24), w7 = v128.load32_splat(w, 28), w8 = v128.load32_splat(w, 32);
    for (; ow + 8 <= OW; ow += 8) {
      let a0 = taps3(bv, p, dB, S, sB, w0, w1, w2);
      let a1 = taps3(bv, p + next, dB, S, sB, w0, w1, w2);
      a0 = taps3(a0, p + rB, dB, S, sB, w3, w4, w5);
      a1 = taps3(a1, p + next + rB, dB, S, sB, w3, w4, w5);
      a0 = taps3(a0, p + 2 * rB, dB, S, sB, w6, w7, w8);
      a1 = taps3(a1, p + next + 2 * rB, dB, S, sB, w6, w7, w8);
      const q = y + (<usize>ow << 2);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      p += next << 1;
    }
    for (; ow < OW; ow += 4) {
      let a = taps3(bv, p, dB, S, sB, w0, w1, w2);
      a = taps3(a, p + rB, dB, S, sB, w3, w4, w5);
      a = taps3(a, p + 2 * rB, dB, S, sB, w6, w7, w8);
      if (ow + 4 <= OW) v128.store(y + (<usize>ow << 2), a);
      else storeLanes(y + (<usize>ow << 2), a, OW - ow);
      p += next;
    }
  } else if (KH == 5 && KW == 5) {
    for (; ow + 8 <= OW; ow += 8) {
      const a0 = vec5(bv, p, rB, dB, S, sB, w);
      const a1 = vec5(bv, p + next, rB, dB, S, sB, w);
      const q = y + (<usize>ow << 2);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      p += next << 1;
    }
    for (; ow < OW; ow += 4) {
      const a = vec5(bv, p, rB, dB, S, sB, w);
      if (ow + 4 <= OW) v128.store(y + (<usize>ow << 2), a);
      else storeLanes(y + (<usize>ow << 2), a, OW - ow);
      p += next;
    }
  } else {
    for (; ow < OW; ow += 4) {
      const a = vecAny(bv, p, rB, dB, S, sB, w, KH, KW);
      if (ow + 4 <= OW) v128.store(y + (<usize>ow << 2), a);
      else storeLanes(y + (<usize>ow << 2), a, OW - ow);
      p += next;
    }
  }
}

/** Depthwise convolution over the block at `p` (DepthwiseParams in params.ts). */
export function f32_conv_depthwise__simd(p: usize): void {
  const d = changetype<DepthwiseParams>(p);
  // What the row loop reads: locals, so the block is not reloaded per row.
  const C = d.C, MULT = d.mult, H = d.H, W = d.W, OH = d.OH, OW = d.OW;
  const KH = d.KH, KW = d.KW, SH = d.SH, SW = d.SW, PT = d.PT, PL = d.PL, DH = d.DH, DW = d.DW;
  const bias = d.bias, pad = d.work;
  const PH = paddedRows(OH, KH, SH, DH), PS = paddedStride(OW, KW, SW, DW);
  const rowBytes = <usize>PS << 2;
  const rB = <usize>DH * rowBytes, ohStep = <usize>SH * rowBytes, sB = <usize>SW << 2;
  for (let c = 0; c < C; c++) {
    padPlane(pad, d.x + (<usize>(c * H * W) << 2), H, W, PH, PS, PT, PL);
    for (let mm = 0; mm < MULT; mm++) {
      const m = c * MULT + mm;
      const w = d.w + (<usize>(m * KH * KW) << 2);
      const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0);
      let y = d.y + (<usize>(m * OH) << 2) * <usize>OW;
      // output row oh reads padded rows oh·SH + kh·DH
      let row = pad;
      for (let oh = 0; oh < OH; oh++) {
        if (SW == 1) outputRow(y, row, rB, w, KH, KW, bv, OW, 1, 4, DW);
        else if (SW == 2) outputRow(y, row, rB, w, KH, KW, bv, OW, 2, 8, DW);
        else outputRow(y, row, rB, w, KH, KW, bv, OW, 0, sB, DW);
        y += <usize>OW << 2;
        row += ohStep;
      }
    }
  }
}

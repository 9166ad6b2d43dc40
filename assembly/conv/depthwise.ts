// Depthwise convolution, direct (C/group = 1, any channel multiplier; MobileNet's 3×3 and 5×5
// layers): y[m, oh, ow] = bias[m] + Σ_{kh, kw} xpad[⌊m/mult⌋, oh·SH − PT + kh·DH, ow·SW − PL + kw·DW]·w[m, kh, kw]
// with xpad = x and zeros around it. Block: DepthwiseParams in params.ts. im2col + a 1-row GEMM per
// channel spends its time moving columns; here each output row is computed in registers and
// written once.
// Each input channel is first copied into a zero-padded plane in the workspace (once, for all its
// `mult` outputs), each padded row split into SW phases: phase q holds padded columns q, q + SW,
// q + 2·SW, … (padded column i is x column i − PL, zero outside x; padded row r is x row r − PT).
// Output pixel ow, tap kw reads padded column ow·SW + kw·DW = phase (kw·DW) mod SW, index
// ow + ⌊kw·DW / SW⌋: 4 neighbouring output pixels read 4 neighbouring floats of one phase, so every
// stride runs on plain vector loads (the stride-2 split is one shuffle per 4 input pixels, once,
// instead of one per tap). Padding costs no branch anywhere (its zeros take part in the sum as the
// definition says: 0·∞ = NaN, like the im2col path), and every row runs in f32x4 lanes, borders and
// narrow late-stage maps (7², 14²) included: 8, then 4 output pixels per step, and a last partial
// vector whose lanes are stored one by one (the phases are long enough for its reads). 3×3 keeps
// its 9 weights in registers, 5×5 unrolls its taps, other kernels loop over them. The copy costs
// about one load and store per input pixel against KH·KW/(SH·SW) multiply-adds. At stride 2 that
// copy was as dear as the arithmetic, so there (dealRow2) x rows are dealt into the two phases
// directly (2 loads, 2 shuffles, 2 stores per 8 pixels) and the plane's zeros, the same for every
// channel, are written once per call.
// Reference with the same ABI: depthwise-ref.ts.
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
 * Floats per phase of a padded row: the indices read by ⌈OW/4⌉ whole vectors of output pixels,
 * 4·⌈OW/4⌉ + ⌊(KW − 1)·DW / SW⌋, rounded up to 4. A padded row is SW phases.
 */
@inline function phaseLength(OW: i32, KW: i32, SW: i32, DW: i32): i32 {
  return roundUp4(roundUp4(OW) + (KW - 1) * DW / SW);
}

/**
 * Bytes of workspace f32_conv_depthwise__simd needs for this geometry: one padded input plane
 * (paddedRows × SW phases × phaseLength floats), the KW tap offsets (rounded up to 4 words) and
 * one linear padded row of SW × phaseLength floats (split into phases from there).
 */
export function f32_conv_depthwise_workspace_bytes(OH: i32, OW: i32, KH: i32, KW: i32, SH: i32, SW: i32, DH: i32, DW: i32): i32 {
  const L = phaseLength(OW, KW, SW, DW);
  return ((paddedRows(OH, KH, SH, DH) + 1) * SW * L + roundUp4(KW)) << 2;
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
 * x row src [W] as a padded row of n floats: index i is x column i − PL, zero outside [0, W).
 */
@inline function padLinear(dst: usize, src: usize, W: i32, n: i32, PL: i32): void {
  // the indices whose x column i − PL exists: [i0, i1)
  const i0 = min(n, max(0, PL)), i1 = max(i0, min(n, W + PL));
  zeroFloats(dst, i0);
  copyFloats(dst + (<usize>i0 << 2), src + (<usize>(i0 - PL) << 2), i1 - i0);
  zeroFloats(dst + (<usize>i1 << 2), n - i1);
}

/** 8 x floats at src dealt to dst (evens: padded phase 0 side, odds: phase 1 at dst + phaseBytes), 4 each. */
@inline function deal8(dst: usize, src: usize, phaseBytes: usize): void {
  const a = v128.load(src), b = v128.load(src, 16);
  v128.store(dst, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
  v128.store(dst + phaseBytes, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
}

/**
 * One padded row in S phases of L floats from the x row at src [W]: phase q, index j = padded
 * column S·j + q = x column S·j + q − PL, zero outside [0, W). Stride 1 is padLinear; larger
 * strides pad the row linearly into `tmp` (S·L floats) first, then deal it out: stride 2 splits
 * 8 floats into 4 even and 4 odd with two shuffles, others go one float at a time.
 */
function padRow(dst: usize, src: usize, W: i32, S: i32, L: i32, PL: i32, tmp: usize): void {
  if (S == 1) {
    padLinear(dst, src, W, L, PL);
    return;
  }
  padLinear(tmp, src, W, S * L, PL);
  const phaseBytes = <usize>L << 2;
  if (S == 2) {
    for (let j = 0; j < L; j += 4) deal8(dst + (<usize>j << 2), tmp + (<usize>j << 3), phaseBytes); // L is a multiple of 4
    return;
  }
  for (let r = 0; r < S; r++) {
    const q = dst + <usize>r * phaseBytes;
    for (let j = 0; j < L; j++) store<f32>(q + (<usize>j << 2), load<f32>(tmp + (<usize>(S * j + r) << 2)));
  }
}


/**
 * Stride 2, straight from x: x column c goes to phase (c + PL) & 1, index (c + PL) >> 1 (its padded
 * column is c + PL). Only x's values are written: the plane's zeros (pad columns, pad rows) are
 * the same for every channel and row, so the caller zeroes the plane once per call. Blocks of 8
 * columns from c0 = 2·jA − PL (0 or 1), then one last block ending at or one before column W
 * (it may overlap the one before: the same values again), then the 0…1 columns left at each end.
 * Needs 0 ≤ PL, W ≥ 9 and W + PL ≤ 2·L (every column has a place: stride2Direct).
 */
function dealRow2(dst: usize, src: usize, W: i32, L: i32, PL: i32): void {
  const phaseBytes = <usize>L << 2;
  const jA = (PL + 1) >> 1, jL = (W + PL - 8) >> 1; // jA ≤ jL when W ≥ 9
  // block at index j: x columns 2j − PL … 2j − PL + 7
  let j = jA;
  for (; j < jL; j += 4) deal8(dst + (<usize>j << 2), src + (<usize>(2 * j - PL) << 2), phaseBytes);
  deal8(dst + (<usize>jL << 2), src + (<usize>(2 * jL - PL) << 2), phaseBytes);
  // column 0 when PL is odd (2·jA − PL = 1), column W − 1 when W + PL is odd
  if (PL & 1) store<f32>(dst + phaseBytes + (<usize>(PL >> 1) << 2), load<f32>(src));
  const c = W - 1;
  if ((W + PL) & 1) store<f32>(dst + (<usize>((c + PL) & 1) * phaseBytes) + (<usize>((c + PL) >> 1) << 2), load<f32>(src + (<usize>c << 2)));
}

/** Whether dealRow2 pads this geometry's rows (stride 2, PL ≥ 0, W ≥ 9, every column has a place). */
@inline function stride2Direct(SW: i32, W: i32, L: i32, PL: i32): bool {
  return SW == 2 && PL >= 0 && W >= 9 && W + PL <= 2 * L;
}

/** acc + the 3 taps of one kernel row at p, p + o1, p + o2 (tap offsets in bytes). */
@inline function taps3(acc: v128, p: usize, o1: usize, o2: usize, w0: v128, w1: v128, w2: v128): v128 {
  acc = madd(v128.load(p), w0, acc);
  acc = madd(v128.load(p + o1), w1, acc);
  return madd(v128.load(p + o2), w2, acc);
}

/** acc + the 5 taps of one kernel row at p + o[kw], weights w[0…4] splatted from memory. */
@inline function taps5(acc: v128, p: usize, o1: usize, o2: usize, o3: usize, o4: usize, w: usize): v128 {
  acc = madd(v128.load(p), v128.load32_splat(w), acc);
  acc = madd(v128.load(p + o1), v128.load32_splat(w, 4), acc);
  acc = madd(v128.load(p + o2), v128.load32_splat(w, 8), acc);
  acc = madd(v128.load(p + o3), v128.load32_splat(w, 12), acc);
  return madd(v128.load(p + o4), v128.load32_splat(w, 16), acc);
}

/**
 * 4 output pixels of a 5×5 kernel: padded rows p, p + rB, … (rB = DH rows in bytes). Even and odd
 * kernel rows go to two accumulators: two dependency chains of multiply-adds instead of one of 25.
 */
@inline function vec5(bv: v128, p: usize, rB: usize, o1: usize, o2: usize, o3: usize, o4: usize, w: usize): v128 {
  let a = taps5(bv, p, o1, o2, o3, o4, w);
  let b = taps5(f32x4.splat(0), p + rB, o1, o2, o3, o4, w + 20);
  a = taps5(a, p + 2 * rB, o1, o2, o3, o4, w + 40);
  b = taps5(b, p + 3 * rB, o1, o2, o3, o4, w + 60);
  a = taps5(a, p + 4 * rB, o1, o2, o3, o4, w + 80);
  return f32x4.add(a, b);
}

/** 4 output pixels of any KH×KW kernel, taps in loops (offs: the KW tap offsets). */
@inline function vecAny(bv: v128, p: usize, rB: usize, offs: usize, w: usize, KH: i32, KW: i32): v128 {
  let a = bv;
  let wp = w;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      a = madd(v128.load(p + load<usize>(offs + (<usize>kw << 2))), v128.load32_splat(wp), a);
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
 * One output row y [OW] from the padded row at `row`: pixel ow, tap (kh, kw) reads
 * row + kh·rB + offs[kw] + 4·ow bytes. 8 pixels per step, then 4, then a partial vector.
 */
function outputRow(y: usize, row: usize, rB: usize, offs: usize, w: usize, KH: i32, KW: i32, bv: v128, OW: i32): void {
  let ow = 0;
  let p = row;
  if (KH == 3 && KW == 3) {
    const o1 = load<usize>(offs, 4), o2 = load<usize>(offs, 8);
    const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
    const w3 = v128.load32_splat(w, 12), w4 = v128.load32_splat(w, 16), w5 = v128.load32_splat(w, 20);
    const w6 = v128.load32_splat(w, 24), w7 = v128.load32_splat(w, 28), w8 = v128.load32_splat(w, 32);
    for (; ow + 8 <= OW; ow += 8) {
      let a0 = taps3(bv, p, o1, o2, w0, w1, w2);
      let a1 = taps3(bv, p + 16, o1, o2, w0, w1, w2);
      a0 = taps3(a0, p + rB, o1, o2, w3, w4, w5);
      a1 = taps3(a1, p + 16 + rB, o1, o2, w3, w4, w5);
      a0 = taps3(a0, p + 2 * rB, o1, o2, w6, w7, w8);
      a1 = taps3(a1, p + 16 + 2 * rB, o1, o2, w6, w7, w8);
      const q = y + (<usize>ow << 2);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      p += 32;
    }
    for (; ow < OW; ow += 4) {
      let a = taps3(bv, p, o1, o2, w0, w1, w2);
      a = taps3(a, p + rB, o1, o2, w3, w4, w5);
      a = taps3(a, p + 2 * rB, o1, o2, w6, w7, w8);
      if (ow + 4 <= OW) v128.store(y + (<usize>ow << 2), a);
      else storeLanes(y + (<usize>ow << 2), a, OW - ow);
      p += 16;
    }
  } else if (KH == 5 && KW == 5) {
    const o1 = load<usize>(offs, 4), o2 = load<usize>(offs, 8), o3 = load<usize>(offs, 12), o4 = load<usize>(offs, 16);
    for (; ow + 8 <= OW; ow += 8) {
      const a0 = vec5(bv, p, rB, o1, o2, o3, o4, w);
      const a1 = vec5(bv, p + 16, rB, o1, o2, o3, o4, w);
      const q = y + (<usize>ow << 2);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      p += 32;
    }
    for (; ow < OW; ow += 4) {
      const a = vec5(bv, p, rB, o1, o2, o3, o4, w);
      if (ow + 4 <= OW) v128.store(y + (<usize>ow << 2), a);
      else storeLanes(y + (<usize>ow << 2), a, OW - ow);
      p += 16;
    }
  } else {
    for (; ow < OW; ow += 4) {
      const a = vecAny(bv, p, rB, offs, w, KH, KW);
      if (ow + 4 <= OW) v128.store(y + (<usize>ow << 2), a);
      else storeLanes(y + (<usize>ow << 2), a, OW - ow);
      p += 16;
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
  const PH = paddedRows(OH, KH, SH, DH), L = phaseLength(OW, KW, SW, DW);
  const rowBytes = <usize>(SW * L) << 2;
  const rB = <usize>DH * rowBytes, ohStep = <usize>SH * rowBytes;
  // tap kw's byte offset in a padded row: phase (kw·DW) mod SW, index ⌊kw·DW / SW⌋
  const offs = pad + <usize>PH * rowBytes, tmp = offs + (<usize>roundUp4(KW) << 2);
  for (let kw = 0; kw < KW; kw++) {
    const t = kw * DW;
    store<usize>(offs + (<usize>kw << 2), (<usize>((t % SW) * L + t / SW)) << 2);
  }
  // stride 2: zeros once, then each channel's rows dealt straight from x (dealRow2)
  const direct2 = stride2Direct(SW, W, L, PL);
  if (direct2) zeroFloats(pad, PH * SW * L);
  for (let c = 0; c < C; c++) {
    // the padded plane of channel c: row r is x row r − PT (zeros outside x)
    const x = d.x + (<usize>(c * H * W) << 2);
    for (let r = 0; r < PH; r++) {
      const dst = pad + <usize>r * rowBytes;
      const ih = r - PT;
      if (ih < 0 || ih >= H) {
        if (!direct2) zeroFloats(dst, SW * L);
      } else if (direct2) dealRow2(dst, x + (<usize>(ih * W) << 2), W, L, PL);
      else padRow(dst, x + (<usize>(ih * W) << 2), W, SW, L, PL, tmp);
    }
    for (let mm = 0; mm < MULT; mm++) {
      const m = c * MULT + mm;
      const w = d.w + (<usize>(m * KH * KW) << 2);
      const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>m << 2)) : 0);
      let y = d.y + (<usize>(m * OH) << 2) * <usize>OW;
      // output row oh reads padded rows oh·SH + kh·DH
      let row = pad;
      for (let oh = 0; oh < OH; oh++) {
        outputRow(y, row, rB, offs, w, KH, KW, bv, OW);
        y += <usize>OW << 2;
        row += ohStep;
      }
    }
  }
}

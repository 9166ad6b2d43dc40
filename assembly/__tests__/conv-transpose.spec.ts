// The transposed-convolution kernels against their references: the depthwise kernel over strides
// (multiples of 4 and not), kernels smaller and larger than the stride, dilations, pads (also
// negative), multipliers and bias; the sub-pixel interleave over strides 1, 2, 3, 4, 8, offsets
// and edge cells; the sub-pixel weight packing over kernels below, at and past multiples of the
// stride and groups. Guards after every output must stay intact.
import { f32_conv_transpose_depthwise__simd } from "../conv-transpose/depthwise";
import { f32_conv_transpose_depthwise__ref } from "../conv-transpose/depthwise-ref";
import { f32_conv_transpose_subpixel_interleave__simd, f32_conv_transpose_subpixel_pack_weights__scalar } from "../conv-transpose/subpixel";
import { f32_conv_transpose_subpixel_interleave__ref, f32_conv_transpose_subpixel_pack_weights__ref } from "../conv-transpose/subpixel-ref";
import { InterleaveParams, PackParams, TransposedParams } from "../params";
import { randomBuffer, filledBuffer, guardsIntact, firstBitMismatch, firstMismatch, at, newBlock, reseed } from "./helpers";

/** Output size of a transposed convolution along one axis (no output padding). */
function outSize(n: i32, k: i32, s: i32, d: i32, pb: i32, pe: i32): i32 {
  return s * (n - 1) + d * (k - 1) + 1 - pb - pe;
}

function depthwise(C: i32, MULT: i32, H: i32, W: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, PB: i32, PR: i32, DH: i32, DW: i32, withBias: bool): string {
  reseed(<u32>(C * 31 + H * 17 + W * 13 + KW * 7 + SW * 3 + PL + DW * 101));
  const OH = outSize(H, KH, SH, DH, PT, PB), OW = outSize(W, KW, SW, DW, PL, PR);
  if (OH < 1 || OW < 1) return "";
  const n = C * MULT * OH * OW;
  const x = randomBuffer(C * H * W), w = randomBuffer(C * MULT * KH * KW);
  const b: usize = withBias ? randomBuffer(C * MULT) : 0;
  const yFast = filledBuffer(n, 777), yRef = filledBuffer(n, -777);
  const t = newBlock<TransposedParams>();
  t.C = C; t.mult = MULT; t.H = H; t.W = W; t.KH = KH; t.KW = KW;
  t.SH = SH; t.SW = SW; t.PT = PT; t.PL = PL; t.DH = DH; t.DW = DW;
  t.OH = OH; t.OW = OW; t.x = x; t.w = w; t.bias = b; t.y = yFast;
  const p = changetype<usize>(t);
  f32_conv_transpose_depthwise__simd(p);
  t.y = yRef;
  f32_conv_transpose_depthwise__ref(p);
  const bad = firstMismatch(yFast, yRef, n, 1e-5, 1e-4);
  let problem = "";
  if (bad >= 0) problem = `C=${C} mult=${MULT} in=${H}x${W} k=${KH}x${KW} s=${SH},${SW} p=${PT},${PL},${PB},${PR} d=${DH},${DW}: y[${bad}] = ${at(yFast, bad)}, reference ${at(yRef, bad)}`;
  else if (!guardsIntact(yFast, n)) problem = `C=${C} in=${H}x${W} k=${KW} s=${SW}: wrote past the output`;
  heap.free(x); heap.free(w); if (b != 0) heap.free(b); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

function interleave(M: i32, OH: i32, OW: i32, SH: i32, SW: i32, PT: i32, PL: i32, withBias: bool): string {
  reseed(<u32>(M * 7 + OH * 5 + OW * 3 + SW + PL * 11));
  // Cells cover ⌊(o + p)/s⌋ for o in [0, O): u0 = ⌊p/s⌋ … ⌊(O − 1 + p)/s⌋.
  const U0H = PT / SH, U0W = PL / SW;
  const NUH = (OH - 1 + PT) / SH - U0H + 1, NUW = (OW - 1 + PL) / SW - U0W + 1;
  const phases = randomBuffer(M * SH * SW * NUH * NUW);
  const b: usize = withBias ? randomBuffer(M) : 0;
  const n = M * OH * OW;
  const yFast = filledBuffer(n, 777), yRef = filledBuffer(n, -777);
  const t = newBlock<InterleaveParams>();
  t.M = M; t.OH = OH; t.OW = OW; t.SH = SH; t.SW = SW; t.PT = PT; t.PL = PL;
  t.U0H = U0H; t.U0W = U0W; t.NUH = NUH; t.NUW = NUW; t.phases = phases; t.bias = b; t.y = yFast;
  const p = changetype<usize>(t);
  f32_conv_transpose_subpixel_interleave__simd(p);
  t.y = yRef;
  f32_conv_transpose_subpixel_interleave__ref(p);
  const bad = firstMismatch(yFast, yRef, n, 0, 0);
  let problem = "";
  if (bad >= 0) problem = `M=${M} out=${OH}x${OW} s=${SH},${SW} p=${PT},${PL}: y[${bad}] = ${at(yFast, bad)}, reference ${at(yRef, bad)}`;
  else if (!guardsIntact(yFast, n)) problem = `M=${M} out=${OH}x${OW} s=${SH},${SW}: wrote past the output`;
  heap.free(phases); if (b != 0) heap.free(b); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

/** Packs w [G·CG, MG, KH, KW] with both kernels: a copy, so bit for bit, and nothing past the end. */
function pack(G: i32, CG: i32, MG: i32, KH: i32, KW: i32, SH: i32, SW: i32): string {
  reseed(<u32>(G * 97 + CG * 31 + MG * 17 + KH * 7 + KW * 5 + SH * 3 + SW));
  const TH = (KH + SH - 1) / SH, TW = (KW + SW - 1) / SW;
  const n = G * MG * SH * SW * CG * TH * TW;
  const w = randomBuffer(G * CG * MG * KH * KW);
  const outFast = filledBuffer(n, 777), outRef = filledBuffer(n, -777);
  const k = newBlock<PackParams>();
  k.G = G; k.CG = CG; k.MG = MG; k.KH = KH; k.KW = KW; k.SH = SH; k.SW = SW; k.TH = TH; k.TW = TW;
  k.w = w; k.out = outFast;
  const p = changetype<usize>(k);
  f32_conv_transpose_subpixel_pack_weights__scalar(p);
  k.out = outRef;
  f32_conv_transpose_subpixel_pack_weights__ref(p);
  const bad = firstBitMismatch(outFast, outRef, n);
  let problem = "";
  if (bad >= 0) problem = `G=${G} CG=${CG} MG=${MG} k=${KH}x${KW} s=${SH},${SW}: W_sub[${bad}] = ${at(outFast, bad)}, reference ${at(outRef, bad)}`;
  else if (!guardsIntact(outFast, n)) problem = `G=${G} CG=${CG} MG=${MG} k=${KH}x${KW} s=${SH},${SW}: wrote past W_sub`;
  heap.free(w); heap.free(outFast); heap.free(outRef); heap.free(p);
  return problem;
}

describe("f32_conv_transpose_depthwise__simd", () => {
  it("strides 1…8 with k = 2s (FCN's bilinear shape) and pads", () => {
    for (let s = 1; s <= 8; s++) for (let pad = 0; pad <= s; pad += max(1, s / 2)) {
      expect(depthwise(3, 1, 5, 7, 2 * s, 2 * s, s, s, pad, pad, pad, pad, 1, 1, true)).toBe("");
    }
  });
  it("k16 s8 and k64 s32 on small inputs", () => {
    expect(depthwise(2, 1, 3, 4, 16, 16, 8, 8, 4, 4, 4, 4, 1, 1, true)).toBe("");
    expect(depthwise(2, 1, 2, 3, 64, 64, 32, 32, 16, 16, 16, 16, 1, 1, false)).toBe("");
  });
  it("k < s, k not a multiple of s, odd kernels, asymmetric pads", () => {
    expect(depthwise(2, 1, 6, 5, 3, 3, 4, 4, 0, 1, 2, 0, 1, 1, true)).toBe("");
    expect(depthwise(2, 1, 6, 9, 5, 7, 3, 2, 1, 3, 2, 1, 1, 1, true)).toBe("");
    expect(depthwise(1, 1, 4, 11, 1, 9, 1, 4, 0, 4, 0, 0, 1, 1, false)).toBe("");
  });
  it("dilations and multipliers", () => {
    expect(depthwise(2, 3, 5, 6, 3, 4, 2, 2, 1, 2, 0, 1, 2, 3, true)).toBe("");
    expect(depthwise(3, 2, 4, 4, 4, 8, 4, 8, 0, 0, 0, 0, 1, 1, true)).toBe("");
  });
  it("negative pads (SAME with k < s) widen the output with untouched pixels", () => {
    expect(depthwise(2, 1, 4, 5, 1, 2, 2, 3, -1, -1, 0, 0, 1, 1, true)).toBe("");
  });
  it("1-D (H = KH = 1) over widths 1…20", () => {
    for (let w = 1; w <= 20; w++) expect(depthwise(2, 1, 1, w, 1, 8, 1, 4, 0, 2, 0, 2, 1, 1, true)).toBe("");
  });
});

describe("f32_conv_transpose_subpixel_interleave__simd", () => {
  it("strides 1, 2, 3, 4, 8 over output widths and offsets", () => {
    const strides: StaticArray<i32> = [1, 2, 3, 4, 8];
    for (let i = 0; i < strides.length; i++) {
      const s = strides[i];
      for (let ow = 1; ow <= 37; ow += 3) for (let pl = 0; pl <= 2 * s; pl += max(1, s / 2)) {
        expect(interleave(2, 5, ow, s, s, pl, pl, true)).toBe("");
      }
    }
  });
  it("different strides per axis, no bias", () => {
    expect(interleave(3, 11, 29, 3, 4, 1, 5, false)).toBe("");
    expect(interleave(1, 7, 64, 2, 8, 0, 3, false)).toBe("");
  });
});

describe("f32_conv_transpose_subpixel_pack_weights__scalar", () => {
  it("k a multiple of s, k not a multiple of s (zero taps), k < s, k = 1", () => {
    for (let s = 1; s <= 4; s++) for (let kk = 1; kk <= 9; kk++) expect(pack(1, 2, 3, kk, kk, s, s)).toBe("");
  });
  it("groups, channel counts, different kernels and strides per axis, 1-D (KH = SH = 1)", () => {
    expect(pack(3, 2, 4, 4, 6, 2, 3)).toBe("");
    expect(pack(2, 5, 1, 3, 16, 1, 8)).toBe("");
    expect(pack(4, 1, 1, 1, 7, 1, 2)).toBe("");
  });
});

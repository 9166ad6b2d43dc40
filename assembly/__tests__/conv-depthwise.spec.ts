// The depthwise convolution kernel against its reference: the 3×3 and 5×5 fast paths and the
// general tap loop at strides 1, 2 (vector loads) and 3 (gathered lanes), over widths that leave
// every tail (8, 4, a partial vector of 1…3 pixels), pads (also asymmetric and negative),
// dilations, multipliers, 1-D, with and without bias; stride 2 along W (rows dealt straight from
// x) over every left and right pad 0…k−1 and widths on both sides of its W ≥ 9 limit. Guards after
// every output and after the workspace (the padded plane) must stay intact.
import { f32_conv_depthwise__simd, f32_conv_depthwise_workspace_bytes } from "../conv/depthwise";
import { f32_conv_depthwise__ref } from "../conv/depthwise-ref";
import { DepthwiseParams } from "../params";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatch, at, newBlock, reseed, windows } from "./helpers";

function depthwise(C: i32, MULT: i32, H: i32, W: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, PB: i32, PR: i32, DH: i32, DW: i32, withBias: bool): string {
  reseed(<u32>(C * 31 + H * 17 + W * 13 + KW * 7 + SW * 3 + PL + DW * 101));
  const OH = windows(H, KH, SH, DH, PT, PB), OW = windows(W, KW, SW, DW, PL, PR);
  if (OH < 1 || OW < 1) return "";
  const n = C * MULT * OH * OW;
  const x = randomBuffer(C * H * W), w = randomBuffer(C * MULT * KH * KW);
  const b: usize = withBias ? randomBuffer(C * MULT) : 0;
  const work = filledBuffer(f32_conv_depthwise_workspace_bytes(OH, OW, KH, KW, SH, SW, DH, DW) >> 2, 555);
  const yFast = filledBuffer(n, 777), yRef = filledBuffer(n, -777);
  const t = newBlock<DepthwiseParams>();
  t.C = C; t.mult = MULT; t.H = H; t.W = W; t.KH = KH; t.KW = KW;
  t.SH = SH; t.SW = SW; t.PT = PT; t.PL = PL; t.DH = DH; t.DW = DW;
  t.OH = OH; t.OW = OW; t.x = x; t.w = w; t.bias = b; t.y = yFast; t.work = work;
  const p = changetype<usize>(t);
  f32_conv_depthwise__simd(p);
  t.y = yRef;
  f32_conv_depthwise__ref(p);
  const bad = firstMismatch(yFast, yRef, n, 1e-5, 1e-4);
  let problem = "";
  const shape = `C=${C} mult=${MULT} in=${H}x${W} k=${KH}x${KW} s=${SH},${SW} p=${PT},${PL},${PB},${PR} d=${DH},${DW}`;
  if (bad >= 0) problem = `${shape}: y[${bad}] = ${at(yFast, bad)}, reference ${at(yRef, bad)}`;
  else if (!guardsIntact(yFast, n)) problem = `${shape}: wrote past the output`;
  else if (!guardsIntact(work, f32_conv_depthwise_workspace_bytes(OH, OW, KH, KW, SH, SW, DH, DW) >> 2)) problem = `${shape}: wrote past the workspace`;
  heap.free(x); heap.free(w); if (b != 0) heap.free(b); heap.free(work); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

describe("f32_conv_depthwise__simd", () => {
  it("3×3 and 5×5, strides 1 and 2, 'same' pads, widths 1…27 (every tail)", () => {
    for (let k = 3; k <= 5; k += 2) for (let s = 1; s <= 2; s++) for (let w = 1; w <= 27; w++) {
      expect(depthwise(2, 1, 5, w, k, k, s, s, k / 2, k / 2, k / 2, k / 2, 1, 1, true)).toBe("");
    }
  });
  it("other kernels (1…7, non-square) and stride 3, unpadded and padded", () => {
    for (let k = 1; k <= 7; k++) for (let s = 1; s <= 3; s++) {
      expect(depthwise(2, 1, 9, 23, k, max(1, 8 - k), s, s, 0, 0, 0, 0, 1, 1, false)).toBe("");
      expect(depthwise(3, 1, 11, 19, k, k, s, s, k / 2, (k - 1) / 2, k - 1, k / 2, 1, 1, true)).toBe("");
    }
  });
  it("dilations, different strides per axis, asymmetric pads", () => {
    expect(depthwise(2, 1, 13, 29, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, true)).toBe("");
    expect(depthwise(2, 1, 13, 31, 5, 5, 2, 2, 4, 3, 1, 4, 2, 3, true)).toBe("");
    expect(depthwise(2, 1, 14, 33, 4, 3, 3, 2, 0, 1, 2, 3, 3, 1, false)).toBe("");
    expect(depthwise(1, 1, 7, 40, 3, 3, 2, 1, 1, 0, 0, 1, 1, 4, true)).toBe("");
  });
  it("channel multipliers", () => {
    expect(depthwise(3, 2, 9, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true)).toBe("");
    expect(depthwise(2, 3, 8, 21, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, false)).toBe("");
  });
  it("kernel wider than the padded row's interior (all border), and negative pads", () => {
    expect(depthwise(2, 1, 6, 4, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, true)).toBe("");
    expect(depthwise(2, 1, 6, 3, 3, 7, 1, 2, 1, 3, 1, 3, 1, 1, true)).toBe("");
    expect(depthwise(2, 1, 9, 20, 3, 3, 1, 2, -1, -2, -1, 0, 1, 1, true)).toBe("");
  });
  it("stride 2 along W, rows dealt straight from x: every left and right pad 0…k−1, widths 1…41", () => {
    // dealRow2 runs for W ≥ 9 and PL ≥ 0 (blocks of 8, an overlapping last block, 0…1 single
    // columns at each end); narrower rows take the linear pad + deal path. The zeros of the plane
    // are written once per call: 3 channels check that they survive the channels after the first.
    for (let k = 3; k <= 5; k += 2) for (let pl = 0; pl < k; pl++) for (let pr = 0; pr < k; pr++) for (let w = 1; w <= 41; w += 1) {
      if (w > 20 && w % 4 != 1) continue; // past 20: one width per residue class of 8 is enough, and 33, 37, 41
      expect(depthwise(3, 1, 7, w, k, k, 2, 2, pr % 2, pl, (pl + 1) % k, pr, 1, 1, (w & 1) == 0)).toBe("");
    }
  });
  it("stride 2 along W with multipliers, dilation, SH ≠ SW, other kernels and cropping pads", () => {
    expect(depthwise(3, 3, 9, 26, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true)).toBe("");
    expect(depthwise(2, 2, 11, 35, 5, 5, 1, 2, 2, 2, 2, 2, 1, 1, false)).toBe("");
    expect(depthwise(2, 1, 12, 30, 3, 3, 2, 2, 2, 3, 2, 1, 2, 2, true)).toBe("");
    expect(depthwise(2, 1, 10, 29, 2, 4, 3, 2, 0, 3, 1, 0, 1, 1, true)).toBe("");
    expect(depthwise(2, 1, 10, 29, 7, 7, 2, 2, 3, 6, 3, 5, 1, 1, false)).toBe("");
    // a negative right pad: x columns past the plane's phases (W + PL > 2·L) take the old path
    expect(depthwise(2, 1, 9, 40, 3, 3, 2, 2, 1, 1, 1, -12, 1, 1, true)).toBe("");
  });
  it("1-D (H = KH = 1) over widths 1…24", () => {
    for (let w = 1; w <= 24; w++) expect(depthwise(2, 1, 1, w, 1, 3, 1, 1, 0, 1, 0, 1, 1, 1, true)).toBe("");
  });
});

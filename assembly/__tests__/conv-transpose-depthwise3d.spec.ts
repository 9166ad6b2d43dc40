// f32_conv_transpose_depthwise3d__simd against its reference (depthwise3d-ref.ts) over volume
// families: strides 1…4 per axis (SW a multiple of 4 and not: the scatter's two vector forms),
// kernels smaller and larger than the stride, dilations, pads (also negative, as SAME with k < s
// derives them), multipliers 1…3, with and without bias; trilinear upsampling's k = 2s, p = s/2.
// The output starts as garbage, so a skipped voxel shows; guards after it must stay intact.
import { f32_conv_transpose_depthwise3d__simd } from "../conv-transpose/depthwise3d";
import { f32_conv_transpose_depthwise3d__ref } from "../conv-transpose/depthwise3d-ref";
import { TransposedVolumeParams } from "../params";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatch, newBlock, reseed } from "./helpers";

/** Output size of a transposed convolution along one axis (no output padding). */
function outSize(n: i32, k: i32, s: i32, d: i32, pb: i32, pe: i32): i32 {
  return s * (n - 1) + d * (k - 1) + 1 - pb - pe;
}

/** One geometry: per axis [in, k, s, d, pBegin, pEnd] for depth, height and width. */
function depthwise3d(C: i32, MULT: i32, a: StaticArray<i32>, withBias: bool): string {
  reseed(<u32>(C * 31 + a[0] * 17 + a[6] * 13 + a[12] * 7 + a[14] * 3 + MULT));
  const OD = outSize(a[0], a[1], a[2], a[3], a[4], a[5]);
  const OH = outSize(a[6], a[7], a[8], a[9], a[10], a[11]);
  const OW = outSize(a[12], a[13], a[14], a[15], a[16], a[17]);
  if (OD < 1 || OH < 1 || OW < 1) return "skip";
  const n = C * MULT * OD * OH * OW;
  const x = randomBuffer(C * a[0] * a[6] * a[12]), w = randomBuffer(C * MULT * a[1] * a[7] * a[13]);
  const b: usize = withBias ? randomBuffer(C * MULT) : 0;
  const yFast = filledBuffer(n, 777), yRef = filledBuffer(n, -777);
  const t = newBlock<TransposedVolumeParams>();
  t.C = C; t.mult = MULT; t.D = a[0]; t.H = a[6]; t.W = a[12]; t.OD = OD; t.OH = OH; t.OW = OW;
  t.KD = a[1]; t.KH = a[7]; t.KW = a[13]; t.SD = a[2]; t.SH = a[8]; t.SW = a[14];
  t.PF = a[4]; t.PT = a[10]; t.PL = a[16]; t.DD = a[3]; t.DH = a[9]; t.DW = a[15];
  t.x = x; t.w = w; t.bias = b; t.y = yFast;
  const p = changetype<usize>(t);
  f32_conv_transpose_depthwise3d__simd(p);
  t.y = yRef;
  f32_conv_transpose_depthwise3d__ref(p);
  const bad = firstMismatch(yFast, yRef, n, 1e-5, 1e-4);
  let problem = "";
  if (bad >= 0) problem = `C=${C} mult=${MULT} axes=${a.join(",")}: y[${bad}] differs from the reference`;
  else if (!guardsIntact(yFast, n)) problem = `C=${C} mult=${MULT} axes=${a.join(",")}: wrote past the output`;
  heap.free(x); heap.free(w); if (b != 0) heap.free(b); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

describe("f32_conv_transpose_depthwise3d__simd", () => {
  it("matches the reference over strides, kernels, dilations, pads (negative too), multipliers and bias", () => {
    let ran = 0;
    for (let s = 1; s <= 4; s++) for (let k = 1; k <= 5; k++) for (let v = 0; v < 3; v++) {
      const d = 1 + (k + v) % 2, sw = v == 2 ? 4 : 1 + (s + v) % 4;
      const pb = (k + v) % 3 - (v == 1 && k < s ? 1 : 0), pe = (s + v) % 3;
      const axes: StaticArray<i32> = [
        2 + (s + v) % 3, k, s, 1 + v % 2, pb, pe,
        3 + (k + v) % 4, 1 + (k + 1) % 4, 1 + (s + 1) % 3, d, (s + k) % 3, v % 2,
        4 + (s * k + v) % 7, k + v, sw, v == 1 ? 1 : d, pb, (k + 1) % 3,
      ];
      const problem = depthwise3d(1 + (s + k) % 3, 1 + v, axes, (s + k + v) % 2 == 0);
      if (problem == "skip") continue;
      ran++;
      expect(problem).toBe("");
    }
    expect(ran).toBeGreaterThan(40);
  });
  it("trilinear upsampling: k = 2s, pads s/2, one channel per group", () => {
    for (let s = 1; s <= 4; s++) {
      const k = 2 * s, p = s / 2;
      const axes: StaticArray<i32> = [3, k, s, 1, p, p, 4, k, s, 1, p, p, 5, k, s, 1, p, p];
      expect(depthwise3d(3, 1, axes, false)).toBe("");
    }
  });
});

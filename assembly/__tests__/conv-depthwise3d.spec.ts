// f32_conv_depthwise3d__simd against its reference (depthwise3d-ref.ts) over volume families:
// strides 1…3 per axis (SW = 1: the vector path), kernels 1…4, dilations, pads past the kernel and
// negative (the gradient of a transposed convolution derives those), multipliers 1…3, with and
// without bias; NaN and ±∞ weights, whose padding terms 0·w must reach the outputs (bit-exact NaN
// placement: the comparison treats NaN as equal only to NaN). Guards after the output must stay intact.
import { f32_conv_depthwise3d__simd } from "../conv/depthwise3d";
import { f32_conv_depthwise3d__ref } from "../conv/depthwise3d-ref";
import { DepthwiseVolumeParams } from "../params";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatch, newBlock, reseed, windows } from "./helpers";

/** One geometry: per axis [in, k, s, d, pBegin, pEnd] for depth, height and width. */
function depthwise3d(C: i32, MULT: i32, a: StaticArray<i32>, withBias: bool, specials: bool): string {
  reseed(<u32>(C * 31 + a[0] * 17 + a[6] * 13 + a[12] * 7 + a[14] * 3 + MULT));
  const OD = windows(a[0], a[1], a[2], a[3], a[4], a[5]);
  const OH = windows(a[6], a[7], a[8], a[9], a[10], a[11]);
  const OW = windows(a[12], a[13], a[14], a[15], a[16], a[17]);
  if (OD < 1 || OH < 1 || OW < 1) return "skip";
  const n = C * MULT * OD * OH * OW, nw = C * MULT * a[1] * a[7] * a[13];
  const x = randomBuffer(C * a[0] * a[6] * a[12]), w = randomBuffer(nw);
  if (specials) {
    store<f32>(w, NaN);
    store<f32>(w + (<usize>(nw - 1) << 2), Infinity);
  }
  const b: usize = withBias ? randomBuffer(C * MULT) : 0;
  const yFast = filledBuffer(n, 777), yRef = filledBuffer(n, -777);
  const t = newBlock<DepthwiseVolumeParams>();
  t.C = C; t.mult = MULT; t.D = a[0]; t.H = a[6]; t.W = a[12]; t.OD = OD; t.OH = OH; t.OW = OW;
  t.KD = a[1]; t.KH = a[7]; t.KW = a[13]; t.SD = a[2]; t.SH = a[8]; t.SW = a[14];
  t.PF = a[4]; t.PT = a[10]; t.PL = a[16]; t.DD = a[3]; t.DH = a[9]; t.DW = a[15];
  t.x = x; t.w = w; t.bias = b; t.y = yFast;
  const p = changetype<usize>(t);
  f32_conv_depthwise3d__simd(p);
  t.y = yRef;
  f32_conv_depthwise3d__ref(p);
  let problem = "";
  for (let i = 0; i < n; i++) {
    const g = load<f32>(yFast + (<usize>i << 2)), r = load<f32>(yRef + (<usize>i << 2));
    if (isNaN(g) != isNaN(r)) { problem = `C=${C} mult=${MULT} axes=${a.join(",")}: y[${i}] NaN placement differs (${g} vs ${r})`; break; }
  }
  if (problem == "" && !specials) {
    const bad = firstMismatch(yFast, yRef, n, 1e-5, 1e-4);
    if (bad >= 0) problem = `C=${C} mult=${MULT} axes=${a.join(",")}: y[${bad}] differs from the reference`;
  }
  if (problem == "" && !guardsIntact(yFast, n)) problem = `C=${C} mult=${MULT} axes=${a.join(",")}: wrote past the output`;
  heap.free(x); heap.free(w); if (b != 0) heap.free(b); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

function family(specials: bool): i32 {
  let ran = 0;
  for (let s = 1; s <= 3; s++) for (let k = 1; k <= 4; k++) for (let v = 0; v < 4; v++) {
    const d = 1 + (k + v) % 2;
    const pb = v == 3 ? -1 : (k + v) % 3, pe = v == 2 ? k + 1 : (s + v) % 3; // negative, and past the kernel
    const axes: StaticArray<i32> = [
      3 + (s + v) % 4, k, s, 1 + v % 2, pb, pe,
      4 + (k + v) % 4, 1 + (k + 1) % 4, 1 + (s + 1) % 3, d, (s + k) % 3, v % 2,
      5 + (s * k + v) % 9, k, v % 2 == 0 ? 1 : s, v == 1 ? 1 : d, pb, pe,
    ];
    const problem = depthwise3d(1 + (s + k) % 3, 1 + v % 3, axes, (s + k + v) % 2 == 0, specials);
    if (problem == "skip") continue;
    ran++;
    expect(problem).toBe("");
  }
  return ran;
}

describe("f32_conv_depthwise3d__simd", () => {
  it("matches the reference over strides, kernels, dilations, pads (negative and past the kernel), multipliers and bias", () => {
    expect(family(false)).toBeGreaterThan(30);
  });
  it("puts NaN where the reference does for NaN and ±∞ weights (padding zeros are terms)", () => {
    expect(family(true)).toBeGreaterThan(30);
  });
});

// The F(2×2,2×2) sub-pixel phase kernels against their float64 references (subpixel-winograd-ref.ts):
// the weight transform over rows and channels; the input transform over odd and even sizes, band
// origins at the top (R0 − 1 = −1), inside and past the image, TC below, at and past multiples of 4;
// the output transform over strides 1…4 and 8 (unequal too), pads, band offsets, bias or none,
// TC tails, SW = 2's zipped whole-vector stores and their edges. Guards after every output must stay intact; outputs no tile reaches keep their fill.
import { f32_phase_winograd_input__simd, f32_phase_winograd_output__simd, f32_phase_winograd_weights__scalar } from "../conv-transpose/subpixel-winograd";
import { f32_phase_winograd_input__ref, f32_phase_winograd_output__ref, f32_phase_winograd_weights__ref } from "../conv-transpose/subpixel-winograd-ref";
import { PhaseWinogradParams } from "../params";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatch, at, newBlock, reseed } from "./helpers";

function weights(rows: i32, C: i32): string {
  reseed(<u32>(rows * 31 + C));
  const n = 9 * rows * C;
  const w = randomBuffer(rows * C * 4);
  const uFast = filledBuffer(n, 777), uRef = filledBuffer(n, -777);
  f32_phase_winograd_weights__scalar(w, rows, C, uFast);
  f32_phase_winograd_weights__ref(w, rows, C, uRef);
  const bad = firstMismatch(uFast, uRef, n, 1e-6, 1e-6);
  let problem = "";
  if (bad >= 0) problem = `rows=${rows} C=${C}: U[${bad}] = ${at(uFast, bad)}, reference ${at(uRef, bad)}`;
  else if (!guardsIntact(uFast, n)) problem = `rows=${rows} C=${C}: wrote past U`;
  heap.free(w); heap.free(uFast); heap.free(uRef);
  return problem;
}

function input(C: i32, H: i32, W: i32, R0: i32, C0: i32, TR: i32, TC: i32): string {
  reseed(<u32>(C * 7 + H * 5 + W * 3 + R0 * 11 + TC));
  const n = 9 * C * TR * TC;
  const x = randomBuffer(C * H * W);
  const vFast = filledBuffer(n, 777), vRef = filledBuffer(n, -777);
  const q = newBlock<PhaseWinogradParams>();
  q.C = C; q.H = H; q.W = W; q.R0 = R0; q.C0 = C0; q.TR = TR; q.TC = TC; q.src = x; q.dst = vFast;
  const p = changetype<usize>(q);
  f32_phase_winograd_input__simd(p);
  q.dst = vRef;
  f32_phase_winograd_input__ref(p);
  const bad = firstMismatch(vFast, vRef, n, 1e-6, 1e-6);
  let problem = "";
  if (bad >= 0) problem = `C=${C} in=${H}x${W} R0=${R0} C0=${C0} tiles=${TR}x${TC}: V[${bad}] = ${at(vFast, bad)}, reference ${at(vRef, bad)}`;
  else if (!guardsIntact(vFast, n)) problem = `C=${C} in=${H}x${W} tiles=${TR}x${TC}: wrote past V`;
  heap.free(x); heap.free(vFast); heap.free(vRef); heap.free(p);
  return problem;
}

function output(M: i32, OH: i32, OW: i32, SH: i32, SW: i32, PT: i32, PL: i32, R0: i32, C0: i32, TR: i32, TC: i32, withBias: bool): string {
  reseed(<u32>(M * 7 + OH * 5 + OW * 3 + SW + PL * 11 + R0));
  const n = M * OH * OW;
  const P = randomBuffer(9 * M * SH * SW * TR * TC);
  const b: usize = withBias ? randomBuffer(M) : 0;
  const yFast = filledBuffer(n, 777), yRef = filledBuffer(n, 777);
  const q = newBlock<PhaseWinogradParams>();
  q.M = M; q.SH = SH; q.SW = SW; q.PT = PT; q.PL = PL; q.OH = OH; q.OW = OW;
  q.R0 = R0; q.C0 = C0; q.TR = TR; q.TC = TC; q.src = P; q.dst = yFast; q.bias = b;
  const p = changetype<usize>(q);
  f32_phase_winograd_output__simd(p);
  q.dst = yRef;
  f32_phase_winograd_output__ref(p);
  const bad = firstMismatch(yFast, yRef, n, 1e-6, 1e-6);
  let problem = "";
  if (bad >= 0) problem = `M=${M} out=${OH}x${OW} s=${SH},${SW} p=${PT},${PL} R0=${R0} C0=${C0} tiles=${TR}x${TC}: y[${bad}] = ${at(yFast, bad)}, reference ${at(yRef, bad)}`;
  else if (!guardsIntact(yFast, n)) problem = `M=${M} out=${OH}x${OW} s=${SH},${SW}: wrote past y`;
  heap.free(P); if (b != 0) heap.free(b); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

/** Output transform covering the whole output: cells u0 = ⌊p/s⌋ … ⌊(O − 1 + p)/s⌋ per axis, in tiles. */
function wholeOutput(M: i32, OH: i32, OW: i32, SH: i32, SW: i32, PT: i32, PL: i32, withBias: bool): string {
  const u0h = PT / SH, u0w = PL / SW;
  const TR = ((OH - 1 + PT) / SH - u0h + 2) / 2, TC = ((OW - 1 + PL) / SW - u0w + 2) / 2;
  return output(M, OH, OW, SH, SW, PT, PL, u0h, u0w, TR, TC, withBias);
}

describe("f32_phase_winograd_weights__scalar", () => {
  it("rows and channels from 1 up", () => {
    expect(weights(1, 1)).toBe("");
    expect(weights(4, 3)).toBe("");
    expect(weights(12, 21)).toBe("");
    expect(weights(128, 64)).toBe("");
  });
});

describe("f32_phase_winograd_input__simd", () => {
  it("whole images, odd and even, TC below, at and past multiples of 4", () => {
    for (let H = 1; H <= 9; H += 2) for (let W = 1; W <= 12; W++) {
      expect(input(3, H, W, 0, 0, (H + 2) / 2, (W + 2) / 2)).toBe("");
    }
  });
  it("wide rows: four tiles a vector inside, the edges one at a time", () => {
    for (let W = 9; W <= 42; W++) expect(input(2, 7, W, 0, 0, 4, (W + 2) / 2)).toBe("");
    expect(input(3, 12, 40, 3, 1, 4, 15)).toBe("");
    expect(input(1, 5, 33, 1, 3, 2, 9)).toBe("");
  });
  it("band origins inside and past the image, offset columns", () => {
    expect(input(2, 9, 7, 4, 0, 2, 4)).toBe("");
    expect(input(2, 9, 7, 6, 1, 3, 4)).toBe("");
    expect(input(5, 4, 13, 1, 2, 1, 7)).toBe("");
  });
});

describe("f32_phase_winograd_output__simd", () => {
  it("strides 1…4 and 8, pads, with and without bias", () => {
    for (let s = 1; s <= 4; s++) for (let pad = 0; pad < 2 * s; pad++) {
      expect(wholeOutput(2, 2 * s * 5 + 1, 2 * s * 6 - 1, s, s, pad, pad, pad % 2 == 0)).toBe("");
    }
    expect(wholeOutput(1, 40, 37, 8, 8, 4, 4, true)).toBe("");
  });
  it("unequal strides and pads, TC tails, tiny outputs", () => {
    expect(wholeOutput(3, 13, 22, 2, 3, 1, 4, true)).toBe("");
    expect(wholeOutput(2, 9, 31, 4, 1, 3, 0, false)).toBe("");
    expect(wholeOutput(2, 25, 38, 3, 2, 2, 1, true)).toBe("");
    expect(wholeOutput(3, 14, 41, 1, 2, 0, 0, false)).toBe("");
    expect(wholeOutput(1, 1, 1, 2, 2, 1, 1, true)).toBe("");
    for (let OW = 1; OW <= 20; OW++) expect(wholeOutput(2, 6, OW, 2, 2, 1, 1, true)).toBe("");
  });
  it("a band in the middle: only its output rows change", () => {
    expect(output(2, 20, 18, 2, 2, 1, 1, 4, 0, 2, 5, true)).toBe("");
    expect(output(3, 33, 17, 3, 2, 2, 1, 3, 0, 3, 5, false)).toBe("");
  });
});

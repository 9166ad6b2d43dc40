// The Winograd F(2×2,3×3) transforms against their references (winograd-ref.ts): input transform
// over every width tail (the 4-tile vector path and the gathered lanes, 1…3 tiles), pads 0…2
// (asymmetric, also negative-free bands in the middle of the image), bands that start below row
// 0; output transform with clipped right and bottom tiles, with and without bias; weights.
// The weight gradient's adjoints: the output transform's over the same widths, clipped tiles and
// bands; the weight transform's. Guards after every output must stay intact.
import { f32_winograd_input__simd, f32_winograd_output__simd, f32_winograd_weights__scalar } from "../conv/winograd";
import { f32_winograd_output_adjoint__simd, f32_winograd_weights_adjoint__scalar } from "../conv/winograd";
import { f32_winograd_input__ref, f32_winograd_output__ref, f32_winograd_weights__ref } from "../conv/winograd-ref";
import { f32_winograd_output_adjoint__ref, f32_winograd_weights_adjoint__ref } from "../conv/winograd-ref";
import { WinogradParams } from "../params";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatch, at, newBlock, reseed } from "./helpers";

/** Input then output transform of one band (th0, rows) of a C-channel image; "" when both agree with the reference. */
function transforms(C: i32, H: i32, W: i32, PT: i32, PL: i32, PB: i32, PR: i32, th0: i32, rows: i32, withBias: bool): string {
  reseed(<u32>(C * 31 + H * 17 + W * 13 + PT * 7 + PL * 3 + PB * 5 + PR + th0 * 101));
  const OH = H + PT + PB - 2, OW = W + PL + PR - 2;
  if (OH < 1 || OW < 1) return "";
  const TW = (OW + 1) >> 1, T = rows * TW;
  const shape = `C=${C} in=${H}x${W} p=${PT},${PL},${PB},${PR} band=${th0}+${rows}`;
  const x = randomBuffer(C * H * W);
  const nv = 16 * C * T;
  const vFast = filledBuffer(nv, 777), vRef = filledBuffer(nv, -777);
  const t = newBlock<WinogradParams>();
  t.C = C; t.H = H; t.W = W; t.PT = PT; t.PL = PL; t.OH = OH; t.OW = OW; t.th0 = th0; t.rows = rows;
  t.src = x; t.dst = vFast;
  const p = changetype<usize>(t);
  f32_winograd_input__simd(p);
  t.dst = vRef;
  f32_winograd_input__ref(p);
  let problem = "";
  let bad = firstMismatch(vFast, vRef, nv, 1e-6, 1e-6);
  if (bad >= 0) problem = `${shape}: V[${bad}] = ${at(vFast, bad)}, reference ${at(vRef, bad)}`;
  else if (!guardsIntact(vFast, nv)) problem = `${shape}: wrote past V`;
  // output transform of random M [16][C][T] into the band's rows of y [C, OH, OW]
  const m = randomBuffer(nv);
  const b: usize = withBias ? randomBuffer(C) : 0;
  const ny = C * OH * OW;
  const yFast = filledBuffer(ny, 555), yRef = filledBuffer(ny, 555);
  t.src = m; t.dst = yFast; t.bias = b;
  f32_winograd_output__simd(p);
  t.dst = yRef;
  f32_winograd_output__ref(p);
  bad = firstMismatch(yFast, yRef, ny, 1e-5, 1e-5);
  if (problem == "" && bad >= 0) problem = `${shape}: y[${bad}] = ${at(yFast, bad)}, reference ${at(yRef, bad)}`;
  else if (problem == "" && !guardsIntact(yFast, ny)) problem = `${shape}: wrote past y`;
  heap.free(x); heap.free(vFast); heap.free(vRef); heap.free(m); if (b != 0) heap.free(b); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

function weights(M: i32, C: i32): string {
  reseed(<u32>(M * 7 + C));
  const w = randomBuffer(M * C * 9);
  const n = 16 * M * C;
  const uFast = filledBuffer(n, 777), uRef = filledBuffer(n, -777);
  f32_winograd_weights__scalar(w, M, C, uFast);
  f32_winograd_weights__ref(w, M, C, uRef);
  const bad = firstMismatch(uFast, uRef, n, 1e-6, 1e-6);
  let problem = "";
  if (bad >= 0) problem = `M=${M} C=${C}: U[${bad}] = ${at(uFast, bad)}, reference ${at(uRef, bad)}`;
  else if (!guardsIntact(uFast, n)) problem = `M=${M} C=${C}: wrote past U`;
  heap.free(w); heap.free(uFast); heap.free(uRef);
  return problem;
}

describe("f32_winograd transforms", () => {
  it("whole images, widths 1…29 (every tile tail), 'same' and no pads", () => {
    for (let w = 1; w <= 29; w++) {
      const OH = 7 + 2 - 2;
      expect(transforms(2, 7, w, 1, 1, 1, 1, 0, (OH + 1) >> 1, true)).toBe("");
      if (w >= 3) expect(transforms(1, 6, w, 0, 0, 0, 0, 0, 2, false)).toBe("");
    }
  });
  it("asymmetric pads 0…2, odd sizes", () => {
    for (let pt = 0; pt <= 2; pt++) for (let pl = 0; pl <= 2; pl++) for (let pr = 0; pr <= 2; pr++) {
      const OH = 9 + pt + (2 - pt) - 2;
      expect(transforms(3, 9, 19, pt, pl, 2 - pt, pr, 0, (OH + 1) >> 1, pl == 1)).toBe("");
    }
  });
  it("bands in the middle and at the bottom of the image", () => {
    expect(transforms(2, 21, 33, 1, 1, 1, 1, 3, 4, true)).toBe("");
    expect(transforms(2, 21, 33, 2, 0, 1, 2, 8, 3, false)).toBe("");
    expect(transforms(1, 40, 40, 0, 0, 0, 0, 5, 14, true)).toBe("");
  });
});

describe("f32_winograd_weights__scalar", () => {
  it("matches G g Gᵀ", () => {
    expect(weights(1, 1)).toBe("");
    expect(weights(5, 3)).toBe("");
    expect(weights(16, 17)).toBe("");
  });
});

/** Adjoint output transform of one band of dy [C, OH, OW] into dM [16][C][T]; "" when it agrees with the reference. */
function outputAdjoint(C: i32, OH: i32, OW: i32, th0: i32, rows: i32): string {
  reseed(<u32>(C * 29 + OH * 19 + OW * 11 + th0 * 5 + rows));
  const TW = (OW + 1) >> 1, T = rows * TW;
  const shape = `C=${C} out=${OH}x${OW} band=${th0}+${rows}`;
  const dy = randomBuffer(C * OH * OW);
  const n = 16 * C * T;
  const mFast = filledBuffer(n, 777), mRef = filledBuffer(n, -777);
  const t = newBlock<WinogradParams>();
  t.C = C; t.OH = OH; t.OW = OW; t.th0 = th0; t.rows = rows; t.src = dy; t.dst = mFast;
  const p = changetype<usize>(t);
  f32_winograd_output_adjoint__simd(p);
  t.dst = mRef;
  f32_winograd_output_adjoint__ref(p);
  const bad = firstMismatch(mFast, mRef, n, 1e-6, 1e-6);
  let problem = "";
  if (bad >= 0) problem = `${shape}: dM[${bad}] = ${at(mFast, bad)}, reference ${at(mRef, bad)}`;
  else if (!guardsIntact(mFast, n)) problem = `${shape}: wrote past dM`;
  heap.free(dy); heap.free(mFast); heap.free(mRef); heap.free(p);
  return problem;
}

function weightsAdjoint(M: i32, C: i32): string {
  reseed(<u32>(M * 13 + C));
  const du = randomBuffer(16 * M * C);
  const n = M * C * 9;
  const wFast = filledBuffer(n, 777), wRef = filledBuffer(n, -777);
  f32_winograd_weights_adjoint__scalar(du, M, C, wFast);
  f32_winograd_weights_adjoint__ref(du, M, C, wRef);
  const bad = firstMismatch(wFast, wRef, n, 1e-6, 1e-6);
  let problem = "";
  if (bad >= 0) problem = `M=${M} C=${C}: dw[${bad}] = ${at(wFast, bad)}, reference ${at(wRef, bad)}`;
  else if (!guardsIntact(wFast, n)) problem = `M=${M} C=${C}: wrote past dw`;
  heap.free(du); heap.free(wFast); heap.free(wRef);
  return problem;
}

describe("f32_winograd_output_adjoint__simd", () => {
  it("whole images, widths 1…29 (every tile tail), odd and even heights", () => {
    for (let w = 1; w <= 29; w++) {
      expect(outputAdjoint(2, 7, w, 0, 4)).toBe("");
      expect(outputAdjoint(1, 6, w, 0, 3)).toBe("");
    }
  });
  it("bands in the middle and at the bottom (clipped last row)", () => {
    expect(outputAdjoint(3, 21, 33, 3, 4)).toBe("");
    expect(outputAdjoint(2, 21, 17, 8, 3)).toBe("");
    expect(outputAdjoint(1, 40, 40, 5, 15)).toBe("");
    expect(outputAdjoint(2, 1, 1, 0, 1)).toBe("");
  });
});

describe("f32_winograd_weights_adjoint__scalar", () => {
  it("matches Gᵀ dU G", () => {
    expect(weightsAdjoint(1, 1)).toBe("");
    expect(weightsAdjoint(5, 3)).toBe("");
    expect(weightsAdjoint(16, 17)).toBe("");
  });
});

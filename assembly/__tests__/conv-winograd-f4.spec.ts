// The Winograd F(4×4,3×3) transforms against their references (winograd-f4-ref.ts): input transform
// over every width tail (the 4-tile vector path and the gathered lanes, 1…3 tiles, and the columns
// past W), pads 0…2 (asymmetric, also bands in the middle of the image), bands that start below
// row 0; output transform with right and bottom tiles clipped by 1…3, with and without bias;
// weights. Guards after every output must stay intact.
import { f32_winograd_f4_input__simd, f32_winograd_f4_output__simd, f32_winograd_f4_weights__scalar } from "../conv/winograd-f4";
import { f32_winograd_f4_input__ref, f32_winograd_f4_output__ref, f32_winograd_f4_weights__ref } from "../conv/winograd-f4-ref";
import { WinogradParams, winogradF4PlaneFloats as planeFloats } from "../params";
import { randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstMismatch, at, newBlock, reseed } from "./helpers";

/** Input then output transform of one band (th0, rows) of a C-channel image; "" when both agree with the reference. */
function transforms(C: i32, H: i32, W: i32, PT: i32, PL: i32, PB: i32, PR: i32, th0: i32, rows: i32, withBias: bool): string {
  reseed(<u32>(C * 31 + H * 17 + W * 13 + PT * 7 + PL * 3 + PB * 5 + PR + th0 * 101));
  const OH = H + PT + PB - 2, OW = W + PL + PR - 2;
  if (OH < 1 || OW < 1) return "";
  const TW = (OW + 3) >> 2, T = rows * TW;
  const shape = `C=${C} in=${H}x${W} p=${PT},${PL},${PB},${PR} band=${th0}+${rows}`;
  const x = randomBuffer(C * H * W);
  // 36 planes planeFloats(C·T) apart; the gaps between them keep the fill (the same in both)
  const nv = 36 * planeFloats(C * T);
  const vFast = filledBuffer(nv, 777), vRef = filledBuffer(nv, 777);
  const t = newBlock<WinogradParams>();
  t.C = C; t.H = H; t.W = W; t.PT = PT; t.PL = PL; t.OH = OH; t.OW = OW; t.th0 = th0; t.rows = rows;
  t.src = x; t.dst = vFast;
  const p = changetype<usize>(t);
  f32_winograd_f4_input__simd(p);
  t.dst = vRef;
  f32_winograd_f4_input__ref(p);
  let problem = "";
  // |x| ≤ 1 and Bᵀ's rows sum to ≤ 10 in absolute value: the float32 rounding of an entry is a few
  // times 100·2⁻²⁴ ≈ 6e-6 (a wrong term would be off by ~0.1)
  let bad = firstMismatch(vFast, vRef, nv, 3e-5, 1e-6);
  if (bad >= 0) problem = `${shape}: V[${bad}] = ${at(vFast, bad)}, reference ${at(vRef, bad)}`;
  else if (!guardsIntact(vFast, nv)) problem = `${shape}: wrote past V`;
  // output transform of random M [36][C][T] (the fast kernel overwrites it: a copy for the reference) into the band's rows of y [C, OH, OW]
  const m = randomBuffer(nv);
  const b: usize = withBias ? randomBuffer(C) : 0;
  const ny = C * OH * OW;
  const yFast = filledBuffer(ny, 555), yRef = filledBuffer(ny, 555);
  const m2 = copyBuffer(m, nv);
  t.src = m; t.dst = yFast; t.bias = b;
  f32_winograd_f4_output__simd(p);
  t.src = m2; t.dst = yRef;
  f32_winograd_f4_output__ref(p);
  // |m| ≤ 1 and Aᵀ's rows sum to ≤ 19 in absolute value: rounding a few times 361·2⁻²⁴ ≈ 2e-5
  bad = firstMismatch(yFast, yRef, ny, 1e-4, 1e-5);
  if (problem == "" && bad >= 0) problem = `${shape}: y[${bad}] = ${at(yFast, bad)}, reference ${at(yRef, bad)}`;
  else if (problem == "" && !guardsIntact(yFast, ny)) problem = `${shape}: wrote past y`;
  heap.free(x); heap.free(vFast); heap.free(vRef); heap.free(m); heap.free(m2); if (b != 0) heap.free(b); heap.free(yFast); heap.free(yRef); heap.free(p);
  return problem;
}

function weights(M: i32, C: i32): string {
  reseed(<u32>(M * 7 + C));
  const w = randomBuffer(M * C * 9);
  const n = 36 * M * C;
  const uFast = filledBuffer(n, 777), uRef = filledBuffer(n, -777);
  f32_winograd_f4_weights__scalar(w, M, C, uFast);
  f32_winograd_f4_weights__ref(w, M, C, uRef);
  const bad = firstMismatch(uFast, uRef, n, 1e-6, 1e-6);
  let problem = "";
  if (bad >= 0) problem = `M=${M} C=${C}: U[${bad}] = ${at(uFast, bad)}, reference ${at(uRef, bad)}`;
  else if (!guardsIntact(uFast, n)) problem = `M=${M} C=${C}: wrote past U`;
  heap.free(w); heap.free(uFast); heap.free(uRef);
  return problem;
}

describe("f32_winograd_f4 transforms", () => {
  it("whole images, widths 1…53 (every tile tail, 1…4 tiles past each group of four), heights 7…10, 'same' and no pads", () => {
    for (let w = 1; w <= 53; w++) for (let h = 7; h <= 10; h++) {
      expect(transforms(2, h, w, 1, 1, 1, 1, 0, (h + 3) >> 2, true)).toBe("");
      if (w >= 3) expect(transforms(1, h, w, 0, 0, 0, 0, 0, (h - 2 + 3) >> 2, false)).toBe("");
    }
  });
  it("asymmetric pads 0…2, odd sizes", () => {
    for (let pt = 0; pt <= 2; pt++) for (let pl = 0; pl <= 2; pl++) for (let pr = 0; pr <= 2; pr++) {
      const OH = 9 + pt + (2 - pt) - 2;
      expect(transforms(3, 9, 37, pt, pl, 2 - pt, pr, 0, (OH + 3) >> 2, pl == 1)).toBe("");
    }
  });
  it("bands in the middle and at the bottom of the image", () => {
    expect(transforms(2, 41, 35, 1, 1, 1, 1, 3, 4, true)).toBe("");
    expect(transforms(2, 41, 35, 2, 0, 1, 2, 8, 3, false)).toBe("");
    expect(transforms(1, 40, 40, 0, 0, 0, 0, 5, 5, true)).toBe("");
  });
});

describe("f32_winograd_f4_weights__scalar", () => {
  it("matches G g Gᵀ", () => {
    expect(weights(1, 1)).toBe("");
    expect(weights(5, 3)).toBe("");
    expect(weights(16, 17)).toBe("");
  });
});

// f32_max_pool_backward__scalar against its reference: overlapping windows (stride < kernel) that
// add into the same dx, ties (first tap wins), NaN (counts as largest), all-negative inputs with
// padding, dilations, ceil grids hanging past the end, and windows wholly in padding (no argmax).
import { f32_max_pool_backward__scalar } from "../pool/max-pool-backward";
import { f32_max_pool_backward__ref } from "../pool/max-pool-backward-ref";
import { WindowParams } from "../params";
import { Geometry, randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstMismatch, at, reseed } from "./helpers";

function check(g: Geometry, mode: i32): string {
  if (g.OH < 1 || g.OW < 1) return "";
  reseed(<u32>(g.H * 131 + g.W * 17 + g.KH * 7 + g.SW + mode));
  const n = g.C * g.H * g.W, m = g.C * g.OH * g.OW;
  const x = randomBuffer(n);
  for (let i = 0; i < n; i++) {
    const q = x + (<usize>i << 2);
    // mode 1: few distinct values (ties); mode 2: all negative; mode 3: some NaN
    if (mode == 1) store<f32>(q, Mathf.round(load<f32>(q) * 2));
    else if (mode == 2) store<f32>(q, -1 - Mathf.abs(load<f32>(q)));
    else if (mode == 3 && i % 7 == 3) store<f32>(q, NaN);
  }
  const dy = randomBuffer(m);
  const xCopy = copyBuffer(x, n), dyCopy = copyBuffer(dy, m);
  const dxFast = filledBuffer(n, 777), dxRef = filledBuffer(n, -777);
  const p = g.block(x, dxFast);
  changetype<WindowParams>(p).grad = dy;
  f32_max_pool_backward__scalar(p);
  changetype<WindowParams>(p).dst = dxRef;
  f32_max_pool_backward__ref(p);
  let problem = "";
  const bad = firstMismatch(dxFast, dxRef, n, 1e-6, 1e-6);
  if (bad >= 0) problem = `${g.toString()} mode=${mode}: dx[${bad}] = ${at(dxFast, bad)}, reference ${at(dxRef, bad)}`;
  else if (!guardsIntact(dxFast, n)) problem = `${g.toString()}: wrote past dx`;
  else if (firstMismatch(x, xCopy, n, 0, 0) >= 0 && mode != 3) problem = `${g.toString()}: changed x`;
  else if (firstMismatch(dy, dyCopy, m, 0, 0) >= 0) problem = `${g.toString()}: changed dy`;
  heap.free(x); heap.free(dy); heap.free(xCopy); heap.free(dyCopy); heap.free(dxFast); heap.free(dxRef); heap.free(p);
  return problem;
}

describe("f32_max_pool_backward__scalar", () => {
  it("overlapping and disjoint windows, ties, negatives, NaN", () => {
    for (let mode = 0; mode < 4; mode++) for (let k = 1; k <= 4; k++) for (let s = 1; s <= 3; s++) for (let pad = 0; pad < k; pad++) {
      expect(check(new Geometry(2, 7, 9, k, k, s, s, pad, pad, pad, pad, 1, 1), mode)).toBe("");
    }
  });
  it("dilations, asymmetric pads and ceil grids", () => {
    for (let mode = 0; mode < 4; mode++) {
      expect(check(new Geometry(1, 9, 8, 3, 2, 2, 3, 1, 0, 2, 1, 2, 1, true), mode)).toBe("");
      expect(check(new Geometry(3, 6, 11, 2, 3, 2, 2, 0, 1, 1, 1, 1, 2, true), mode)).toBe("");
      expect(check(new Geometry(1, 5, 5, 2, 2, 2, 2, 0, 0, 1, 1, 1, 1, true), mode)).toBe("");
    }
  });
  it("1-D (H = KH = 1)", () => {
    for (let w = 1; w <= 13; w++) expect(check(new Geometry(2, 1, w, 1, 3, 1, 2, 0, 1, 0, 1, 1, 1, true), 1)).toBe("");
  });
});

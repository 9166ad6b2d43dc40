// f32_im2col__scalar and f32_col2im__simd against their references over window families: 1-D
// (H = KH = 1) and 2-D, strides 1…4, kernels 1…5, dilations 1…3, pads 0…3 (also asymmetric and
// negative, as the transposed convolution derives them for SAME with k < s), kernels larger than
// the image, windows entirely in padding, several channels. im2col is a copy (bit-exact); col2im
// sums (tolerance). The destination starts as garbage, so a skipped element shows; guards after
// every output and the inputs must stay intact. Last, the adjoint identity ⟨im2col x, y⟩ = ⟨x, col2im y⟩.
import { f32_im2col__scalar } from "../im2col/im2col";
import { f32_im2col__ref } from "../im2col/im2col-ref";
import { f32_col2im__simd } from "../im2col/col2im";
import { f32_col2im__ref } from "../im2col/col2im-ref";
import { WindowParams } from "../params";
import {
  Geometry, randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstMismatch, firstBitMismatch, unchanged,
  at, reseed,
} from "./helpers";

type Check = (g: Geometry) => string;

function seedFor(g: Geometry): void {
  reseed(<u32>(g.C * 7 + g.H * 131 + g.W * 17 + g.KH * 1009 + g.KW * 29 + g.SH * 5 + g.SW * 3 + g.PT * 37 + g.PL * 11 + g.DW * 101));
}

/** im2col: x [C, H, W] → cols [C·KH·KW, OH·OW], compared bit for bit. */
function im2col(g: Geometry): string {
  if (g.OH < 1 || g.OW < 1) return "skip";
  seedFor(g);
  const nx = g.C * g.H * g.W, plane = g.OH * g.OW, n = g.C * g.KH * g.KW * plane;
  const x = randomBuffer(nx), x0 = copyBuffer(x, nx);
  const got = filledBuffer(n, 777), want = filledBuffer(n, -777);
  const p = g.block(x, got);
  f32_im2col__scalar(p);
  changetype<WindowParams>(p).dst = want;
  f32_im2col__ref(p);
  let problem = "";
  const bad = firstBitMismatch(got, want, n);
  if (bad >= 0) {
    const row = bad / plane, col = bad % plane;
    problem = `${g}: cols[${row} (c=${row / (g.KH * g.KW)} kh=${row / g.KW % g.KH} kw=${row % g.KW}), ${col} (oh=${col / g.OW} ow=${col % g.OW})] = ${at(got, bad)}, reference ${at(want, bad)}`;
  } else if (!guardsIntact(got, n)) {
    problem = `${g}: wrote past the end of cols`;
  } else if (!unchanged(x, x0, nx)) {
    problem = `${g}: changed its input x`;
  }
  heap.free(x); heap.free(x0); heap.free(got); heap.free(want); heap.free(p);
  return problem;
}

/** col2im: cols [C·KH·KW, OH·OW] → x [C, H, W], the whole image overwritten; sums, so a tolerance. */
function col2im(g: Geometry): string {
  if (g.OH < 1 || g.OW < 1) return "skip";
  seedFor(g);
  const nx = g.C * g.H * g.W, n = g.C * g.KH * g.KW * g.OH * g.OW;
  const cols = randomBuffer(n), cols0 = copyBuffer(cols, n);
  const got = filledBuffer(nx, 777), want = filledBuffer(nx, -777);
  const p = g.block(cols, got);
  f32_col2im__simd(p);
  changetype<WindowParams>(p).dst = want;
  f32_col2im__ref(p);
  let problem = "";
  const bad = firstMismatch(got, want, nx, 1e-6 * <f32>(g.KH * g.KW), 1e-6);
  if (bad >= 0) {
    const hw = g.H * g.W;
    problem = `${g}: x[${bad / hw}, ${bad % hw / g.W}, ${bad % g.W}] = ${at(got, bad)}, reference ${at(want, bad)}`;
  } else if (!guardsIntact(got, nx)) {
    problem = `${g}: wrote past the end of the image`;
  } else if (!unchanged(cols, cols0, n)) {
    problem = `${g}: changed its input cols`;
  }
  heap.free(cols); heap.free(cols0); heap.free(got); heap.free(want); heap.free(p);
  return problem;
}

let ran = 0;

function run(check: Check, g: Geometry): void {
  const problem = check(g);
  if (problem == "skip") return;
  ran++;
  expect(problem).toBe("");
}

const SIZES: StaticArray<i32> = [1, 2, 3, 4, 5, 7, 8, 11, 17];

/** 1-D: H = KH = 1; every W, k 1…5, s 1…4, d 1…3, begin pad 0…3, end pad 0, = begin, or 3. */
function oneD(check: Check): void {
  for (let i = 0; i < SIZES.length; i++) for (let k = 1; k <= 5; k++) for (let s = 1; s <= 4; s++) {
    for (let d = 1; d <= 3; d++) for (let pl = 0; pl <= 3; pl++) {
      const W = SIZES[i], C = 1 + (k + s) % 2;
      run(check, new Geometry(C, 1, W, 1, k, 1, s, 0, pl, 0, 0, 1, d));
      if (pl != 0) run(check, new Geometry(C, 1, W, 1, k, 1, s, 0, pl, 0, pl, 1, d));
      if (pl != 3) run(check, new Geometry(C, 1, W, 1, k, 1, s, 0, pl, 0, 3, 1, d));
    }
  }
}

/** 2-D: every (kH, kW, s, d) with odd sizes, unequal strides, dilations and asymmetric pads per axis. */
function twoD(check: Check): void {
  for (let kh = 1; kh <= 5; kh++) for (let kw = 1; kw <= 5; kw++) for (let s = 1; s <= 4; s++) for (let d = 1; d <= 3; d++) {
    const H = 2 + (kh * 3 + s + d) % 7, W = 3 + (kw * 5 + s * 2 + d) % 9;
    const SW = 1 + (s + kw) % 4, DW = 1 + (d + kh) % 3;
    const PT = (kh + s + d) % 4, PL = (kw + d) % 4, PB = (kh * 2 + s) % 4, PR = (s + kw + 1) % 4;
    run(check, new Geometry(1 + (kh + kw) % 3, H, W, kh, kw, s, SW, PT, PL, PB, PR, d, DW));
  }
}

/**
 * Negative pads: a transposed convolution with SAME and k < s scatters into an image of in·s with
 * total pad d·(k−1) + 1 − s < 0, split either way; plus arbitrary negative begin pads.
 */
function negativePads(check: Check): void {
  for (let s = 2; s <= 4; s++) for (let k = 1; k < s; k++) for (let n = 1; n <= 5; n++) {
    const total = k - s;
    const lower = total / 2, upper = total - lower; // |lower| ≤ |upper|, both ≤ 0
    run(check, new Geometry(2, n * s, n * s + 1, k, k, s, s, lower, upper, upper, lower - 1, 1, 1));
    run(check, new Geometry(2, 1, n * s, 1, k, 1, s, 0, upper, 0, lower, 1, 1));
    run(check, new Geometry(1, n * s, 3, k, 1, s, 1, upper, 0, lower, 0, 1, 1));
  }
  for (let p = -1; p >= -4; p--) for (let k = 1; k <= 3; k++) for (let s = 1; s <= 3; s++) for (let d = 1; d <= 2; d++) {
    run(check, new Geometry(2, 6, 9, k, k + 1, s, s + 1, p, p + 1, -p - 1, 1, d, 3 - d));
    run(check, new Geometry(1, 5, 7, k, k, s, s, p, p, 2, 3, d, d));
  }
}

/** Kernels larger than the image, windows entirely in padding, stride > kernel, many channels. */
function edges(check: Check): void {
  // the dilated kernel is wider than the image; only the padding makes room for it
  for (let p = 1; p <= 3; p++) for (let d = 1; d <= 2; d++) {
    run(check, new Geometry(2, 2, 3, 5, 5, 1, 2, p, p, 5 - p, 5 - p, d, d));
    run(check, new Geometry(3, 1, 2, 1, 5, 1, 1, 0, 3, 0, 3, 1, d));
    run(check, new Geometry(1, 3, 1, 4, 3, 2, 1, p, 1, 3, 1, d, 1));
  }
  // pads past the dilated kernel: leading and trailing windows see only padding
  for (let k = 1; k <= 3; k++) for (let s = 1; s <= 3; s++) {
    run(check, new Geometry(2, 2, 3, k, k, s, s, 3, 3, 3, 3, 1, 1));
    run(check, new Geometry(2, 1, 4, 1, k, 1, s, 0, k + 3, 0, k + 2, 1, 1));
    run(check, new Geometry(1, 3, 2, k, k, 1, 1, 0, 6, 4, 0, 1, 1));
  }
  // stride > kernel: gaps between windows
  for (let s = 2; s <= 4; s++) for (let k = 1; k < s; k++) {
    run(check, new Geometry(2, 9, 13, k, k, s, s, 0, 0, 0, 0, 1, 1));
    run(check, new Geometry(2, 10, 11, k, k, s, s, 1, 2, 0, 1, 1, 2));
  }
  // several channels with a wide SW = 1 run (the vector path of col2im, memory.copy of im2col)
  run(check, new Geometry(5, 7, 23, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1));
  run(check, new Geometry(4, 6, 33, 2, 5, 2, 1, 0, 2, 1, 3, 1, 2));
  run(check, new Geometry(3, 9, 10, 5, 4, 3, 2, 2, 1, 2, 1, 2, 3));
  // FCN-like: k = 2s, pads s/2
  for (let s = 1; s <= 4; s++) run(check, new Geometry(3, 5, 6, 2 * s, 2 * s, s, s, s / 2, s / 2, s / 2, s / 2, 1, 1));
}

function family(name: string, f: (check: Check) => void, check: Check): void {
  ran = 0;
  f(check);
  if (ran == 0) expect(name).toBe("a family with at least one case");
}

describe("f32_im2col__scalar", () => {
  it("1-D: W odd and even, k 1…5, s 1…4, d 1…3, pads 0…3 asymmetric", () => { family("oneD", oneD, im2col); });
  it("2-D: kernels, strides, dilations and pads per axis", () => { family("twoD", twoD, im2col); });
  it("negative pads (transposed convolution, SAME, k < s)", () => { family("negativePads", negativePads, im2col); });
  it("kernel larger than the image, windows in padding only, stride > kernel, channels", () => { family("edges", edges, im2col); });
});

describe("f32_col2im__simd", () => {
  it("1-D: W odd and even, k 1…5, s 1…4, d 1…3, pads 0…3 asymmetric", () => { family("oneD", oneD, col2im); });
  it("2-D: kernels, strides, dilations and pads per axis", () => { family("twoD", twoD, col2im); });
  it("negative pads (transposed convolution, SAME, k < s)", () => { family("negativePads", negativePads, col2im); });
  it("kernel larger than the image, windows in padding only, stride > kernel, channels", () => { family("edges", edges, col2im); });
});

/** ⟨im2col(x), y⟩ − ⟨x, col2im(y)⟩ relative to Σ|terms|, both through the fast kernels. */
function adjointGap(g: Geometry): f64 {
  seedFor(g);
  const nx = g.C * g.H * g.W, n = g.C * g.KH * g.KW * g.OH * g.OW;
  const x = randomBuffer(nx), y = randomBuffer(n);
  const ax = filledBuffer(n, 777), aty = filledBuffer(nx, 777);
  const p = g.block(x, ax);
  f32_im2col__scalar(p);
  const q = g.block(y, aty);
  f32_col2im__simd(q);
  let left: f64 = 0, right: f64 = 0, scale: f64 = 0;
  for (let i = 0; i < n; i++) { left += <f64>at(ax, i) * <f64>at(y, i); scale += Math.abs(<f64>at(ax, i) * <f64>at(y, i)); }
  for (let i = 0; i < nx; i++) right += <f64>at(x, i) * <f64>at(aty, i);
  heap.free(x); heap.free(y); heap.free(ax); heap.free(aty); heap.free(p); heap.free(q);
  return Math.abs(left - right) / (scale + 1e-30);
}

describe("im2col / col2im adjoint pair", () => {
  it("⟨im2col x, y⟩ = ⟨x, col2im y⟩ (positive, negative and oversized pads)", () => {
    const gs: Geometry[] = [
      new Geometry(2, 7, 9, 3, 3, 2, 1, 1, 2, 1, 0, 1, 2),
      new Geometry(3, 8, 8, 1, 2, 4, 3, -1, -1, -1, 0, 1, 1),
      new Geometry(1, 2, 3, 5, 5, 1, 1, 3, 3, 3, 3, 2, 1),
      new Geometry(2, 1, 19, 1, 4, 1, 3, 0, 2, 0, 1, 1, 3),
    ];
    for (let i = 0; i < gs.length; i++) {
      const gap = adjointGap(gs[i]);
      expect(gap < 1e-6 ? "" : `${gs[i]}: relative gap ${gap}`).toBe("");
    }
  });
});

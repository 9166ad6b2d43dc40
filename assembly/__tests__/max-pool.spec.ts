// f32_max_pool__simd against f32_max_pool__ref, bit for bit (a max is exact; a NaN matches any NaN): 1-D and 2-D windows,
// kernels 1…5, strides 1…4, dilations 1…3, pads below the dilated kernel (asymmetric), ceil-mode
// grids whose last window hangs past the end, all-negative inputs (padding read as 0 would win),
// windows entirely in padding (−∞), NaN and ±0 inputs, several planes. Guards after the output and
// the input must stay intact.
import { f32_max_pool__simd } from "../pool/max-pool";
import { f32_max_pool__ref } from "../pool/max-pool-ref";
import { WindowParams } from "../params";
import {
  Geometry, randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstMismatchAnyNaN, unchanged, at, hexAt, reseed,
} from "./helpers";

/** How the input is filled. */
const MIXED = 0; // uniform in [−1, 1)
const NEGATIVE = 1; // uniform in [−3, −1): a zero from the padding would beat every tap
const SPECIAL = 2; // mostly negative with NaN, −0, +0, ±∞ sprinkled in

let ran = 0;

function pool(g: Geometry, fill: i32): string {
  if (g.OH < 1 || g.OW < 1) return "skip";
  reseed(<u32>(g.C * 7 + g.H * 131 + g.W * 17 + g.KH * 1009 + g.KW * 29 + g.SH * 5 + g.SW * 3 + g.PT * 37 + g.PL * 11 + g.DW * 101 + fill));
  const nx = g.C * g.H * g.W, n = g.C * g.OH * g.OW;
  const x = randomBuffer(nx);
  for (let i = 0; i < nx; i++) {
    const q = x + (<usize>i << 2);
    const v = load<f32>(q);
    if (fill == NEGATIVE) store<f32>(q, v - 2);
    if (fill == SPECIAL) {
      const r = i * 7 % 11;
      store<f32>(q, r == 0 ? NaN : r == 1 ? -0.0 : r == 2 ? 0.0 : r == 3 ? -Infinity : r == 4 && i % 3 == 0 ? Infinity : v - 2);
    }
  }
  const x0 = copyBuffer(x, nx);
  const got = filledBuffer(n, 777), want = filledBuffer(n, -777);
  const p = g.block(x, got);
  f32_max_pool__simd(p);
  changetype<WindowParams>(p).dst = want;
  f32_max_pool__ref(p);
  let problem = "";
  const bad = firstMismatchAnyNaN(got, want, n);
  if (bad >= 0) {
    const plane = g.OH * g.OW;
    problem = `${g} fill=${fill}: y[${bad / plane}, ${bad % plane / g.OW}, ${bad % g.OW}] = ${at(got, bad)} (${hexAt(got, bad)}), reference ${at(want, bad)} (${hexAt(want, bad)})`;
  } else if (!guardsIntact(got, n)) {
    problem = `${g} fill=${fill}: wrote past the end of y`;
  } else if (!unchanged(x, x0, nx)) {
    problem = `${g} fill=${fill}: changed its input x`;
  }
  heap.free(x); heap.free(x0); heap.free(got); heap.free(want); heap.free(p);
  return problem;
}

function run(g: Geometry, fill: i32): void {
  const problem = pool(g, fill);
  if (problem == "skip") return;
  ran++;
  expect(problem).toBe("");
}

/** Runs g with mixed and with all-negative inputs. */
function both(g: Geometry): void {
  run(g, MIXED);
  run(g, NEGATIVE);
}

function expectSome(): void {
  if (ran == 0) expect("no case ran").toBe("");
  ran = 0;
}

const SIZES: StaticArray<i32> = [1, 2, 3, 4, 5, 7, 8, 11, 17];

describe("f32_max_pool__simd", () => {
  it("1-D: W odd and even, k 1…5, s 1…4, d 1…3, pads below the dilated kernel, floor and ceil grids", () => {
    for (let i = 0; i < SIZES.length; i++) for (let k = 1; k <= 5; k++) for (let s = 1; s <= 4; s++) for (let d = 1; d <= 3; d++) {
      const W = SIZES[i], span = d * (k - 1) + 1;
      for (let pl = 0; pl < min(span, 4); pl++) {
        const pr = (pl + k) % span;
        both(new Geometry(1 + s % 2, 1, W, 1, k, 1, s, 0, pl, 0, pr, 1, d));
        both(new Geometry(1 + s % 2, 1, W, 1, k, 1, s, 0, pl, 0, pr, 1, d, true));
      }
    }
    expectSome();
  });

  it("2-D: every (kH, kW, s, d) with odd sizes, unequal strides, dilations and asymmetric pads", () => {
    for (let kh = 1; kh <= 5; kh++) for (let kw = 1; kw <= 5; kw++) for (let s = 1; s <= 4; s++) for (let d = 1; d <= 3; d++) {
      const H = 3 + (kh * 3 + s + d) % 7, W = 3 + (kw * 5 + s * 2 + d) % 9;
      const SW = 1 + (s + kw) % 4, DW = 1 + (d + kh) % 3;
      const spanH = d * (kh - 1) + 1, spanW = DW * (kw - 1) + 1;
      const PT = (kh + s + d) % spanH, PL = (kw + d) % spanW, PB = (kh * 2 + s) % spanH, PR = (s + kw + 1) % spanW;
      const ceil = (kh + kw + s + d) % 2 == 0;
      both(new Geometry(1 + (kh + kw) % 3, H, W, kh, kw, s, SW, PT, PL, PB, PR, d, DW, ceil));
    }
    expectSome();
  });

  it("ceil mode: the last window hangs past the end (partly in padding, partly past it)", () => {
    for (let s = 2; s <= 4; s++) for (let k = 1; k <= 5; k++) for (let L = k; L <= k + 2 * s; L++) {
      both(new Geometry(2, L, L + 1, k, k, s, s, 0, 0, 0, 0, 1, 1, true));
      both(new Geometry(1, L, 3, k, 2, s, 1, k / 2, 1, (k - 1) / 2, 0, 1, 2, true));
    }
    expectSome();
  });

  it("windows entirely in padding yield −∞; kernels larger than the image", () => {
    // the kernel's window may see only padding when the pads reach past the dilated kernel
    for (let k = 1; k <= 3; k++) for (let s = 1; s <= 3; s++) {
      both(new Geometry(2, 2, 3, k, k, s, s, k + 1, k + 2, k + 1, 3, 1, 1));
      both(new Geometry(1, 1, 4, 1, k, 1, s, 0, 4, 0, 5, 1, 1));
    }
    // kernels wider than the image, padding making room for them
    for (let d = 1; d <= 2; d++) {
      both(new Geometry(2, 2, 3, 5, 5, 1, 2, 2, 2, 3, 3, d, d));
      both(new Geometry(3, 1, 2, 1, 5, 1, 1, 0, 3, 0, 3, 1, d));
      both(new Geometry(1, 3, 4, 4, 5, 2, 3, 3, 4, 3, 4, d, 1, true));
    }
    expectSome();
  });

  it("NaN, ±0 and ±∞ inputs, several planes", () => {
    both(new Geometry(6, 9, 10, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1));
    for (let k = 1; k <= 4; k++) for (let s = 1; s <= 3; s++) {
      run(new Geometry(3, 7, 9, k, k, s, s, k / 2, (k - 1) / 2, (k - 1) / 2, k / 2, 1, 1), SPECIAL);
      run(new Geometry(2, 5, 11, k, 5 - k, s, 4 - s, 0, 1, 0, 0, 2, 1, true), SPECIAL);
    }
    // FCN-style 2×2 s2 pooling over odd and even planes
    for (let L = 1; L <= 9; L++) {
      both(new Geometry(4, L, L + 2, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1));
      both(new Geometry(4, L, L + 2, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, true));
    }
    expectSome();
  });
});

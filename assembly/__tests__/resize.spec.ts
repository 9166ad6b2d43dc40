// The Resize kernels against their references: linear bit for bit (any NaN matches any NaN: the
// vector and scalar forms may give NaNs of other signs), nearest bit for bit (a copy), over random
// tables (indices anywhere in the axis, weights including exact 0 and 1 so that 0·∞ shows), inputs
// with NaN, ±∞, ±0, subnormals and huge values, odd sizes around the 4-wide vector loops, 1-D
// (no row table) and 2-D, several planes. Guards after the output must stay intact, the input
// unchanged.
import { f32_resize_linear__simd, f32_resize_nearest__scalar } from "../resize/resize";
import { f32_resize_linear__ref, f32_resize_nearest__ref } from "../resize/resize-ref";
import { randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstBitMismatch, firstMismatchAnyNaN, unchanged, at, hexAt, next, reseed } from "./helpers";

/** An input value: specials at some places, random in [-2, 2) elsewhere. */
function special(i: i32, v: f32): f32 {
  const r = (i * 7 + 5) % 17;
  if (r == 0) return NaN;
  if (r == 1) return Infinity;
  if (r == 2) return -Infinity;
  if (r == 3) return -0.0;
  if (r == 4) return reinterpret<f32>(0x00000001);
  if (r == 5) return 3e38;
  if (r == 6) return -3e38;
  return v * 2;
}

/** A random index in [0, L). */
function index(L: i32): i32 {
  return min(L - 1, <i32>(<f32>(next() * 0.5 + 0.5) * <f32>L));
}

/** A table of L outputs over an axis of length inL (linear: weights and two indices; nearest: indices). */
function table(L: i32, inL: i32, linear: bool): usize {
  if (!linear) {
    const t = heap.alloc(<usize>L << 2);
    for (let o = 0; o < L; o++) store<i32>(t + (<usize>o << 2), index(inL));
    return t;
  }
  const t = heap.alloc(<usize>L * 24);
  for (let o = 0; o < L; o++) {
    const r = o % 5;
    // exact 0 and 1 weights (an integer coordinate), else a fraction t and 1 − t
    const f: f64 = r == 0 ? 0 : r == 1 ? 1 : <f64>(next() * 0.5 + 0.5);
    store<f64>(t + (<usize>o << 3), 1 - f);
    store<f64>(t + (<usize>L << 3) + (<usize>o << 3), f);
    const i0 = index(inL);
    store<i32>(t + (<usize>L << 4) + (<usize>o << 2), i0);
    store<i32>(t + (<usize>L << 4) + (<usize>L << 2) + (<usize>o << 2), min(inL - 1, i0 + 1));
  }
  return t;
}

/** One case; "" when the kernel agrees with its reference. */
function resize(linear: bool, planes: i32, H: i32, W: i32, OH: i32, OW: i32, oneD: bool): string {
  reseed(<u32>(planes * 7919 + H * 613 + W * 97 + OH * 31 + OW * 3 + (linear ? 1 : 0) + (oneD ? 2 : 0)));
  const n = planes * H * W, m = planes * OH * OW;
  const x = randomBuffer(n);
  for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), special(i, at(x, i)));
  const x0 = copyBuffer(x, n);
  const rows: usize = oneD ? 0 : table(OH, H, linear), cols = table(OW, W, linear);
  const work = heap.alloc(<usize>W << 3);
  const y = filledBuffer(m, 777), want = filledBuffer(m, -777);
  if (linear) {
    f32_resize_linear__simd(x, y, planes, H, W, OH, OW, rows, cols, work);
    f32_resize_linear__ref(x, want, planes, H, W, OH, OW, rows, cols, 0);
  } else {
    f32_resize_nearest__scalar(x, y, planes, H, W, OH, OW, rows, cols);
    f32_resize_nearest__ref(x, want, planes, H, W, OH, OW, rows, cols);
  }
  const what = `${linear ? "linear" : "nearest"} planes=${planes} ${H}×${W} → ${OH}×${OW}${oneD ? " (1-D)" : ""}`;
  const bad = linear ? firstMismatchAnyNaN(y, want, m) : firstBitMismatch(y, want, m);
  let problem = "";
  if (bad >= 0) problem = `${what}: [${bad}] = ${at(y, bad)} (${hexAt(y, bad)}), reference ${at(want, bad)} (${hexAt(want, bad)})`;
  else if (!guardsIntact(y, m)) problem = `${what}: wrote past the end of y`;
  else if (!unchanged(x, x0, n)) problem = `${what}: changed its input x`;
  heap.free(x); heap.free(x0); heap.free(y); heap.free(want); heap.free(work); heap.free(cols);
  if (rows != 0) heap.free(rows);
  return problem;
}

describe("f32_resize_linear__simd", () => {
  it("sizes 1…9 around the vector loops, up and down, 2-D and 1-D", () => {
    for (let W = 1; W <= 9; W++) for (let OW = 1; OW <= 9; OW++) {
      expect(resize(true, 2, 3, W, 5, OW, false)).toBe("");
      expect(resize(true, 3, 1, W, 1, OW, true)).toBe("");
    }
  });
  it("segmentation-head sizes and odd ones", () => {
    expect(resize(true, 21, 14, 14, 56, 56, false)).toBe("");
    expect(resize(true, 3, 17, 37, 9, 101, false)).toBe("");
    expect(resize(true, 1, 64, 5, 7, 130, false)).toBe("");
  });
});

describe("f32_resize_nearest__scalar", () => {
  it("sizes 1…9, up and down, 2-D and 1-D (repeated rows copied)", () => {
    for (let W = 1; W <= 9; W++) for (let OW = 1; OW <= 9; OW++) {
      expect(resize(false, 2, 3, W, 5, OW, false)).toBe("");
      expect(resize(false, 3, 1, W, 1, OW, true)).toBe("");
    }
  });
  it("larger sizes", () => {
    expect(resize(false, 21, 14, 14, 56, 56, false)).toBe("");
    expect(resize(false, 3, 17, 37, 9, 101, false)).toBe("");
  });
});

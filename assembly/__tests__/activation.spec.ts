// f32_activation__simd's float32 approximations, ops 4 (Sigmoid), 5 (Tanh), 6 (Elu), 7 (Selu),
// against the float64 functions rounded once (f32_activation__ref): within MAX_ULPS units in the
// last place (the kernel's own error is under 2.5 ulp, measured over every third float32 in [−120, 120]; the
// reference's rounding adds up to half an ulp) over n = 0…17 (every vector tail) and long runs, on
// random values at several scales, a sweep of bit patterns across [−120, 120], and NaN, ±0, ±∞,
// subnormals, huge values; exact values at the specials. And an element's result does not depend
// on where it lies: the bits of a whole call equal those of the same elements computed one at a
// time (the scalar tail) and in calls that start 1, 2 or 3 elements later (other lanes).
import { f32_activation__simd } from "../eltwise/activation";
import { f32_activation__ref } from "../eltwise/broadcast-binary-ref";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatchAnyNaN, unchanged, copyBuffer, at, hexAt, reseed } from "./helpers";

const SIGMOID = 4, TANH = 5, ELU = 6, SELU = 7;
const SELU_ALPHA: f64 = 1.67326319217681884765625, SELU_GAMMA: f64 = 1.05070102214813232421875;
/** Each op's parameters p0, p1 (float32 values). */
function param0(op: i32): f64 { return op == ELU ? <f64><f32>0.3 : op == SELU ? SELU_ALPHA : 0; }
function param1(op: i32): f64 { return op == SELU ? SELU_GAMMA : 0; }
const MAX_ULPS = 3;

/** A float's position on the number line in ulps (−0 and +0 both 0), for ulp distances. */
function ordinal(v: f32): i64 {
  const b = reinterpret<i32>(v);
  return b < 0 ? -<i64>(b & 0x7fffffff) : <i64>b;
}

/** Index of the first element more than MAX_ULPS from want (NaN must meet NaN), or −1. */
function firstBeyondUlps(got: usize, want: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const g = at(got, i), w = at(want, i);
    if (isNaN(g) || isNaN(w)) { if (!(isNaN(g) && isNaN(w))) return i; continue; }
    const d = ordinal(g) - ordinal(w);
    if (d > MAX_ULPS || d < -MAX_ULPS) return i;
  }
  return -1;
}

/** Specials at fixed places, the others x·scale. */
function fill(p: usize, n: i32, scale: f32): void {
  for (let i = 0; i < n; i++) {
    const r = (i * 7 + 3) % 19;
    let v = at(p, i) * scale;
    if (r == 0) v = NaN;
    else if (r == 1) v = -0.0;
    else if (r == 2) v = 0.0;
    else if (r == 3) v = Infinity;
    else if (r == 4) v = -Infinity;
    else if (r == 5) v = reinterpret<f32>(0x80000001); // the smallest negative subnormal
    else if (r == 6) v = -3.4e38;
    else if (r == 7) v = -100; // σ is subnormal here
    else if (r == 8) v = 0.5625; // Tanh's switch from the polynomial to the exp form
    store<f32>(p + (<usize>i << 2), v);
  }
}

function describe1(what: string, x: usize, got: usize, want: usize, bad: i32): string {
  return `${what}: x[${bad}] = ${at(x, bad)}: ${at(got, bad)} (${hexAt(got, bad)}), reference ${at(want, bad)} (${hexAt(want, bad)})`;
}

/** Kernel vs reference on n values at `scale`, out of place or in place. */
function accuracy(op: i32, n: i32, scale: f32, inPlace: bool): string {
  reseed(<u32>(op * 1000 + n * 7 + <i32>scale));
  const x = randomBuffer(n);
  fill(x, n, scale);
  const x0 = copyBuffer(x, n), want = filledBuffer(n, -777);
  const p0 = param0(op), p1 = param1(op);
  f32_activation__ref(op, x, want, n, p0, p1);
  const what = `op=${op} n=${n} scale=${scale} inPlace=${inPlace}`;
  let problem = "";
  if (inPlace) {
    f32_activation__simd(op, x, x, n, p0, p1);
    const bad = firstBeyondUlps(x, want, n);
    if (bad >= 0) problem = describe1(what, x0, x, want, bad);
    else if (!guardsIntact(x, n)) problem = `${what}: wrote past the end of y`;
  } else {
    const y = filledBuffer(n, 777);
    f32_activation__simd(op, x, y, n, p0, p1);
    const bad = firstBeyondUlps(y, want, n);
    if (bad >= 0) problem = describe1(what, x, y, want, bad);
    else if (!guardsIntact(y, n)) problem = `${what}: wrote past the end of y`;
    else if (!unchanged(x, x0, n)) problem = `${what}: changed its input x`;
    heap.free(y);
  }
  heap.free(x); heap.free(x0); heap.free(want);
  return problem;
}

/** Every `step`-th float32 bit pattern in [0, lim] and its negative, in chunks: kernel vs reference. */
function sweep(op: i32, lim: f32, step: u32): string {
  const CHUNK = 4099; // odd: a vector tail in each call
  const x = filledBuffer(CHUNK, 0), y = filledBuffer(CHUNK, 0), want = filledBuffer(CHUNK, 0);
  const last = reinterpret<u32>(lim);
  let problem = "";
  let b: u32 = 0;
  while (b <= last && problem == "") {
    let n = 0;
    for (; n + 1 < CHUNK && b <= last; n += 2, b += step) {
      store<f32>(x + (<usize>n << 2), reinterpret<f32>(b));
      store<f32>(x + (<usize>(n + 1) << 2), -reinterpret<f32>(b));
    }
    f32_activation__simd(op, x, y, n, param0(op), param1(op));
    f32_activation__ref(op, x, want, n, param0(op), param1(op));
    const bad = firstBeyondUlps(y, want, n);
    if (bad >= 0) problem = describe1(`op=${op} sweep`, x, y, want, bad);
  }
  heap.free(x); heap.free(y); heap.free(want);
  return problem;
}

/** The bits of a whole call vs one element at a time and vs calls starting k = 1…3 later. */
function positions(op: i32, n: i32, scale: f32): string {
  reseed(<u32>(op * 77 + n));
  const x = randomBuffer(n);
  fill(x, n, scale);
  const whole = filledBuffer(n, 777), part = filledBuffer(n, 777);
  const p0 = param0(op), p1 = param1(op);
  f32_activation__simd(op, x, whole, n, p0, p1);
  for (let i = 0; i < n; i++) f32_activation__simd(op, x + (<usize>i << 2), part + (<usize>i << 2), 1, p0, p1);
  let bad = firstMismatchAnyNaN(part, whole, n);
  if (bad >= 0) return describe1(`op=${op} n=${n}: one at a time vs whole`, x, part, whole, bad);
  for (let k = 1; k <= 3 && k <= n; k++) {
    const sx = x + (<usize>k << 2), sw = whole + (<usize>k << 2);
    f32_activation__simd(op, sx, part, n - k, p0, p1);
    bad = firstMismatchAnyNaN(part, sw, n - k);
    if (bad >= 0) return describe1(`op=${op} n=${n}: from ${k} vs whole`, sx, part, sw, bad);
  }
  heap.free(x); heap.free(whole); heap.free(part);
  return "";
}

/** f at one value, through the kernel's vector path (four copies). */
function vec(op: i32, v: f32): f32 {
  const x = filledBuffer(4, v), y = filledBuffer(4, 0);
  f32_activation__simd(op, x, y, 4, param0(op), param1(op));
  const r = at(y, 0);
  heap.free(x); heap.free(y);
  return r;
}

describe("f32_activation__simd Sigmoid, Tanh, Elu, Selu (within 3 ulp of the float64 functions)", () => {
  it("n = 0…17 at scales 1, 4, 20, 120, out of place; in place", () => {
    for (let op = SIGMOID; op <= SELU; op++) for (let n = 0; n <= 17; n++) {
      expect(accuracy(op, n, 1, false)).toBe("");
      expect(accuracy(op, n, 4, false)).toBe("");
      expect(accuracy(op, n, 20, false)).toBe("");
      expect(accuracy(op, n, 120, false)).toBe("");
      expect(accuracy(op, n, 8, true)).toBe("");
    }
  });
  it("long runs", () => {
    for (let op = SIGMOID; op <= SELU; op++) {
      expect(accuracy(op, 1027, 6, false)).toBe("");
      expect(accuracy(op, 4099, 1, true)).toBe("");
    }
  });
  it("every 4099th float32 in [−120, 120]", () => {
    expect(sweep(SIGMOID, 120, 4099)).toBe("");
    expect(sweep(TANH, 120, 4099)).toBe("");
    expect(sweep(ELU, 120, 4099)).toBe("");
    expect(sweep(SELU, 120, 4099)).toBe("");
  });
  it("exact at the specials: σ(±∞) = 1, 0; σ(±0) = 0.5; tanh(±∞) = ±1; tanh(±0) = ±0; elu(−∞) = −α, selu(−∞) = −γα; ±0 kept; NaN stays NaN", () => {
    expect(vec(SIGMOID, Infinity)).toBe(1);
    expect(vec(SIGMOID, -Infinity)).toBe(0);
    expect(vec(SIGMOID, 0)).toBe(0.5);
    expect(vec(SIGMOID, -0.0)).toBe(0.5);
    expect(vec(SIGMOID, 20)).toBe(1);
    expect(vec(SIGMOID, -120)).toBe(0);
    expect(isNaN(vec(SIGMOID, NaN))).toBe(true);
    expect(vec(TANH, Infinity)).toBe(1);
    expect(vec(TANH, -Infinity)).toBe(-1);
    expect(reinterpret<u32>(vec(TANH, 0))).toBe(0);
    expect(reinterpret<u32>(vec(TANH, -0.0))).toBe(0x80000000);
    expect(vec(TANH, 10)).toBe(1);
    expect(vec(TANH, -3.4e38)).toBe(-1);
    expect(vec(TANH, reinterpret<f32>(0x00000001))).toBe(reinterpret<f32>(0x00000001));
    expect(isNaN(vec(TANH, NaN))).toBe(true);
    expect(vec(ELU, -Infinity)).toBe(-<f32>0.3);
    expect(vec(ELU, Infinity)).toBe(Infinity);
    expect(reinterpret<u32>(vec(ELU, -0.0))).toBe(0x80000000);
    expect(vec(ELU, -30)).toBe(-<f32>0.3);
    expect(isNaN(vec(ELU, NaN))).toBe(true);
    expect(vec(SELU, -Infinity)).toBe(<f32>(SELU_GAMMA * SELU_ALPHA) * -1);
    expect(vec(SELU, 2)).toBe(<f32>SELU_GAMMA * 2);
    expect(reinterpret<u32>(vec(SELU, -0.0))).toBe(0x80000000);
    expect(isNaN(vec(SELU, NaN))).toBe(true);
  });
});

describe("f32_activation__simd Sigmoid, Tanh, Elu, Selu: the same bits wherever an element lies", () => {
  it("whole call = one at a time = calls from 1, 2, 3 elements later, n = 1…17 and 1027", () => {
    for (let op = SIGMOID; op <= SELU; op++) {
      for (let n = 1; n <= 17; n++) {
        expect(positions(op, n, 1)).toBe("");
        expect(positions(op, n, 30)).toBe("");
      }
      expect(positions(op, 1027, 5)).toBe("");
    }
  });
});

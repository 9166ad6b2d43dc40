// The resident plan's elementwise kernels against their references (broadcast-binary-ref.ts):
// f32_binary__simd for each op over [O, C, I] grids where each operand is full, a scalar,
// per channel, per (o, c), or trailing, I = 0…9 (every vector tail); f32_channel_affine__simd
// over plane sizes 0…9; f32_activation__simd for each op over n = 0…17. Values include NaN, ±0,
// ±∞ and subnormals; any NaN matches any NaN (the wasm spec leaves its sign to the engine), every
// other value bit for bit; guard words after each output must stay intact.
import { f32_binary__simd, f32_channel_affine__simd } from "../eltwise/broadcast-binary";
import { f32_activation__simd } from "../eltwise/activation";
import { f32_binary__ref, f32_channel_affine__ref, f32_activation__ref } from "../eltwise/broadcast-binary-ref";
import { randomBuffer, filledBuffer, guardsIntact, firstMismatchAnyNaN, at, hexAt, reseed, sprinkleSpecials } from "./helpers";

/** The values at p scaled to ±8 with specials (helpers.ts), period 17. */
function sprinkle(p: usize, n: i32): void {
  sprinkleSpecials(p, n, 17);
}

function compare(what: string, got: usize, want: usize, n: i32): string {
  const bad = firstMismatchAnyNaN(got, want, n);
  if (bad >= 0) return `${what}: [${bad}] = ${at(got, bad)} (${hexAt(got, bad)}), reference ${at(want, bad)} (${hexAt(want, bad)})`;
  if (!guardsIntact(got, n)) return `${what}: wrote past the end of y`;
  return "";
}

/** Operand kinds over [O, C, I]: its strides and how many elements it holds. */
const FULL = 0, SCALAR = 1, CHANNEL = 2, IMAGE_CHANNEL = 3, TRAILING = 4;

function strides(kind: i32, C: i32, I: i32): StaticArray<i32> {
  const s = new StaticArray<i32>(4); // sO, sC, sI, size factor selector
  if (kind == FULL) { s[0] = C * I; s[1] = I; s[2] = 1; }
  else if (kind == CHANNEL) { s[1] = 1; }
  else if (kind == IMAGE_CHANNEL) { s[0] = C; s[1] = 1; }
  else if (kind == TRAILING) { s[2] = 1; }
  return s;
}

function elements(kind: i32, O: i32, C: i32, I: i32): i32 {
  return kind == FULL ? O * C * I : kind == SCALAR ? 1 : kind == CHANNEL ? C : kind == IMAGE_CHANNEL ? O * C : I;
}

function binary(op: i32, ka: i32, kb: i32, O: i32, C: i32, I: i32): string {
  reseed(<u32>(op * 1000 + ka * 100 + kb * 10 + O * 7 + C * 5 + I));
  const na = elements(ka, O, C, I), nb = elements(kb, O, C, I), n = O * C * I;
  const a = randomBuffer(na), b = randomBuffer(nb);
  sprinkle(a, na);
  sprinkle(b, nb);
  const sa = strides(ka, C, I), sb = strides(kb, C, I);
  const y = filledBuffer(n, 777), want = filledBuffer(n, -777);
  f32_binary__simd(op, a, sa[0], sa[1], sa[2], b, sb[0], sb[1], sb[2], y, O, C, I);
  f32_binary__ref(op, a, sa[0], sa[1], sa[2], b, sb[0], sb[1], sb[2], want, O, C, I);
  const problem = compare(`binary op=${op} kinds=(${ka}, ${kb}) O=${O} C=${C} I=${I}`, y, want, n);
  heap.free(a); heap.free(b); heap.free(y); heap.free(want);
  return problem;
}

function affine(N: i32, C: i32, plane: i32): string {
  reseed(<u32>(N * 31 + C * 7 + plane));
  const n = N * C * plane;
  const x = randomBuffer(n);
  sprinkle(x, n);
  const ab = heap.alloc(<usize>C << 4);
  for (let c = 0; c < C; c++) {
    // float64 coefficients with bits below float32's, as scale/√(var + ε) gives
    store<f64>(ab + (<usize>c << 3), <f64>at(x, c % max(n, 1)) * 0.1 + 1.0 / 3.0);
    store<f64>(ab + (<usize>(C + c) << 3), -0.7 / <f64>(c + 3));
  }
  const y = filledBuffer(n, 777), want = filledBuffer(n, -777);
  f32_channel_affine__simd(x, ab, ab + (<usize>C << 3), y, N, C, plane);
  f32_channel_affine__ref(x, ab, ab + (<usize>C << 3), want, N, C, plane);
  const problem = compare(`channel_affine N=${N} C=${C} plane=${plane}`, y, want, n);
  heap.free(x); heap.free(ab); heap.free(y); heap.free(want);
  return problem;
}

function activation(op: i32, n: i32, p0: f64, p1: f64): string {
  reseed(<u32>(op * 100 + n));
  const x = randomBuffer(n);
  sprinkle(x, n);
  const y = filledBuffer(n, 777), want = filledBuffer(n, -777);
  f32_activation__simd(op, x, y, n, p0, p1);
  f32_activation__ref(op, x, want, n, p0, p1);
  const problem = compare(`activation op=${op} n=${n} p=(${p0}, ${p1})`, y, want, n);
  heap.free(x); heap.free(y); heap.free(want);
  return problem;
}

describe("f32_binary__simd", () => {
  it("add, sub, mul, div; every pair of operand kinds; I = 0…9", () => {
    for (let op = 0; op < 4; op++) for (let ka = 0; ka < 5; ka++) for (let kb = 0; kb < 5; kb++) for (let I = 0; I <= 9; I++) {
      expect(binary(op, ka, kb, 2, 3, I)).toBe("");
    }
  });
  it("long runs", () => {
    for (let op = 0; op < 4; op++) {
      expect(binary(op, FULL, CHANNEL, 2, 5, 1031)).toBe("");
      expect(binary(op, IMAGE_CHANNEL, FULL, 1, 7, 64)).toBe("");
    }
  });
});

describe("f32_channel_affine__simd", () => {
  it("plane sizes 0…9, several N and C", () => {
    for (let plane = 0; plane <= 9; plane++) for (let N = 1; N <= 2; N++) for (let C = 1; C <= 5; C += 2) expect(affine(N, C, plane)).toBe("");
    expect(affine(2, 3, 1031)).toBe("");
  });
});

describe("f32_activation__simd", () => {
  it("Clip, HardSigmoid, HardSwish, LeakyRelu over n = 0…17", () => {
    for (let n = 0; n <= 17; n++) {
      expect(activation(0, n, 0, 6)).toBe("");
      expect(activation(0, n, <f64>(-Infinity), 0.5)).toBe("");
      expect(activation(0, n, 2, -1)).toBe("");
      expect(activation(1, n, <f64><f32>(1.0 / 6.0), 0.5)).toBe("");
      expect(activation(1, n, <f64><f32>0.2, <f64><f32>-0.3)).toBe("");
      expect(activation(2, n, 0, 0)).toBe("");
      expect(activation(3, n, <f64><f32>0.01, 0)).toBe("");
      expect(activation(3, n, <f64><f32>-1.7, 0)).toBe("");
    }
  });
});

// The element-wise kernels against their references, bit for bit: relu over n = 0…17 (every
// vector tail) with negative, positive, NaN (both signs), ±0, ±∞ and subnormal values, out of
// place, in place and from unaligned starts; add with steps (1, 1), (0, 1), (1, 0) and (0, 0),
// n = 0…17, in place over its full-step operand; bias_add over plane sizes 1…9 and several N, C;
// crop over offsets, odd sizes and empty results. Guards after every output and every input
// that is not also the output must stay intact.
import { f32_relu__simd, f32_add__simd, f32_bias_add__simd, f32_crop__scalar } from "../eltwise/eltwise";
import { f32_relu__ref, f32_add__ref, f32_bias_add__ref, f32_crop__ref } from "../eltwise/eltwise-ref";
import { randomBuffer, filledBuffer, copyBuffer, guardsIntact, firstBitMismatch, unchanged, at, hexAt, reseed } from "./helpers";

/** Failure text for element `bad` of got vs want (value and bits), or "" when bad < 0. */
function describeBad(what: string, got: usize, want: usize, bad: i32): string {
  return `${what}: [${bad}] = ${at(got, bad)} (${hexAt(got, bad)}), reference ${at(want, bad)} (${hexAt(want, bad)})`;
}

/** Value i of relu's input: specials at fixed places, random elsewhere. */
function special(i: i32, v: f32): f32 {
  const r = (i * 5 + 3) % 13;
  if (r == 0) return NaN;
  if (r == 1) return reinterpret<f32>(0xffc00001); // a negative NaN with a payload
  if (r == 2) return -0.0;
  if (r == 3) return 0.0;
  if (r == 4) return -Infinity;
  if (r == 5) return Infinity;
  if (r == 6) return reinterpret<f32>(0x80000001); // the smallest negative subnormal
  if (r == 7) return reinterpret<f32>(0x00000001);
  return v;
}

/** relu of n values starting `off` floats past a 16-byte boundary, out of place or in place. */
function relu(n: i32, off: i32, inPlace: bool): string {
  reseed(<u32>(n * 31 + off * 7 + (inPlace ? 1 : 0)));
  const shift = <usize>off << 2;
  const xb = randomBuffer(n + off), x = xb + shift;
  for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), special(i, at(x, i)));
  const x0 = copyBuffer(x, n);
  const what = `relu n=${n} off=${off} inPlace=${inPlace}`;
  let problem = "";
  if (inPlace) {
    const want = copyBuffer(x, n);
    f32_relu__simd(x, x, n);
    f32_relu__ref(want, want, n);
    const bad = firstBitMismatch(x, want, n);
    if (bad >= 0) problem = describeBad(what, x, want, bad);
    else if (!guardsIntact(x, n)) problem = `${what}: wrote past the end of y`;
    heap.free(want);
  } else {
    const yb = filledBuffer(n + off, 777), y = yb + shift;
    const want = filledBuffer(n, -777);
    f32_relu__simd(x, y, n);
    f32_relu__ref(x, want, n);
    const bad = firstBitMismatch(y, want, n);
    if (bad >= 0) problem = describeBad(what, y, want, bad);
    else if (!guardsIntact(y, n)) problem = `${what}: wrote past the end of y`;
    else if (!unchanged(x, x0, n)) problem = `${what}: changed its input x`;
    heap.free(yb); heap.free(want);
  }
  heap.free(xb); heap.free(x0);
  return problem;
}

/** Add modes: which operand y aliases. */
const SEPARATE = 0;
const INTO_A = 1;
const INTO_B = 2;

/** y[i] = a[i·aStep] + b[i·bStep]; a step-0 operand holds one value (plus guards). */
function add(n: i32, aStep: i32, bStep: i32, mode: i32, off: i32): string {
  reseed(<u32>(n * 13 + aStep * 5 + bStep * 3 + mode + off * 101));
  const shift = <usize>off << 2;
  const na = aStep == 0 ? 1 : n, nb = bStep == 0 ? 1 : n;
  const ab = randomBuffer(na + off), bb = randomBuffer(nb + off);
  const a = ab + shift, b = bb + shift;
  if (na > 2) store<f32>(a + 8, NaN); // a NaN in a full-step a: both kernels must carry it to y
  const a0 = copyBuffer(a, na), b0 = copyBuffer(b, nb);
  const what = `add n=${n} steps=(${aStep}, ${bStep}) mode=${mode} off=${off}`;
  let problem = "";
  if (mode == SEPARATE) {
    const yb = filledBuffer(n + off, 777), y = yb + shift, want = filledBuffer(n, -777);
    f32_add__simd(a, aStep, b, bStep, y, n);
    f32_add__ref(a, aStep, b, bStep, want, n);
    const bad = firstBitMismatch(y, want, n);
    if (bad >= 0) problem = describeBad(what, y, want, bad);
    else if (!guardsIntact(y, n)) problem = `${what}: wrote past the end of y`;
    else if (!unchanged(a, a0, na)) problem = `${what}: changed its input a`;
    else if (!unchanged(b, b0, nb)) problem = `${what}: changed its input b`;
    heap.free(yb); heap.free(want);
  } else if (mode == INTO_A) {
    const want = copyBuffer(a, na);
    f32_add__simd(a, aStep, b, bStep, a, n);
    f32_add__ref(want, aStep, b, bStep, want, n);
    const bad = firstBitMismatch(a, want, na);
    if (bad >= 0) problem = describeBad(what, a, want, bad);
    else if (!guardsIntact(a, na)) problem = `${what}: wrote past the end of y = a`;
    else if (!unchanged(b, b0, nb)) problem = `${what}: changed its input b`;
    heap.free(want);
  } else {
    const want = copyBuffer(b, nb);
    f32_add__simd(a, aStep, b, bStep, b, n);
    f32_add__ref(a, aStep, want, bStep, want, n);
    const bad = firstBitMismatch(b, want, nb);
    if (bad >= 0) problem = describeBad(what, b, want, bad);
    else if (!guardsIntact(b, nb)) problem = `${what}: wrote past the end of y = b`;
    else if (!unchanged(a, a0, na)) problem = `${what}: changed its input a`;
    heap.free(want);
  }
  heap.free(ab); heap.free(bb); heap.free(a0); heap.free(b0);
  return problem;
}

/** y[n, c, i] += bias[c], in place. */
function biasAdd(N: i32, C: i32, plane: i32): string {
  reseed(<u32>(N * 17 + C * 5 + plane));
  const n = N * C * plane;
  const y = randomBuffer(n), want = copyBuffer(y, n);
  const bias = randomBuffer(C), bias0 = copyBuffer(bias, C);
  f32_bias_add__simd(y, bias, N, C, plane);
  f32_bias_add__ref(want, bias, N, C, plane);
  const what = `bias_add N=${N} C=${C} plane=${plane}`;
  let problem = "";
  const bad = firstBitMismatch(y, want, n);
  if (bad >= 0) problem = describeBad(what, y, want, bad);
  else if (!guardsIntact(y, n)) problem = `${what}: wrote past the end of y`;
  else if (!unchanged(bias, bias0, C)) problem = `${what}: changed bias`;
  heap.free(y); heap.free(want); heap.free(bias); heap.free(bias0);
  return problem;
}

/** y [C, OH, OW] = x [C, H, W] from (top, left). */
function crop(C: i32, H: i32, W: i32, top: i32, left: i32, OH: i32, OW: i32): string {
  reseed(<u32>(C * 3 + H * 7 + W * 11 + top * 13 + left * 17 + OH * 19 + OW * 23));
  const nx = C * H * W, n = C * OH * OW;
  const x = randomBuffer(nx), x0 = copyBuffer(x, nx);
  const y = filledBuffer(n, 777), want = filledBuffer(n, -777);
  f32_crop__scalar(x, y, C, H, W, top, left, OH, OW);
  f32_crop__ref(x, want, C, H, W, top, left, OH, OW);
  const what = `crop C=${C} in=${H}x${W} from=(${top}, ${left}) out=${OH}x${OW}`;
  let problem = "";
  const bad = firstBitMismatch(y, want, n);
  if (bad >= 0) problem = describeBad(what, y, want, bad);
  else if (!guardsIntact(y, n)) problem = `${what}: wrote past the end of y`;
  else if (!unchanged(x, x0, nx)) problem = `${what}: changed its input x`;
  heap.free(x); heap.free(x0); heap.free(y); heap.free(want);
  return problem;
}

describe("f32_relu__simd", () => {
  it("n = 0…17, specials, out of place, aligned and unaligned", () => {
    for (let n = 0; n <= 17; n++) for (let off = 0; off < 4; off++) expect(relu(n, off, false)).toBe("");
  });
  it("n = 0…17 in place (x = y)", () => {
    for (let n = 0; n <= 17; n++) for (let off = 0; off < 4; off += 3) expect(relu(n, off, true)).toBe("");
  });
  it("a long run (n = 1027)", () => {
    expect(relu(1027, 1, false)).toBe("");
    expect(relu(1027, 0, true)).toBe("");
  });
});

describe("f32_add__simd", () => {
  it("steps (1, 1), (0, 1), (1, 0), (0, 0), n = 0…17, aligned and unaligned", () => {
    for (let n = 0; n <= 17; n++) for (let off = 0; off < 4; off += 1) {
      expect(add(n, 1, 1, SEPARATE, off)).toBe("");
      expect(add(n, 0, 1, SEPARATE, off)).toBe("");
      expect(add(n, 1, 0, SEPARATE, off)).toBe("");
      expect(add(n, 0, 0, SEPARATE, off)).toBe("");
    }
  });
  it("in place over the full-step operand (y = a or y = b)", () => {
    for (let n = 0; n <= 17; n++) {
      expect(add(n, 1, 1, INTO_A, 0)).toBe("");
      expect(add(n, 1, 1, INTO_B, 1)).toBe("");
      expect(add(n, 1, 0, INTO_A, 2)).toBe("");
      expect(add(n, 0, 1, INTO_B, 0)).toBe("");
    }
  });
});

describe("f32_bias_add__simd", () => {
  it("plane sizes 1…9 and several N, C", () => {
    for (let plane = 1; plane <= 9; plane++) for (let N = 1; N <= 3; N++) for (let C = 1; C <= 5; C += 2) {
      expect(biasAdd(N, C, plane)).toBe("");
    }
  });
  it("large planes and empty extents", () => {
    expect(biasAdd(2, 3, 1031)).toBe("");
    expect(biasAdd(1, 21, 64)).toBe("");
    expect(biasAdd(0, 3, 5)).toBe("");
    expect(biasAdd(2, 0, 5)).toBe("");
    expect(biasAdd(2, 3, 0)).toBe("");
  });
});

describe("f32_crop__scalar", () => {
  it("offsets 0…3, odd sizes, the whole image, single rows and columns", () => {
    for (let H = 1; H <= 7; H += 2) for (let W = 1; W <= 9; W += 2) for (let top = 0; top < min(H, 4); top++) for (let left = 0; left < min(W, 4); left++) {
      expect(crop(2, H, W, top, left, H - top, W - left)).toBe("");
      expect(crop(3, H, W, top, left, max(1, (H - top) / 2), 1)).toBe("");
      expect(crop(1, H + 1, W + 5, top, left, 1, W)).toBe("");
    }
  });
  it("FCN-style crops and empty results", () => {
    expect(crop(21, 18, 20, 4, 5, 10, 12)).toBe("");
    expect(crop(3, 70, 66, 19, 19, 32, 28)).toBe("");
    expect(crop(2, 5, 5, 1, 1, 0, 3)).toBe("");
    expect(crop(2, 5, 5, 1, 1, 3, 0)).toBe("");
    expect(crop(0, 5, 5, 1, 1, 3, 3)).toBe("");
  });
});

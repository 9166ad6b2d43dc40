// im2col, col2im and maxPool against the plain-TS references in ref/window-ops.ts, on both
// builds: hand-worked known answers, seeded random cases (rank 1 and 2; maxPool rank 3 too;
// strides, asymmetric pads, dilations, odd sizes, batch 2), the adjoint identity ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩, MaxPool's
// autoPad / ceilMode rules with all-negative inputs (padding never wins), inputs never mutated,
// outputs fresh. Every case name carries its shape, attributes and seed; rerun one with `-t`.
import { describe, expect, it, beforeAll } from "vitest";
import { BUILDS, expectClose, fcn, rng, randArray, randInt, useBuild } from "./lib.js";
import {
  type AutoPad, type MaxPoolAttrs, type WindowAttrs, col2imRef, im2colGrid, im2colRef, maxPoolRef, maxPoolAxes,
} from "./ref/window-ops.js";

const show = (v: readonly number[]): string => `[${v.join(",")}]`;

/** Bit-exact copy of a tensor's data, to check afterwards that an op did not write to it. */
function snapshot(t: fcn.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.data).buffer);
}
function expectUnchanged(t: fcn.Tensor, before: Uint32Array, what: string): void {
  const now = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  for (let i = 0; i < before.length; i++) {
    if (now[i] !== before[i]) throw new Error(`${what}: input element ${i} was modified`);
  }
}

// ---------------------------------------------------------------------------------------------
// Random window problems (im2col / col2im / adjoint)

interface WindowCase {
  name: string;
  seed: number;
  xShape: number[];
  attrs: WindowAttrs;
}

/** Draws a window problem from `seed`; null when no window position fits (see the ShapeError test). */
function drawWindow(seed: number, rank: 1 | 2, op: string): WindowCase | null {
  const r = rng(seed);
  const N = randInt(r, 1, 2), C = randInt(r, 1, 3);
  const image = Array.from({ length: rank }, () => randInt(r, 1, 9));
  const k = Array.from({ length: rank }, () => randInt(r, 1, 4));
  const s = Array.from({ length: rank }, () => randInt(r, 1, 3));
  const d = Array.from({ length: rank }, () => (r() < 0.6 ? 1 : randInt(r, 2, 3)));
  const p = Array.from({ length: 2 * rank }, () => (r() < 0.4 ? 0 : randInt(r, 1, 3)));
  if (im2colGrid(image, { kernelShape: k, strides: s, dilations: d, pads: p }).some((g) => g < 1)) return null;
  // Exercise the attribute forms too: defaults left out, a number for "every axis".
  const attrs: WindowAttrs = { kernelShape: k.every((v) => v === k[0]) && r() < 0.5 ? k[0] : k };
  if (s.some((v) => v !== 1) || r() < 0.5) attrs.strides = s;
  if (p.some((v) => v !== 0) || r() < 0.5) attrs.pads = p.every((v) => v === p[0]) && r() < 0.5 ? p[0] : p;
  if (d.some((v) => v !== 1) || r() < 0.5) attrs.dilations = d;
  const xShape = [N, C, ...image];
  const name = `${op} rank${rank} x=${show(xShape)} k=${show(k)} s=${show(s)} p=${show(p)} d=${show(d)} seed=${seed}`;
  return { name, seed, xShape, attrs };
}

/** `count` accepted problems, drawing seeds first, first + 1, … (rejected seeds are skipped). */
function windowCases(op: string, rank: 1 | 2, first: number, count: number): WindowCase[] {
  const out: WindowCase[] = [];
  for (let seed = first; out.length < count; seed++) {
    const c = drawWindow(seed, rank, op);
    if (c) out.push(c);
  }
  return out;
}

const IM2COL_CASES = [...windowCases("im2col", 1, 1000, 30), ...windowCases("im2col", 2, 2000, 50)];
const COL2IM_CASES = [...windowCases("col2im", 1, 3000, 30), ...windowCases("col2im", 2, 4000, 50)];
const ADJOINT_CASES = [...windowCases("adjoint", 1, 5000, 15), ...windowCases("adjoint", 2, 6000, 30)];

// The generators must reach every attribute and shape family, or the random tests prove less than they say.
function coverage(cases: WindowCase[]): Record<string, boolean> {
  const attr = (v: unknown, n: number): number[] => (typeof v === "number" ? new Array<number>(n).fill(v) : ((v as number[] | undefined) ?? []));
  return {
    batch2: cases.some((c) => c.xShape[0] === 2),
    stride: cases.some((c) => attr(c.attrs.strides, 2).some((v) => v > 1)),
    dilation: cases.some((c) => attr(c.attrs.dilations, 2).some((v) => v > 1)),
    asymmetricPads: cases.some((c) => {
      const p = attr(c.attrs.pads, 2 * (c.xShape.length - 2));
      const r = p.length / 2;
      return p.slice(0, r).some((v, i) => v !== p[r + i]);
    }),
    oddSize: cases.some((c) => c.xShape.slice(2).some((v) => v % 2 === 1 && v > 1)),
  };
}

// ---------------------------------------------------------------------------------------------
// Random MaxPool problems

interface PoolCase {
  name: string;
  seed: number;
  xShape: number[];
  attrs: MaxPoolAttrs;
  negative: boolean;
}

function drawPool(seed: number, rank: 1 | 2 | 3): PoolCase | null {
  const r = rng(seed);
  const N = randInt(r, 1, 2), C = randInt(r, 1, 3);
  const image = Array.from({ length: rank }, () => randInt(r, 1, rank === 3 ? 8 : 10));
  const k = Array.from({ length: rank }, () => randInt(r, 1, 4));
  const s = Array.from({ length: rank }, () => randInt(r, 1, 3));
  const d = Array.from({ length: rank }, () => (r() < 0.65 ? 1 : randInt(r, 2, 3)));
  const modes: AutoPad[] = ["NOTSET", "NOTSET", "NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];
  const autoPad = modes[randInt(r, 0, modes.length - 1)];
  // VALID with ceilMode is its own test below (the ONNX text and the package disagree there).
  const ceilMode = autoPad !== "VALID" && r() < 0.5;
  // The package requires every pad < the dilated kernel d·(k−1)+1 (so a window is never all padding).
  const p = Array.from({ length: 2 * rank }, (_, i) => {
    const span = d[i % rank] * (k[i % rank] - 1) + 1;
    return r() < 0.3 ? 0 : randInt(r, 0, span - 1);
  });
  const attrs: MaxPoolAttrs = { kernelShape: k, strides: s, dilations: d };
  if (autoPad === "NOTSET") attrs.pads = p;
  if (autoPad !== "NOTSET" || r() < 0.2) attrs.autoPad = autoPad;
  if (ceilMode || r() < 0.3) attrs.ceilMode = ceilMode ? (r() < 0.5 ? 1 : true) : false;
  const xShape = [N, C, ...image];
  const axes = maxPoolAxes(image, attrs);
  if (axes.some((a) => a.out < 1)) return null;
  // ceilMode with a padded input shorter than the dilated kernel has its own test below (the package
  // throws where the ONNX formula gives one window).
  if (ceilMode && autoPad === "NOTSET" && image.some((n, i) => n + p[i] + p[rank + i] < d[i] * (k[i] - 1) + 1)) return null;
  // Skip windows that see no pixel at all (possible with dilation, see the doubts in the report).
  const probe = maxPoolRef({ data: new Float32Array(N * C * image.reduce((a, b) => a * b, 1)), shape: xShape }, attrs);
  if (probe.data.some((v) => v === -Infinity)) return null;
  const negative = r() < 0.5;
  const pads = axes.flatMap((a) => [a.pBegin]).concat(axes.map((a) => a.pEnd));
  const name = `maxPool rank${rank} x=${show(xShape)} k=${show(k)} s=${show(s)} d=${show(d)} autoPad=${autoPad} ` +
    `pads=${show(autoPad === "NOTSET" ? p : pads)} ceil=${ceilMode} out=${show(axes.map((a) => a.out))}${negative ? " all-negative" : ""} seed=${seed}`;
  return { name, seed, xShape, attrs, negative };
}

function poolCases(rank: 1 | 2 | 3, first: number, count: number): PoolCase[] {
  const out: PoolCase[] = [];
  for (let seed = first; out.length < count; seed++) {
    const c = drawPool(seed, rank);
    if (c) out.push(c);
  }
  return out;
}

const POOL_CASES = [...poolCases(1, 7000, 60), ...poolCases(2, 8000, 100), ...poolCases(3, 9000, 80)];

function randomTensor(shape: number[], seed: number, shift = 0): fcn.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = randArray(rng(seed), n);
  if (shift !== 0) for (let i = 0; i < n; i++) data[i] += shift;
  return fcn.tensor(data, shape);
}

describe("window-op generators reach the required cases", () => {
  it.each([["im2col", IM2COL_CASES], ["col2im", COL2IM_CASES], ["adjoint", ADJOINT_CASES]] as const)("%s", (_, cases) => {
    expect(coverage([...cases])).toEqual({ batch2: true, stride: true, dilation: true, asymmetricPads: true, oddSize: true });
    expect(cases.some((c) => c.xShape.length === 3) && cases.some((c) => c.xShape.length === 4)).toBe(true);
  });
  it.each([["every rank", () => true], ["rank 3", (c: PoolCase) => c.xShape.length === 5]] as const)("maxPool, %s", (_, which) => {
    const has = (f: (c: PoolCase) => boolean): boolean => POOL_CASES.some((c) => which(c) && f(c));
    const mode = (m: AutoPad) => (c: PoolCase) => (c.attrs.autoPad ?? "NOTSET") === m;
    expect(has(mode("SAME_UPPER")) && has(mode("SAME_LOWER")) && has(mode("VALID")) && has(mode("NOTSET"))).toBe(true);
    expect(has((c) => !!c.attrs.ceilMode)).toBe(true);
    expect(has((c) => c.negative && (c.attrs.pads as number[] | undefined)?.some((v) => v > 0) === true)).toBe(true);
    expect(has((c) => (c.attrs.dilations as number[]).some((v) => v > 1))).toBe(true);
    expect(has((c) => (c.attrs.pads as number[] | undefined)?.some((v, i, p) => v !== p[(i + p.length / 2) % p.length]) === true)).toBe(true); // asymmetric
    expect(has((c) => c.xShape[0] === 2) && has((c) => c.xShape.slice(2).some((n) => n % 2 === 1))).toBe(true); // batch 2, odd sizes
    // ceilMode cases where rounding up adds a window, and where the drop rule takes it back.
    let adds = false, drops = false;
    for (const c of POOL_CASES.filter((c) => which(c) && !!c.attrs.ceilMode && (c.attrs.autoPad ?? "NOTSET") === "NOTSET")) {
      const image = c.xShape.slice(2);
      const floor = maxPoolAxes(image, { ...c.attrs, ceilMode: false });
      const ceil = maxPoolAxes(image, c.attrs);
      const k = c.attrs.kernelShape as number[], s = c.attrs.strides as number[], d = c.attrs.dilations as number[];
      const p = c.attrs.pads as number[], r = image.length;
      image.forEach((n, a) => {
        if (ceil[a].out > floor[a].out) adds = true;
        const exact = (n + p[a] + p[r + a] - d[a] * (k[a] - 1) - 1) / s[a] + 1;
        if (Math.ceil(exact) > ceil[a].out) drops = true;
      });
    }
    expect({ adds, drops }).toEqual({ adds: true, drops: true });
  });
});

describe.each(BUILDS)("window ops (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  // -------------------------------------------------------------------------------------------
  describe("im2col", () => {
    it("known answer: 3×3 image 1…9, 2×2 kernel, stride 1, no padding", () => {
      // x = 1 2 3      window positions (oh, ow) = (0,0) (0,1) (1,0) (1,1) → columns 0…3;
      //     4 5 6      row (kh, kw) holds the pixel at (oh + kh, ow + kw) of each window:
      //     7 8 9      (0,0): 1 2 4 5   (0,1): 2 3 5 6   (1,0): 4 5 7 8   (1,1): 5 6 8 9
      const x = fcn.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
      const y = fcn.im2col(x, { kernelShape: [2, 2] });
      expect(y.shape).toEqual([1, 4, 4]);
      expect(Array.from(y.data)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
    });

    it("known answer: 1-D [1, 2, 3], kernel 2, stride 2, pads [1, 1]", () => {
      // out = ⌊(3 + 1 + 1 − 2) / 2⌋ + 1 = 2 windows, starting at −1 and 1 (input coordinates).
      // tap 0: x[−1] = 0 (padding), x[1] = 2;  tap 1: x[0] = 1, x[2] = 3.
      const y = fcn.im2col(fcn.tensor([1, 2, 3], [1, 1, 3]), { kernelShape: 2, strides: 2, pads: [1, 1] });
      expect(y.shape).toEqual([1, 2, 2]);
      expect(Array.from(y.data)).toEqual([0, 2, 1, 3]);
    });

    it("known answer: 2 channels, 2×3 image, 1×2 kernel, dilation [1, 2], pads [1, 0, 0, 1]", () => {
      // H: ⌊(2 + 1 + 0 − 1) / 1⌋ + 1 = 3 rows starting at −1, 0, 1; W: span 3, ⌊(3 + 0 + 1 − 3)⌋ + 1 = 2
      // columns starting at 0, 1. Channel c holds 10c + (1…6): x[c] = [[a, b, c], [d, e, f]].
      // tap (0, 0) reads (oh − 1, ow), tap (0, 1) reads (oh − 1, ow + 2) (ow + 2 = 3 is the right pad).
      // channel 0: tap0 = [0, 0, 1, 2, 4, 5], tap1 = [0, 0, 3, 0, 6, 0]
      const x = fcn.tensor([1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16], [1, 2, 2, 3]);
      const y = fcn.im2col(x, { kernelShape: [1, 2], dilations: [1, 2], pads: [1, 0, 0, 1] });
      expect(y.shape).toEqual([1, 4, 6]);
      expect(Array.from(y.data)).toEqual([
        0, 0, 1, 2, 4, 5, /**/ 0, 0, 3, 0, 6, 0,
        0, 0, 11, 12, 14, 15, /**/ 0, 0, 13, 0, 16, 0,
      ]);
    });

    for (const c of IM2COL_CASES) {
      it(c.name, () => {
        const x = randomTensor(c.xShape, c.seed);
        const before = snapshot(x);
        const got = fcn.im2col(x, c.attrs as fcn.Im2colAttrs);
        expectUnchanged(x, before, c.name);
        // im2col only copies: exact.
        expectClose(got, im2colRef(x, c.attrs), c.name, 0, 0);
      });
    }

    it("no window position: ShapeError", () => {
      expect(() => fcn.im2col(fcn.tensor(new Float32Array(4), [1, 1, 2, 2]), { kernelShape: [3, 1] })).toThrow(fcn.ShapeError);
      expect(() => fcn.im2col(fcn.tensor(new Float32Array(5), [1, 1, 5]), { kernelShape: 3, dilations: 3 })).toThrow(fcn.ShapeError);
      // and the module keeps working
      expectClose(fcn.im2col(fcn.tensor([1, 2, 3], [1, 1, 3]), { kernelShape: 3 }), { data: [1, 2, 3], shape: [1, 3, 1] }, "after error", 0, 0);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("col2im", () => {
    it("known answer: ones·x folded back over a 3×3 image with a 2×2 kernel counts the overlaps", () => {
      // cols = im2col(1…9) (the first known answer). Folding adds every copy of a pixel back:
      // pixel (h, w) appears in (windows covering it) = 1 2 1 / 2 4 2 / 1 2 1 copies, so
      // y = x · count = 1·1 2·2 3·1 / 4·2 5·4 6·2 / 7·1 8·2 9·1 = 1 4 3 / 8 20 12 / 7 16 9.
      const cols = fcn.tensor([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9], [1, 4, 4]);
      const y = fcn.col2im(cols, { imageShape: [3, 3], kernelShape: [2, 2] });
      expect(y.shape).toEqual([1, 1, 3, 3]);
      expect(Array.from(y.data)).toEqual([1, 4, 3, 8, 20, 12, 7, 16, 9]);
    });

    it("known answer: 1-D image 5, kernel 2, dilation 2", () => {
      // 5 − (2·(2 − 1) + 1) + 1 = 3 windows at 0, 1, 2; tap 0 lands at l, tap 1 at l + 2.
      // cols row 0 = [1, 2, 3], row 1 = [10, 20, 30]:
      // y = [1, 2, 3 + 10, 20, 30] = [1, 2, 13, 20, 30].
      const y = fcn.col2im(fcn.tensor([1, 2, 3, 10, 20, 30], [1, 2, 3]), { imageShape: [5], kernelShape: [2], dilations: [2] });
      expect(y.shape).toEqual([1, 1, 5]);
      expect(Array.from(y.data)).toEqual([1, 2, 13, 20, 30]);
    });

    it("known answer: 1-D image 3, kernel 2, stride 2, pads [1, 1]: taps in the padding are dropped", () => {
      // windows start at −1 and 1: tap 0 → −1 (dropped), 1; tap 1 → 0, 2.
      // cols = [[5, 6], [7, 8]] → y[0] = 7, y[1] = 6, y[2] = 8 (5 falls in the padding).
      const y = fcn.col2im(fcn.tensor([5, 6, 7, 8], [1, 2, 2]), { imageShape: 3, kernelShape: 2, strides: 2, pads: [1, 1] });
      expect(y.shape).toEqual([1, 1, 3]);
      expect(Array.from(y.data)).toEqual([7, 6, 8]);
    });

    for (const c of COL2IM_CASES) {
      it(c.name, () => {
        const image = c.xShape.slice(2);
        const grid = im2colGrid(image, c.attrs);
        const k = typeof c.attrs.kernelShape === "number" ? new Array<number>(image.length).fill(c.attrs.kernelShape) : (c.attrs.kernelShape as number[]);
        const colShape = [c.xShape[0], c.xShape[1] * k.reduce((a, b) => a * b, 1), grid.reduce((a, b) => a * b, 1)];
        const cols = randomTensor(colShape, c.seed);
        const attrs = { ...c.attrs, imageShape: image };
        const before = snapshot(cols);
        const got = fcn.col2im(cols, attrs as fcn.Col2imAttrs);
        expectUnchanged(cols, before, c.name);
        // float32 sums of at most ∏k terms in [−1, 1): a few ulps of ∏k.
        expectClose(got, col2imRef(cols, attrs), `${c.name} cols=${show(colShape)}`, 1e-5, 1e-5);
      });
    }

    it("cols of the wrong size: ShapeError", () => {
      // image 4, kernel 2 → 3 positions; 4 given.
      expect(() => fcn.col2im(fcn.tensor(new Float32Array(8), [1, 2, 4]), { imageShape: [4], kernelShape: [2] })).toThrow(fcn.ShapeError);
      // rows not a multiple of ∏k = 4
      expect(() => fcn.col2im(fcn.tensor(new Float32Array(6 * 4), [1, 6, 4]), { imageShape: [3, 3], kernelShape: [2, 2] })).toThrow(fcn.ShapeError);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe("adjoint identity ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩", () => {
    for (const c of ADJOINT_CASES) {
      it(c.name, () => {
        const x = randomTensor(c.xShape, c.seed);
        const u = fcn.im2col(x, c.attrs as fcn.Im2colAttrs);
        const cols = randomTensor(u.shape.slice(), c.seed + 0x9e3779b9);
        const v = fcn.col2im(cols, { ...c.attrs, imageShape: c.xShape.slice(2) } as fcn.Col2imAttrs);
        expect(v.shape).toEqual(c.xShape);
        let lhs = 0, rhs = 0, scale = 0;
        for (let i = 0; i < u.data.length; i++) {
          lhs += u.data[i] * cols.data[i];
          scale += Math.abs(u.data[i] * cols.data[i]);
        }
        for (let i = 0; i < x.data.length; i++) rhs += x.data[i] * v.data[i];
        // col2im's float32 sums round each image entry; relative to Σ|terms| that stays ≪ 1e-5.
        if (!(Math.abs(lhs - rhs) <= 1e-5 * scale + 1e-9)) {
          throw new Error(`${c.name}: ⟨im2col(x), c⟩ = ${lhs} but ⟨x, col2im(c)⟩ = ${rhs} (Σ|terms| ${scale})`);
        }
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  describe("maxPool", () => {
    it("known answer: ceilMode adds a window that runs past the end, all-negative input", () => {
      // in 5, k 2, s 2: (5 − 2) / 2 + 1 = 2.5 → floor 2, ceil 3. The third window starts at 4 < 5
      // (inside the input), covers x[4] and one position past the end, which is not a value:
      // y = [max(−1, −2), max(−3, −4), −5] = [−1, −3, −5] (a zero from the padding would win if it counted).
      const x = fcn.tensor([-1, -2, -3, -4, -5], [1, 1, 5]);
      expectClose(fcn.maxPool(x, { kernelShape: 2, strides: 2, ceilMode: true }), { data: [-1, -3, -5], shape: [1, 1, 3] }, "ceil adds", 0, 0);
      expectClose(fcn.maxPool(x, { kernelShape: 2, strides: 2 }), { data: [-1, -3], shape: [1, 1, 2] }, "floor", 0, 0);
    });

    it("known answer: ceilMode drops a last window that would start in the end padding", () => {
      // in 3, k 2, s 3, pads [0, 1]: (3 + 1 − 2) / 3 + 1 = 1.67 → ceil 2; the second window would
      // start at 3 = pBegin + in, the first position of the end padding, so it is dropped: out 1.
      // y = [max(−1, −2)] = [−1].
      const x = fcn.tensor([-1, -2, -3], [1, 1, 3]);
      expectClose(fcn.maxPool(x, { kernelShape: 2, strides: 3, pads: [0, 1], ceilMode: 1 }), { data: [-1], shape: [1, 1, 1] }, "ceil drop", 0, 0);
      // 2-D, both axes: in 3×5, k 2×2, s 3×2, pads [0, 1, 1, 0] (top 0, left 1, bottom 1, right 0).
      // H: (3 + 1 − 2)/3 + 1 → ceil 2, window 2 starts at 3 ≥ 0 + 3 → dropped → 1 row (rows 0, 1).
      // W: (5 + 1 − 2)/2 + 1 = 3 → 3 columns starting at −1, 1, 3: cols {0}, {1, 2}, {3, 4}.
      // x = −(1…15) row-major: row 0 = −1…−5, row 1 = −6…−10 → y = [−1, −2, −4].
      const x2 = fcn.tensor(Array.from({ length: 15 }, (_, i) => -(i + 1)), [1, 1, 3, 5]);
      expectClose(fcn.maxPool(x2, { kernelShape: [2, 2], strides: [3, 2], pads: [0, 1, 1, 0], ceilMode: true }),
        { data: [-1, -2, -4], shape: [1, 1, 1, 3] }, "ceil drop 2-D", 0, 0);
    });

    it("known answer: padding never wins on all-negative input (pads 1, kernel 3, stride 1)", () => {
      // 2×2 input −4 −3 / −2 −1, every 3×3 window covers the whole image plus padding: 2×2 of −1.
      const x = fcn.tensor([-4, -3, -2, -1], [1, 1, 2, 2]);
      expectClose(fcn.maxPool(x, { kernelShape: 3, pads: 1 }), { data: [-1, -1, -1, -1], shape: [1, 1, 2, 2] }, "pads", 0, 0);
      // SAME_UPPER, k 2: pads (0, 1) on each axis → windows {0,1}, {1, pad}: −1 −1 / −1 −1.
      expectClose(fcn.maxPool(x, { kernelShape: 2, autoPad: "SAME_UPPER" }), { data: [-1, -1, -1, -1], shape: [1, 1, 2, 2] }, "same", 0, 0);
      // SAME_LOWER, k 2: pads (1, 0) → windows {pad, 0}, {0, 1}: row/col 0 sees only x[0,0] = −4.
      expectClose(fcn.maxPool(x, { kernelShape: 2, autoPad: "SAME_LOWER" }), { data: [-4, -3, -2, -1], shape: [1, 1, 2, 2] }, "same lower", 0, 0);
    });

    it("known answer: SAME with kernel < stride pads nothing (README: total padding is max(0, …))", () => {
      // in 6, k 1, s 2: out ⌈6/2⌉ = 3, total max(0, 2·2 + 1 − 6) = 0 → windows at 0, 2, 4.
      const x = fcn.tensor([1, 2, 3, 4, 5, 6], [1, 1, 6]);
      expectClose(fcn.maxPool(x, { kernelShape: 1, strides: 2, autoPad: "SAME_UPPER" }), { data: [1, 3, 5], shape: [1, 1, 3] }, "SAME_UPPER k<s", 0, 0);
      expectClose(fcn.maxPool(x, { kernelShape: 1, strides: 2, autoPad: "SAME_LOWER" }), { data: [1, 3, 5], shape: [1, 1, 3] }, "SAME_LOWER k<s", 0, 0);
    });

    // ONNX MaxPool (opset 22) text: with auto_pad VALID and ceil_mode enabled,
    // out = ceil((in − ((k − 1)·d + 1) + 1) / s), which equals the floor-mode size; ONNX's reference
    // implementation (onnx/reference/ops/op_pool_common.py, get_output_shape_auto_pad) also ignores
    // ceil_mode under VALID. Where the ONNX text and onnxruntime disagree, we follow the text. Every case below is
    // one where (in − span) is not a multiple of s, so reading VALID as "pads 0, then the NOTSET ceil
    // rule" gives one window more (the last one running past the end of the input).
    it.each([
      // [in, k, s, d]
      [5, 2, 2, 1], [8, 3, 2, 1], [7, 2, 3, 2], [11, 4, 3, 1],
    ])("VALID with ceilMode follows the ONNX text: 1-D in=%i k=%i s=%i d=%i", (n, k, s, d) => {
      const x = fcn.tensor(Array.from({ length: n }, (_, i) => i + 1), [1, 1, n]);
      const attrs: MaxPoolAttrs = { kernelShape: k, strides: s, dilations: d, autoPad: "VALID", ceilMode: true };
      const want = maxPoolRef(x, attrs);
      const span = (k - 1) * d + 1;
      expect(want.shape[2]).toBe(Math.ceil((n - span + 1) / s));
      expect(want.shape[2]).toBe(Math.ceil((n - span) / s + 1) - 1); // the case discriminates
      expectClose(fcn.maxPool(x, attrs as fcn.MaxPoolAttrs), want, `maxPool x=[1,1,${n}] k=${k} s=${s} d=${d} autoPad=VALID ceilMode=true`, 0, 0);
    });

    it("VALID with ceilMode follows the ONNX text: 2-D x=[1,1,5,6] k=2 s=2", () => {
      // H: ceil((5 − 2 + 1)/2) = 2, W: ceil((6 − 2 + 1)/2) = 3 (= the floor-mode sizes).
      const x = randomTensor([1, 1, 5, 6], 77);
      const attrs: MaxPoolAttrs = { kernelShape: [2, 2], strides: [2, 2], autoPad: "VALID", ceilMode: 1 };
      const want = maxPoolRef(x, attrs);
      expect(want.shape).toEqual([1, 1, 2, 3]);
      expectClose(fcn.maxPool(x, attrs as fcn.MaxPoolAttrs), want, "maxPool x=[1,1,5,6] k=[2,2] s=[2,2] autoPad=VALID ceilMode=1", 0, 0);
    });

    it("ceilMode with the padded input shorter than the dilated kernel: one window (ONNX formula)", () => {
      // in 2, k 4, s 2, pads [1, 0]: ceil((2 + 1 + 0 − 4)/2 + 1) = ceil(0.5) = 1; the window does not
      // start in the end padding (0 < 1 + 2), so it stays. It starts at −1: taps −1 (pad), 0, 1,
      // 2 (past the end) → y = max(x0, x1). ONNX's reference implementation and onnxruntime both
      // compute 1 here; pads 1 < span 4 is within the package's own pads rule.
      const x = fcn.tensor([-3, -2], [1, 1, 2]);
      const attrs: MaxPoolAttrs = { kernelShape: 4, strides: 2, pads: [1, 0], ceilMode: true };
      expect(maxPoolRef(x, attrs).shape).toEqual([1, 1, 1]);
      expectClose(fcn.maxPool(x, attrs as fcn.MaxPoolAttrs), { data: [-2], shape: [1, 1, 1] }, "maxPool x=[1,1,2] k=4 s=2 pads=[1,0] ceilMode", 0, 0);
      // 2-D, dilated (found by seed 8074): H in 3, k 3, d 3 (span 7), pads top 3 bottom 0, s 3:
      // ceil((3 + 3 − 7)/3 + 1) = 1 row of windows starting at −3: taps −3 (pad), 0, 3 (past the end).
      const x2 = randomTensor([1, 3, 3, 7], 8074, -1.5);
      const attrs2: MaxPoolAttrs = { kernelShape: [3, 4], strides: [3, 3], dilations: [3, 3], pads: [3, 3, 0, 6], ceilMode: true };
      const want2 = maxPoolRef(x2, attrs2);
      expect(want2.shape).toEqual([1, 3, 1, 3]);
      expectClose(fcn.maxPool(x2, attrs2 as fcn.MaxPoolAttrs), want2, "maxPool x=[1,3,3,7] k=[3,4] s=[3,3] d=[3,3] pads=[3,3,0,6] ceilMode", 0, 0);
    });

    for (const c of POOL_CASES) {
      it(c.name, () => {
        const x = randomTensor(c.xShape, c.seed, c.negative ? -1.5 : 0); // all-negative: values in [−2.5, −0.5)
        const before = snapshot(x);
        const got = fcn.maxPool(x, c.attrs as fcn.MaxPoolAttrs);
        expectUnchanged(x, before, c.name);
        const want = maxPoolRef(x, c.attrs);
        expectClose(got, want, c.name, 0, 0); // a max is one of the inputs: exact
        if (c.negative && got.data.some((v) => !(v < 0))) throw new Error(`${c.name}: a non-negative output from all-negative input (padding won)`);
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  it("outputs are fresh arrays that later calls do not touch", () => {
    // x [2, 2, 5, 6], k 2×3, s 1×2, pads top 0 left 1 bottom 1 right 0: grid 5×3, cols [2, 12, 15].
    const attrs = { kernelShape: [2, 3], strides: [1, 2], pads: [0, 1, 1, 0] };
    const ops: [string, number[], (x: fcn.Tensor) => fcn.Tensor][] = [
      ["im2col", [2, 2, 5, 6], (x) => fcn.im2col(x, attrs)],
      ["col2im", [2, 12, 15], (c) => fcn.col2im(c, { ...attrs, imageShape: [5, 6] })],
      ["maxPool", [2, 2, 5, 6], (x) => fcn.maxPool(x, attrs)],
    ];
    for (const [name, shape, op] of ops) {
      const x1 = randomTensor(shape, 11), x2 = randomTensor(shape, 12);
      const y1 = op(x1);
      const keep = new Float32Array(y1.data);
      expect(y1.data, name).not.toBe(x1.data);
      expect(y1.data.buffer, name).not.toBe(x1.data.buffer);
      expect(y1.data.byteOffset === 0 && y1.data.buffer.byteLength === y1.data.byteLength, `${name}: output owns its buffer`).toBe(true);
      const y2 = op(x2);
      expect(y2.data, name).not.toBe(y1.data);
      expect(Array.from(y2.data), `${name}: different inputs, same output?`).not.toEqual(Array.from(keep));
      expect(Array.from(y1.data), `${name}: an earlier output changed after another call`).toEqual(Array.from(keep));
    }
  });
});

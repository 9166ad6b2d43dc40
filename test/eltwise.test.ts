// relu, add, crop and tensor() against the plain-TS references in ref/eltwise.ts, on both builds.
// Each output element is one float32 operation, so every comparison is exact (NaN matches NaN).
// Sizes run across the 4-lane SIMD body and its scalar tail; add covers equal shapes, scalars,
// row/column broadcast, rank mismatch and size-1 axes in the middle; inputs are never mutated and
// outputs are fresh. Case names carry the shapes and the seed.
import { describe, expect, it, beforeAll } from "vitest";
import { BUILDS, expectClose, fcn, rng, randArray, randInt, useBuild } from "./lib.js";
import { addRef, broadcastShape, cropRef, reluRef } from "./ref/eltwise.js";

const show = (v: readonly number[]): string => `[${v.join(",")}]`;
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function randomTensor(shape: number[], seed: number): fcn.Tensor {
  return fcn.tensor(randArray(rng(seed), size(shape)), shape);
}
function snapshot(t: fcn.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.data).buffer);
}
function expectUnchanged(t: fcn.Tensor, before: Uint32Array, what: string): void {
  const now = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  for (let i = 0; i < before.length; i++) if (now[i] !== before[i]) throw new Error(`${what}: input element ${i} was modified`);
}

/** Values a float kernel can get wrong: NaN, signed zeros, infinities, denormals, extremes. */
const SPECIALS = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 3.4028235e38, -3.4028235e38, 1, -1];

// ---------------------------------------------------------------------------------------------
// relu cases: lengths 0…37 (every SIMD tail) and a large one, with specials sprinkled in

interface ReluCase { name: string; seed: number; shape: number[] }
const RELU_CASES: ReluCase[] = [
  ...Array.from({ length: 38 }, (_, n) => ({ shape: [n], seed: 10 + n })),
  { shape: [2, 3, 17, 9], seed: 60 }, { shape: [1, 0, 4], seed: 61 }, { shape: [], seed: 62 }, { shape: [3, 1000], seed: 63 },
].map((c) => ({ ...c, name: `relu x=${show(c.shape)} seed=${c.seed}` }));

function reluInput(c: ReluCase): fcn.Tensor {
  const r = rng(c.seed);
  const data = randArray(r, size(c.shape));
  for (let i = 0; i < data.length; i++) if (r() < 0.25) data[i] = SPECIALS[randInt(r, 0, SPECIALS.length - 1)];
  return fcn.tensor(data, c.shape);
}

// ---------------------------------------------------------------------------------------------
// add cases

interface AddCase { name: string; seed: number; aShape: number[]; bShape: number[] }
const ADD_FIXED: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]], [[37], [37]], [[], [5, 7]], [[5, 7], []], [[1], [6, 5]], [[3, 17], [17]],
  [[17], [3, 17]], [[4, 1], [4, 9]], [[4, 9], [4, 1]], [[3, 1], [1, 5]], [[2, 1, 4], [2, 3, 4]],
  [[2, 3, 4], [2, 1, 4]], [[4], [2, 3, 4]], [[2, 1, 3, 1], [1, 4, 1, 5]], [[3, 1, 1, 6], [2, 5, 1]],
  [[1, 1], [1, 1]], [[], []], [[2, 5, 1, 7], [2, 5, 3, 7]], [[1, 3, 1, 10], [2, 1, 6, 1]], [[0, 3], [3]],
];

/** A random output shape, then each operand a suffix of it with some axes set to 1. */
function addCase(seed: number): AddCase {
  const r = rng(seed);
  const rank = randInt(r, 0, 4);
  const out = Array.from({ length: rank }, () => (r() < 0.2 ? 1 : randInt(r, 2, 9)));
  const operand = (): number[] => out.slice(randInt(r, 0, rank)).map((d) => (r() < 0.3 ? 1 : d));
  const aShape = operand(), bShape = operand();
  return { name: `add a=${show(aShape)} b=${show(bShape)} seed=${seed}`, seed, aShape, bShape };
}
const ADD_CASES: AddCase[] = [
  ...ADD_FIXED.map(([aShape, bShape], i) => ({ name: `add a=${show(aShape)} b=${show(bShape)} seed=${200 + i}`, seed: 200 + i, aShape, bShape })),
  ...Array.from({ length: 60 }, (_, i) => addCase(300 + i)),
];

// ---------------------------------------------------------------------------------------------
// crop cases

interface CropCase { name: string; seed: number; xShape: number[]; offsets: number[]; shape: number[] }
function cropCase(seed: number, rank: 1 | 2 | 3): CropCase {
  const r = rng(seed);
  const image = Array.from({ length: rank }, () => randInt(r, 1, rank === 3 ? 7 : 13));
  const shape = image.map((n) => randInt(r, 1, n));
  const offsets = image.map((n, i) => randInt(r, 0, n - shape[i]));
  const xShape = [randInt(r, 1, 2), randInt(r, 1, 3), ...image];
  return { name: `crop rank${rank} x=${show(xShape)} offsets=${show(offsets)} shape=${show(shape)} seed=${seed}`, seed, xShape, offsets, shape };
}
const CROP_CASES = [...Array.from({ length: 20 }, (_, i) => cropCase(400 + i, 1)), ...Array.from({ length: 40 }, (_, i) => cropCase(500 + i, 2)),
  ...Array.from({ length: 30 }, (_, i) => cropCase(600 + i, 3))];

describe("eltwise generators reach the required cases", () => {
  it("add", () => {
    const kinds = ADD_CASES.map((c) => {
      const out = broadcastShape(c.aShape, c.bShape);
      return {
        equal: show(c.aShape) === show(c.bShape) && size(out) > 1,
        scalar: c.aShape.length === 0 || c.bShape.length === 0,
        rankMismatch: c.aShape.length !== c.bShape.length,
        middleOne: [c.aShape, c.bShape].some((s) => s.slice(1, -1).includes(1) && size(out) > size(s)),
        bothBroadcast: size(c.aShape) < size(out) && size(c.bShape) < size(out),
      };
    });
    for (const key of ["equal", "scalar", "rankMismatch", "middleOne", "bothBroadcast"] as const) {
      expect(kinds.some((k) => k[key]), key).toBe(true);
    }
  });
  it("crop", () => {
    expect(CROP_CASES.some((c) => c.offsets.some((o) => o > 0) && c.shape.some((s, i) => s < c.xShape[2 + i]))).toBe(true);
    expect(CROP_CASES.some((c) => c.xShape[0] === 2)).toBe(true);
    // 3-D: cropped in depth from a front offset (slices before and after left out), and kept whole in depth
    expect(CROP_CASES.some((c) => c.xShape.length === 5 && c.offsets[0] > 0 && c.offsets[0] + c.shape[0] < c.xShape[2])).toBe(true);
    expect(CROP_CASES.some((c) => c.xShape.length === 5 && c.shape[0] === c.xShape[2] && c.xShape[2] > 1)).toBe(true);
  });
});

describe.each(BUILDS)("element-wise ops (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  describe("relu", () => {
    it("known answer: specials in the SIMD body and in the tail", () => {
      // 13 values: lanes 0…11 run four at a time, the 13th in the scalar tail; then shifted by 1,
      // so every special also lands in a different lane and in the tail.
      for (let shift = 0; shift < 4; shift++) {
        const vals = [...SPECIALS.slice(shift), ...SPECIALS.slice(0, shift)];
        const y = fcn.relu(fcn.tensor(vals, [vals.length]));
        vals.forEach((v, i) => {
          const g = y.data[i];
          const ok = Number.isNaN(v) ? Number.isNaN(g) : v > 0 ? g === Math.fround(v) : g === 0; // −0 → ±0 both accepted
          if (!ok) throw new Error(`relu(${Object.is(v, -0) ? "-0" : v}) = ${Object.is(g, -0) ? "-0" : g} (shift ${shift}, index ${i})`);
        });
      }
    });

    for (const c of RELU_CASES) {
      it(c.name, () => {
        const x = reluInput(c);
        const before = snapshot(x);
        const y = fcn.relu(x);
        expectUnchanged(x, before, c.name); // relu must not run in place on the caller's array
        expect(y.data).not.toBe(x.data);
        expectClose(y, reluRef(x), c.name, 0, 0);
      });
    }
  });

  describe("add", () => {
    it("known answer: [[1], [2]] + [10, 20, 30] = [[11, 21, 31], [12, 22, 32]]", () => {
      expectClose(fcn.add(fcn.tensor([1, 2], [2, 1]), fcn.tensor([10, 20, 30], [3])),
        { data: [11, 21, 31, 12, 22, 32], shape: [2, 3] }, "add known", 0, 0);
    });

    for (const c of ADD_CASES) {
      it(c.name, () => {
        const a = randomTensor(c.aShape, c.seed * 2 + 1), b = randomTensor(c.bShape, c.seed * 2 + 2);
        const sa = snapshot(a), sb = snapshot(b);
        const y = fcn.add(a, b);
        expectUnchanged(a, sa, `${c.name} (a)`);
        expectUnchanged(b, sb, `${c.name} (b)`);
        expectClose(y, addRef(a, b), c.name, 0, 0);
      });
    }

    it("specials: NaN and infinities propagate, −0 + −0 = −0", () => {
      const a = fcn.tensor([NaN, Infinity, -Infinity, Infinity, -0, 3.4028235e38, 1], [7]);
      const b = fcn.tensor([1, 1, 1, -Infinity, -0, 3.4028235e38, -1], [7]);
      const y = fcn.add(a, b);
      expectClose(y, addRef(a, b), "add specials", 0, 0);
      expect(Object.is(y.data[4], -0), "−0 + −0").toBe(true);
      expect(y.data[5]).toBe(Infinity); // float32 overflow
    });

    it("shapes that do not broadcast: ShapeError", () => {
      for (const [s, t] of [[[3], [4]], [[2, 3], [3, 2]], [[2, 1, 4], [3, 5]]]) {
        expect(() => fcn.add(randomTensor(s, 1), randomTensor(t, 2)), `${show(s)} + ${show(t)}`).toThrow(fcn.ShapeError);
      }
    });
  });

  describe("crop", () => {
    it("known answer: 4×5 image 0…19, offsets [1, 2], shape [2, 3]", () => {
      //  0  1  2  3  4
      //  5  6 [7  8  9]      rows 1…2, columns 2…4
      // 10 11 [12 13 14]
      // 15 16 17 18 19
      const x = fcn.tensor(Array.from({ length: 20 }, (_, i) => i), [1, 1, 4, 5]);
      expectClose(fcn.crop(x, { offsets: [1, 2], shape: [2, 3] }), { data: [7, 8, 9, 12, 13, 14], shape: [1, 1, 2, 3] }, "crop known", 0, 0);
      expectClose(fcn.crop(fcn.tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]), { offsets: 1, shape: 2 }), { data: [1, 2, 4, 5], shape: [1, 2, 2] }, "crop 1-D known", 0, 0);
    });

    for (const c of CROP_CASES) {
      it(c.name, () => {
        const x = randomTensor(c.xShape, c.seed);
        const before = snapshot(x);
        const y = fcn.crop(x, { offsets: c.offsets, shape: c.shape });
        expectUnchanged(x, before, c.name);
        expectClose(y, cropRef(x, c.offsets, c.shape), c.name, 0, 0);
      });
    }

    it("a crop past the edge: ShapeError", () => {
      const x = randomTensor([1, 2, 4, 5], 1);
      expect(() => fcn.crop(x, { offsets: [1, 3], shape: [2, 3] })).toThrow(fcn.ShapeError);
      expect(() => fcn.crop(x, { offsets: [3, 0], shape: [2, 1] })).toThrow(fcn.ShapeError);
      expect(() => fcn.crop(randomTensor([1, 1, 4], 2), { offsets: [2], shape: [3] })).toThrow(fcn.ShapeError);
    });
  });

  it("outputs are fresh arrays that later calls do not touch", () => {
    const ops: [string, (s: number) => fcn.Tensor][] = [
      ["relu", (s) => fcn.relu(randomTensor([3, 11], s))],
      ["add", (s) => fcn.add(randomTensor([3, 11], s), randomTensor([11], s + 1))],
      ["crop", (s) => fcn.crop(randomTensor([1, 2, 6, 7], s), { offsets: [1, 2], shape: [4, 3] })],
    ];
    for (const [name, op] of ops) {
      const y1 = op(1);
      const keep = new Float32Array(y1.data);
      expect(y1.data.byteOffset === 0 && y1.data.buffer.byteLength === y1.data.byteLength, `${name}: output owns its buffer`).toBe(true);
      const y2 = op(10);
      expect(y2.data, name).not.toBe(y1.data);
      expect(Array.from(y2.data)).not.toEqual(Array.from(keep));
      expect(Array.from(y1.data), `${name}: an earlier output changed after another call`).toEqual(Array.from(keep));
    }
  });
});

describe("tensor()", () => {
  it("copies a plain array into a new Float32Array", () => {
    const src = [1, 2.5, -3, 4, 5, 6];
    const t = fcn.tensor(src, [2, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual(src);
    expect(t.shape).toEqual([2, 3]);
    src[0] = 99; // the tensor holds its own copy
    expect(t.data[0]).toBe(1);
    expect(Array.from(fcn.tensor([0.1], [1]).data)).toEqual([Math.fround(0.1)]); // rounded to float32
  });

  it("uses a Float32Array as given, and converts other array-likes", () => {
    const f = new Float32Array([1, 2, 3, 4]);
    expect(fcn.tensor(f, [4]).data).toBe(f);
    const d = fcn.tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
    expect(d.data).toBeInstanceOf(Float32Array);
    expect(Array.from(d.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(fcn.tensor({ length: 2, 0: 7, 1: 8 } as ArrayLike<number>, [2]).data)).toEqual([7, 8]);
  });

  it("shapes [] (one element) and with a 0 axis (no elements)", () => {
    expect(fcn.tensor([42], []).shape).toEqual([]);
    expect(fcn.tensor([], [3, 0]).data.length).toBe(0);
  });

  it("the shape is the caller's copy", () => {
    const shape = [2, 2];
    const t = fcn.tensor([1, 2, 3, 4], shape);
    shape[0] = 4;
    expect(t.shape).toEqual([2, 2]);
  });

  it.each([
    [[1, 2, 3], [2, 2]], [[1, 2, 3, 4, 5], [2, 2]], [[], [1]], [[1, 2], []], [[1], [0]],
  ])("rejects data of the wrong length: %j for shape %j", (data, shape) => {
    expect(() => fcn.tensor(data, shape)).toThrow(fcn.ShapeError);
    expect(() => fcn.tensor(new Float32Array(data), shape)).toThrow(fcn.ShapeError);
  });

  it("rejects shapes with negative or fractional dimensions", () => {
    expect(() => fcn.tensor([1, 2], [-1, -2])).toThrow(fcn.ShapeError);
    expect(() => fcn.tensor([1, 2], [2.5])).toThrow(fcn.ShapeError);
  });
});

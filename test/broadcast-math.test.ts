// The broadcasting elementwise ops (sub, mul, div, pow, add; sum, max, min over 1–4 inputs) and
// the unary math ops (sqrt, exp, neg, abs) against the plain-TS definitions in
// ref/broadcast-math.ts on randomized broadcastable shapes (fast-check: ranks 0–4, size-1 axes
// anywhere, operands of lower rank); each output element is one float64 formula rounded once, so
// forward comparisons are exact (NaN matches NaN). Backward: central finite differences of the
// unrounded float64 definition; Max/Min's tie rule and Pow's conventions at a = 0 / b = 0 are
// checked one by one; typed errors for shapes that do not broadcast; inputs never change.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { fcn, rng, useBuild } from "./lib.js";
import { DEFINITIONS, broadcastRef } from "./ref/broadcast-math.js";
import type { Tensor } from "../dist/index.js";

const { ShapeError } = fcn;
const show = (s: readonly number[]): string => `[${s.join(",")}]`;
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** n operand shapes that broadcast to a common shape: a suffix of `out` each, some axes set to 1. */
const broadcastable = (n: number) => fc.record({
  out: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }),
  drops: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
  ones: fc.array(fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), { minLength: n, maxLength: n }),
  seed: fc.integer({ min: 1, max: 1e9 }),
}).map(({ out, drops, ones, seed }) => ({
  shapes: drops.map((d, k) => out.slice(Math.min(d, out.length)).map((v, i) => (ones[k][i] ? 1 : v))),
  seed,
}));

/** A tensor of `shape` with values uniform in [lo, hi). */
function uniform(shape: number[], r: () => number, lo = -2, hi = 2): Tensor {
  return fcn.tensor(Float32Array.from({ length: size(shape) }, () => lo + (hi - lo) * r()), shape);
}

function expectExact(got: Tensor, want: { data: ArrayLike<number>; shape: number[] }, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i], w = Math.fround(want.data[i]);
    if (!(Object.is(g, w) || (g === w) || (Number.isNaN(g) && Number.isNaN(w)))) throw new Error(`${what}: element ${i} is ${g}, expected ${w}`);
  }
}

function snapshot(ts: Tensor[]): Float32Array[] { return ts.map((t) => Float32Array.from(t.data)); }
function expectUnchanged(ts: Tensor[], before: Float32Array[], what: string): void {
  ts.forEach((t, k) => expect(Array.from(t.data), `${what}: input ${k} changed`).toEqual(Array.from(before[k])));
}

/** Operand value ranges per op: Div keeps b away from 0, Pow keeps bases positive (finite differences need a smooth point). */
const RANGES: Record<string, [number, number][]> = {
  Add: [[-2, 2], [-2, 2]], Sub: [[-2, 2], [-2, 2]], Mul: [[-2, 2], [-2, 2]],
  Div: [[-2, 2], [0.5, 2]], Pow: [[0.5, 2], [-2, 2]],
};
const BINARY = {
  Add: { f: fcn.add, back: (dy: Tensor, a: Tensor, b: Tensor) => fcn.addBackward(dy, a.shape, b.shape) },
  Sub: { f: fcn.sub, back: (dy: Tensor, a: Tensor, b: Tensor) => fcn.subBackward(dy, a.shape, b.shape) },
  Mul: { f: fcn.mul, back: fcn.mulBackward },
  Div: { f: fcn.div, back: fcn.divBackward },
  Pow: { f: fcn.pow, back: fcn.powBackward },
} as const;
const VARIADIC = {
  Sum: { f: fcn.sum, back: (dy: Tensor, xs: Tensor[]) => fcn.sumBackward(dy, xs.map((x) => x.shape)) },
  Max: { f: fcn.max, back: fcn.maxBackward },
  Min: { f: fcn.min, back: fcn.minBackward },
} as const;
const UNARY = {
  Sqrt: { f: fcn.sqrt, back: fcn.sqrtBackward, range: [0.25, 4] },
  Exp: { f: fcn.exp, back: fcn.expBackward, range: [-3, 3] },
  Neg: { f: fcn.neg, back: fcn.negBackward, range: [-2, 2] },
  Abs: { f: fcn.abs, back: fcn.absBackward, range: [-2, 2] },
} as const;

/**
 * Checks grads[k] = ∂/∂xs[k] Σ dir·f(xs) by central differences of the float64 definition at a
 * few entries of each input (all of them for small inputs).
 */
function expectGradients(op: string, xs: Tensor[], dir: Tensor, grads: Tensor[], what: string, h = 1e-4): void {
  const f = DEFINITIONS[op];
  const copies = xs.map((x) => ({ data: Float64Array.from(x.data), shape: x.shape }));
  const loss = (): number => {
    const y = broadcastRef(copies, f, false).data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * dir.data[i];
    return s;
  };
  copies.forEach((c, k) => {
    expect(grads[k].shape, `${what}: gradient ${k}'s shape`).toEqual(xs[k].shape);
    for (let i = 0; i < c.data.length; i++) {
      const keep = c.data[i];
      c.data[i] = keep + h; const plus = loss();
      c.data[i] = keep - h; const minus = loss();
      c.data[i] = keep;
      const fd = (plus - minus) / (2 * h), g = grads[k].data[i];
      if (!(Math.abs(fd - g) <= 1e-3 + 1e-3 * Math.abs(fd))) throw new Error(`${what}: d/dx${k}[${i}] is ${g}, finite difference ${fd}`);
    }
  });
}

beforeAll(() => useBuild("simd")); // add runs a wasm kernel; the others are plain JS

describe("binary broadcasting ops against their definitions", () => {
  for (const [op, { f, back }] of Object.entries(BINARY)) {
    it(`${op}: forward exact and gradients by finite differences over random broadcastable shapes`, () => {
      fc.assert(fc.property(broadcastable(2), ({ shapes: [sa, sb], seed }) => {
        const r = rng(seed);
        const [ra, rb] = RANGES[op];
        const a = uniform(sa, r, ...ra), b = uniform(sb, r, ...rb);
        const what = `${op} a=${show(sa)} b=${show(sb)} seed=${seed}`;
        const before = snapshot([a, b]);
        const y = f(a, b);
        expectExact(y, broadcastRef([a, b], DEFINITIONS[op]), what);
        const dir = uniform(y.shape.slice(), r);
        const { da, db } = back(dir, a, b);
        expectGradients(op, [a, b], dir, [da, db], what);
        expectUnchanged([a, b], before, what);
      }), { numRuns: 60, seed: 17 });
    });
  }

  it("special values: division by ±0, pow of negative bases, NaN through every op", () => {
    const a = fcn.tensor([1, -1, 0, NaN, -8, 2, -2, 0], [8]);
    const b = fcn.tensor([0, -0, 0, 1, 1 / 3, NaN, 3, -1], [8]);
    for (const [op, { f }] of Object.entries(BINARY)) expectExact(f(a, b), broadcastRef([a, b], DEFINITIONS[op]), `${op} specials`);
    expect(Array.from(fcn.div(a, b).data.slice(0, 3))).toEqual([Infinity, Infinity, NaN]);
    expect(Array.from(fcn.pow(a, b).data)).toEqual([1, 1, 1, NaN, NaN, NaN, -8, Infinity]) // (−1)^(−0) = 1;
  });

  it("pow's gradient conventions: da = 0 where b = 0, db = 0 where a = 0 and b ≥ 0, db NaN for a < 0", () => {
    const a = fcn.tensor([0, 0, 2, -2, 0], [5]), b = fcn.tensor([0, 2, 0, 2, -1], [5]);
    const { da, db } = fcn.powBackward(fcn.tensor([1, 1, 1, 1, 1], [5]), a, b);
    expect(Array.from(da.data)).toEqual([0, 0, 0, -4, -Infinity]); // the last: b·a^(b−1) = −1·0⁻²
    expect(Array.from(db.data)).toEqual([0, 0, Math.fround(Math.LN2), NaN, -Infinity]); // the last: 0⁻¹·ln 0 = ∞·(−∞)
  });

  it("a scalar against a tensor, and zero-size shapes", () => {
    const x = fcn.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(fcn.sub(fcn.tensor([10], []), x).data)).toEqual([9, 8, 7, 6, 5, 4]);
    expect(fcn.mul(fcn.tensor([], [0, 3]), fcn.tensor([1, 2, 3], [3])).shape).toEqual([0, 3]);
    expect(fcn.mulBackward(fcn.tensor([], [0, 3]), fcn.tensor([], [0, 3]), fcn.tensor([1, 2, 3], [3])).db.data).toEqual(new Float32Array(3));
  });

  it("typed errors: shapes that do not broadcast (naming the op and both shapes), a dy of the wrong shape", () => {
    const a = fcn.tensor(new Float32Array(6), [2, 3]), b = fcn.tensor(new Float32Array(4), [4]);
    for (const [op, { f }] of Object.entries(BINARY)) {
      expect(() => f(a, b), op).toThrow(ShapeError);
      expect(() => f(a, b), op).toThrow(new RegExp(`${op.toLowerCase()}: shapes \\[2, 3\\] and \\[4\\] do not broadcast`));
    }
    const dy = fcn.tensor(new Float32Array(3), [3]);
    expect(() => fcn.mulBackward(dy, a, a)).toThrow(/mulBackward\(dy\): expected \[2, 3\]/);
    expect(() => fcn.subBackward(dy, [2, 3], [4])).toThrow(ShapeError);
    expect(() => fcn.divBackward(dy, a, b)).toThrow(/divBackward: shapes \[2, 3\] and \[4\] do not broadcast/);
  });
});

describe("variadic Sum, Max, Min", () => {
  for (const [op, { f, back }] of Object.entries(VARIADIC)) {
    it(`${op}: 1–4 inputs, forward exact, gradients by finite differences`, () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 4 }).chain((n) => broadcastable(n)), ({ shapes, seed }) => {
        const r = rng(seed);
        const xs = shapes.map((s) => uniform(s, r));
        const what = `${op} ${shapes.map(show).join(" ")} seed=${seed}`;
        const before = snapshot(xs);
        const y = f(...xs);
        expectExact(y, broadcastRef(xs, DEFINITIONS[op]), what);
        const dir = uniform(y.shape.slice(), r);
        const grads = back(dir, xs);
        expectGradients(op, xs, dir, grads, what);
        expectUnchanged(xs, before, what);
      }), { numRuns: 50, seed: 23 });
    });
  }

  it("Max/Min ties: the whole gradient goes to the first input holding the extreme; NaN propagates and takes it", () => {
    const a = fcn.tensor([1, 5, NaN], [3]), b = fcn.tensor([1, 5, 2], [3]), c = fcn.tensor([0, 5, NaN], [3]);
    const dy = fcn.tensor([1, 2, 3], [3]);
    expect(Array.from(fcn.max(a, b, c).data)).toEqual([1, 5, NaN]);
    expect(fcn.maxBackward(dy, [a, b, c]).map((g) => Array.from(g.data))).toEqual([[1, 2, 3], [0, 0, 0], [0, 0, 0]]);
    expect(fcn.minBackward(dy, [b, a, c]).map((g) => Array.from(g.data))).toEqual([[0, 2, 0], [0, 0, 3], [1, 0, 0]]);
    expect(Object.is(fcn.max(fcn.tensor([-0], [1]), fcn.tensor([0], [1])).data[0], -0)).toBe(true); // ±0 tie: the first
    expect(Object.is(fcn.min(fcn.tensor([0], [1]), fcn.tensor([-0], [1])).data[0], 0)).toBe(true);
    // broadcast: one scalar against a row that ties with it twice
    const s = fcn.tensor([2], []), row = fcn.tensor([2, 1, 2], [3]);
    expect(fcn.maxBackward(dy, [s, row]).map((g) => Array.from(g.data))).toEqual([[1 + 2 + 3], [0, 0, 0]]);
    expect(fcn.maxBackward(dy, [row, s]).map((g) => Array.from(g.data))).toEqual([[1, 0, 3], [2]]);
  });

  it("typed errors: no inputs, shapes that do not broadcast, a dy of the wrong shape", () => {
    expect(() => fcn.sum()).toThrow(/sum: expected at least one tensor/);
    const a = fcn.tensor(new Float32Array(6), [2, 3]), b = fcn.tensor(new Float32Array(2), [2]);
    expect(() => fcn.max(a, a, b)).toThrow(ShapeError);
    expect(() => fcn.min(a, b)).toThrow(/min: shapes \[2, 3\] and \[2\] do not broadcast/);
    expect(() => fcn.sumBackward(fcn.tensor(new Float32Array(6), [3, 2]), [[2, 3], [3]])).toThrow(/sumBackward\(dy\): expected \[2, 3\]/);
    expect(() => fcn.maxBackward(fcn.tensor(new Float32Array(6), [2, 3]), [a, b])).toThrow(ShapeError);
  });
});

describe("unary math ops", () => {
  for (const [op, { f, back, range }] of Object.entries(UNARY)) {
    it(`${op}: forward exact (specials included), gradient by finite differences`, () => {
      fc.assert(fc.property(broadcastable(1), ({ shapes: [s], seed }) => {
        const r = rng(seed);
        const x = uniform(s, r, range[0], range[1]);
        const what = `${op} x=${show(s)} seed=${seed}`;
        const before = snapshot([x]);
        expectExact(f(x), broadcastRef([x], DEFINITIONS[op]), what);
        const dir = uniform(s, r);
        expectGradients(op, [x], dir, [back(dir, x)], what);
        expectUnchanged([x], before, what);
      }), { numRuns: 30, seed: 29 });
      const specials = fcn.tensor([NaN, -0, 0, Infinity, -Infinity, -1, 1e-45, 3.4028235e38], [8]);
      expectExact(f(specials), broadcastRef([specials], DEFINITIONS[op]), `${op} specials`);
      expect(() => back(fcn.tensor([1], [1]), specials)).toThrow(ShapeError);
    });
  }

  it("abs′(0) = 0, sqrt′(0) = ∞, neg′ = −1", () => {
    const x = fcn.tensor([0, -3, 0], [3]), dy = fcn.tensor([1, 1, 1], [3]);
    expect(Array.from(fcn.absBackward(dy, x).data)).toEqual([0, -1, 0]);
    expect(fcn.sqrtBackward(dy, x).data[0]).toBe(Infinity);
    expect(Array.from(fcn.negBackward(dy, x).data)).toEqual([-1, -1, -1]);
  });
});

// maxPoolBackward against a plain-TS reference (each window hands its dy to its first maximum,
// windows adding up where they overlap; NaN counts as largest) on 1-D, 2-D and 3-D windows, and
// against central finite differences of maxPool itself.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { maxPoolRef, poolAxis, type MaxPoolAttrs } from "./ref/window-ops.js";
import { expectIeee, sprinkle } from "./special.js";

/**
 * dx of max pooling on x [N, C, D, H, W] (ranks 1 and 2 run with leading axes of size 1): each
 * window hands its dy to its first tap in (kd, kh, kw) order holding the largest value (NaN
 * counting as largest, as the forward's max propagates it).
 */
function maxPoolBackwardRef(dy: Float32Array, x: Float32Array, shape: number[], attrs: MaxPoolAttrs & { kernelShape: number[] }): Float64Array {
  const rank = shape.length - 2;
  const perAxis = (v: number | readonly number[] | undefined, n: number, fill: number): number[] =>
    v === undefined ? new Array(n).fill(fill) : typeof v === "number" ? new Array(n).fill(v) : [...v];
  const lift = (a: number[], one: number) => [...new Array(3 - rank).fill(one), ...a];
  const [N, C] = shape;
  const [D, H, W] = lift(shape.slice(2), 1);
  const k = lift(perAxis(attrs.kernelShape, rank, 1), 1), s = lift(perAxis(attrs.strides, rank, 1), 1), d = lift(perAxis(attrs.dilations, rank, 1), 1);
  const pads = perAxis(attrs.pads, 2 * rank, 0);
  const pb = lift(pads.slice(0, rank), 0), pe = lift(pads.slice(rank), 0);
  const ceil = !!attrs.ceilMode;
  const [az, ah, aw] = [D, H, W].map((n, i) => poolAxis(n, k[i], s[i], d[i], pb[i], pe[i], "NOTSET", ceil));
  const dx = new Float64Array(x.length);
  let o = 0;
  for (let p = 0; p < N * C; p++) for (let od = 0; od < az.out; od++) for (let oh = 0; oh < ah.out; oh++) for (let ow = 0; ow < aw.out; ow++, o++) {
    let best = -Infinity, arg = -1;
    for (let kd = 0; kd < k[0]; kd++) for (let kh = 0; kh < k[1]; kh++) for (let kw = 0; kw < k[2]; kw++) {
      const id = od * s[0] - az.pBegin + kd * d[0], ih = oh * s[1] - ah.pBegin + kh * d[1], iw = ow * s[2] - aw.pBegin + kw * d[2];
      if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const i = ((p * D + id) * H + ih) * W + iw; // first strictly larger value wins, so ties go to the first tap;
      if (arg < 0 || x[i] > best || (Number.isNaN(x[i]) && !Number.isNaN(best))) { best = x[i]; arg = i; } // the first NaN beats any number
    }
    if (arg >= 0) dx[arg] += dy[o];
  }
  return dx;
}

describe.each(BUILDS)("maxPoolBackward (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  // seeds 1–24 draw rank 1 or 2, seeds 25–44 rank 3 (smaller sizes)
  for (let seed = 1; seed <= 44; seed++) {
    const r = rng(seed * 101);
    const rank = seed <= 24 ? randInt(r, 1, 2) : 3;
    const k = Array.from({ length: rank }, () => randInt(r, 1, 4));
    const s = Array.from({ length: rank }, () => randInt(r, 1, 3));
    const d = Array.from({ length: rank }, () => (r() < 0.3 ? 2 : 1));
    const pads = [...k.map((kk, i) => randInt(r, 0, d[i] * (kk - 1))), ...k.map((kk, i) => randInt(r, 0, d[i] * (kk - 1)))];
    const shape = [randInt(r, 1, 2), randInt(r, 1, 3), ...k.map((kk, i) => randInt(r, d[i] * (kk - 1) + 1, rank === 3 ? 7 : 9))];
    const attrs = { kernelShape: k, strides: s, dilations: d, pads, ceilMode: r() < 0.5 };
    it(`x=${shape.join("x")} k=${k} s=${s} d=${d} p=${pads} ceil=${attrs.ceilMode} seed=${seed}`, () => {
      const x = fcn.tensor(randArray(r, shape.reduce((a, b) => a * b, 1)), shape);
      const y = fcn.maxPool(x, attrs);
      const dy = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
      const dx = fcn.maxPoolBackward(dy, x, attrs);
      expectClose(dx, { data: maxPoolBackwardRef(dy.data, x.data, shape, attrs), shape }, `maxPoolBackward seed=${seed}`, 1e-6, 1e-6);
      // finite differences of L = ⟨maxPool(x), dy⟩ at a few inputs (random floats: no ties)
      for (let t = 0; t < 5; t++) {
        const i = randInt(r, 0, x.data.length - 1);
        const h = 1e-3;
        const plus = Float32Array.from(x.data), minus = Float32Array.from(x.data);
        plus[i] += h; minus[i] -= h;
        const L = (v: Float32Array) => {
          const out = fcn.maxPool(fcn.tensor(v, shape), attrs).data;
          let acc = 0;
          for (let j = 0; j < out.length; j++) acc += out[j] * dy.data[j];
          return acc;
        };
        const fd = (L(plus) - L(minus)) / (2 * h);
        expect(Math.abs(fd - dx.data[i])).toBeLessThan(2e-2 * (1 + Math.abs(dx.data[i])));
      }
    });
  }

  it("NaN and ±∞ in x (1-D to 3-D, with and without ceilMode): y as the reference; dy goes to the first NaN, else the first maximum", () => {
    for (let seed = 0; seed < 30; seed++) {
      const r = rng(0xbad0 + seed), rank = 1 + (seed % 3);
      const k = Array.from({ length: rank }, () => randInt(r, 1, 3)), s = Array.from({ length: rank }, () => randInt(r, 1, 2));
      const pads = [...k, ...k].map((kk) => randInt(r, 0, kk - 1));
      const shape = [randInt(r, 1, 2), randInt(r, 1, 2), ...k.map((kk) => randInt(r, kk, rank === 3 ? 5 : 8))];
      const attrs = { kernelShape: k, strides: s, pads, ceilMode: r() < 0.5 };
      const x = sprinkle(r, randArray(r, shape.reduce((a, b) => a * b, 1)), randInt(r, 1, 4));
      const xt = fcn.tensor(x, shape), y = fcn.maxPool(xt, attrs);
      expectIeee(y, maxPoolRef({ data: x, shape }, attrs), `forward seed=${seed} x=${shape} ${JSON.stringify(attrs)}`, 0, 0);
      const dy = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
      expectClose(fcn.maxPoolBackward(dy, xt, attrs), { data: maxPoolBackwardRef(dy.data, x, shape, attrs), shape }, `seed=${seed} x=${shape} ${JSON.stringify(attrs)}`, 1e-6, 1e-6);
    }
  });

  it("3-D by hand: ties to the first tap in (kd, kh, kw) order, a NaN wins, all −∞ goes to the first tap", () => {
    // x [1, 1, 2, 2, 2], one 2×2×2 window
    const dx = (values: number[]) => Array.from(fcn.maxPoolBackward(fcn.tensor([5], [1, 1, 1, 1, 1]), fcn.tensor(values, [1, 1, 2, 2, 2]), { kernelShape: 2 }).data);
    expect(dx([0, 1, 3, 2, 1, 3, 0, 3])).toEqual([0, 0, 5, 0, 0, 0, 0, 0]); // 3 at (0,1,0), (1,0,1), (1,1,1): the first
    expect(dx([0, 1, 3, 2, 1, 3, NaN, NaN])).toEqual([0, 0, 0, 0, 0, 0, 5, 0]); // the first NaN, in the second depth slice
    expect(dx(new Array(8).fill(-Infinity))).toEqual([5, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(fcn.maxPool(fcn.tensor([0, 1, 3, 2, 1, 3, NaN, 4], [1, 1, 2, 2, 2]), { kernelShape: 2 }).data)).toEqual([NaN]);
    expect(Array.from(fcn.maxPool(fcn.tensor(new Array(8).fill(-Infinity), [1, 1, 2, 2, 2]), { kernelShape: [1, 2, 2], strides: [1, 2, 2] }).data)).toEqual([-Infinity, -Infinity]);
  });

  it("ties go to the first tap and overlapping windows add up (worked by hand)", () => {
    // x = [3, 3, 1, 3], k=2, s=1: windows [3,3]→index 0, [3,1]→index 1, [1,3]→index 3.
    // dy = [1, 10, 100] → dx = [1, 10, 0, 100].
    const dx = fcn.maxPoolBackward(fcn.tensor([1, 10, 100], [1, 1, 3]), fcn.tensor([3, 3, 1, 3], [1, 1, 4]), { kernelShape: 2 });
    expect(Array.from(dx.data)).toEqual([1, 10, 0, 100]);
  });

  it("rejects a dy whose shape is not maxPool's output", () => {
    const x = fcn.tensor(new Float32Array(16), [1, 1, 4, 4]);
    expect(() => fcn.maxPoolBackward(fcn.tensor(new Float32Array(4), [1, 1, 4, 1]), x, { kernelShape: 2, strides: 2 }))
      .toThrow(/maxPoolBackward\(dy\): expected \[1, 1, 2, 2\]/);
  });
});

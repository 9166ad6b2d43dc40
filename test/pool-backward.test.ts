// maxPoolBackward against a plain-TS reference (each window hands its dy to its first maximum,
// windows adding up where they overlap) and against central finite differences of maxPool itself.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { poolAxis, type MaxPoolAttrs } from "./ref/window-ops.js";

/** dx of max pooling on rank-2 input [N, C, H, W] (rank 1 runs as H = 1). */
function maxPoolBackwardRef(dy: Float32Array, x: Float32Array, shape: number[], attrs: MaxPoolAttrs & { kernelShape: number[] }): Float64Array {
  const rank = shape.length - 2;
  const two = (v: number | readonly number[] | undefined, fill: number): number[] => {
    const a = v === undefined ? new Array(rank).fill(fill) : typeof v === "number" ? new Array(rank).fill(v) : [...v];
    return rank === 2 ? a : [fill === 0 ? 0 : 1, a[0]];
  };
  const [N, C] = shape;
  const [H, W] = rank === 2 ? shape.slice(2) : [1, shape[2]];
  const k = two(attrs.kernelShape, 1), s = two(attrs.strides, 1), d = two(attrs.dilations, 1);
  const padsList = attrs.pads === undefined ? new Array(2 * rank).fill(0) : typeof attrs.pads === "number" ? new Array(2 * rank).fill(attrs.pads) : [...attrs.pads];
  const pb = rank === 2 ? padsList.slice(0, 2) : [0, padsList[0]], pe = rank === 2 ? padsList.slice(2) : [0, padsList[1]];
  const ceil = !!attrs.ceilMode;
  const ah = poolAxis(H, k[0], s[0], d[0], pb[0], pe[0], "NOTSET", ceil), aw = poolAxis(W, k[1], s[1], d[1], pb[1], pe[1], "NOTSET", ceil);
  const dx = new Float64Array(x.length);
  let o = 0;
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < ah.out; oh++) for (let ow = 0; ow < aw.out; ow++, o++) {
    let best = -Infinity, arg = -1;
    for (let kh = 0; kh < k[0]; kh++) for (let kw = 0; kw < k[1]; kw++) {
      const ih = oh * s[0] - ah.pBegin + kh * d[0], iw = ow * s[1] - aw.pBegin + kw * d[1];
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const i = (p * H + ih) * W + iw; // first strictly larger value wins, so ties go to the first tap
      if (arg < 0 || x[i] > best) { best = x[i]; arg = i; }
    }
    if (arg >= 0) dx[arg] += dy[o];
  }
  return dx;
}

describe.each(BUILDS)("maxPoolBackward (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (let seed = 1; seed <= 24; seed++) {
    const r = rng(seed * 101);
    const rank = randInt(r, 1, 2);
    const k = Array.from({ length: rank }, () => randInt(r, 1, 4));
    const s = Array.from({ length: rank }, () => randInt(r, 1, 3));
    const d = Array.from({ length: rank }, () => (r() < 0.3 ? 2 : 1));
    const pads = [...k.map((kk, i) => randInt(r, 0, d[i] * (kk - 1))), ...k.map((kk, i) => randInt(r, 0, d[i] * (kk - 1)))];
    const shape = [randInt(r, 1, 2), randInt(r, 1, 3), ...k.map((kk, i) => randInt(r, d[i] * (kk - 1) + 1, 9))];
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

// split and splitBackward: each piece against the definition (x[…, offset : offset + size, …] via
// test/ref/data-movement.ts's sliceRef) over random ranks, axes and sizes (empty pieces too), the
// num_outputs rule (⌈n / k⌉, last smaller); backward = the pieces' gradients joined (null pieces
// zero), checked by the adjoint identity; typed errors; caller arrays untouched.
import { describe, expect, it } from "vitest";
import { expectClose, fcn, randArray, randInt, rng } from "./lib.js";
import { sliceRef } from "./ref/data-movement.js";
const { ShapeError, AttributeError, split, splitBackward } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

describe("split", () => {
  it("each piece is the slice at its offset, on 200 random cases (rank 1–4, negative axes, sizes with zeros, piece counts)", () => {
    const r = rng(31);
    for (let k = 0; k < 200; k++) {
      const rank = randInt(r, 1, 4);
      const shape = Array.from({ length: rank }, () => randInt(r, 1, 7));
      const axis = randInt(r, -rank, rank - 1), a = axis < 0 ? axis + rank : axis, n = shape[a];
      let sizes: number[];
      let attr: number[] | number;
      if (k % 2 === 0) {
        // random sizes summing to n (cut points anywhere, so empty pieces occur)
        const cuts = Array.from({ length: randInt(r, 0, 3) }, () => randInt(r, 0, n)).sort((p, q) => p - q);
        sizes = [...cuts, n].map((c, i, all) => c - (i ? all[i - 1] : 0));
        attr = sizes;
      } else {
        const count = randInt(r, 1, n), chunk = Math.ceil(n / count);
        if (chunk * (count - 1) > n) { expect(() => split(fcn.tensor(new Float32Array(size(shape)), shape), { axis, split: count })).toThrow(ShapeError); continue; }
        sizes = Array.from({ length: count }, (_, i) => (i < count - 1 ? chunk : n - chunk * (count - 1)));
        attr = count;
      }
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const keep = x.data.slice();
      const pieces = split(x, { axis, split: attr });
      expect(pieces.length).toBe(sizes.length);
      let offset = 0;
      pieces.forEach((p, i) => {
        expectClose(p, sliceRef(x.data, shape, [offset], [offset + sizes[i]], [a]), `x [${shape}] axis ${axis} split ${JSON.stringify(attr)} piece ${i}`, 0, 0);
        offset += sizes[i];
      });
      expect(x.data).toEqual(keep);
    }
  });

  it("num_outputs: 10 in 3 pieces is [4, 4, 2]; 7 in 7 is all ones", () => {
    const x = fcn.tensor(Float32Array.from({ length: 10 }, (_, i) => i), [10]);
    expect(split(x, { split: 3 }).map((t) => t.shape[0])).toEqual([4, 4, 2]);
    expect(split(fcn.tensor(new Float32Array(7), [7]), { split: 7 }).map((t) => t.shape[0])).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it("splitBackward joins the pieces' gradients (the adjoint of split), a null piece as zeros", () => {
    const r = rng(5);
    for (let k = 0; k < 50; k++) {
      const shape = [randInt(r, 1, 4), randInt(r, 2, 6), randInt(r, 1, 4)];
      const axis = randInt(r, 0, 2), n = shape[axis], cut = randInt(r, 0, n);
      const attrs = { axis, split: [cut, n - cut] };
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const ys = split(x, attrs);
      const dys = ys.map((y) => fcn.tensor(randArray(r, y.data.length), y.shape.slice()));
      const dx = splitBackward(dys, shape, attrs);
      const lhs = dot(dys[0].data, ys[0].data) + dot(dys[1].data, ys[1].data);
      expect(Math.abs(lhs - dot(dx.data, x.data))).toBeLessThan(1e-5);
      const partial = splitBackward([null, dys[1]], shape, attrs);
      expect(Math.abs(dot(dys[1].data, ys[1].data) - dot(partial.data, x.data))).toBeLessThan(1e-5);
    }
  });

  it("typed errors name the op and the value", () => {
    const x = fcn.tensor(new Float32Array(12), [3, 4]);
    expect(() => split(x, { axis: 1, split: [1, 2] })).toThrow(/sizes \[1, 2\] sum to 3, but axis 1 of x \[3, 4\] has 4/);
    expect(() => split(x, { axis: 2, split: 2 })).toThrow(/axis 2 is out of range/);
    expect(() => split(x, { split: 0 })).toThrow(AttributeError);
    expect(() => split(x, { split: [1, -1, 3] })).toThrow(AttributeError);
    expect(() => split(x, {} as never)).toThrow(/split\(attrs\.split\): expected an array of sizes or a number of pieces, got nothing/);
    expect(() => split(fcn.tensor(new Float32Array(5), [5]), { split: 4 })).toThrow(/4 pieces of ⌈5 \/ 4⌉ = 2 do not fit/);
    expect(() => splitBackward([fcn.tensor(new Float32Array(3), [3, 1])], [3, 4], { axis: 1, split: [1, 3] })).toThrow(/expected 2 gradients/);
    expect(() => splitBackward([fcn.tensor(new Float32Array(3), [3, 1]), fcn.tensor(new Float32Array(3), [3, 1])], [3, 4], { axis: 1, split: [1, 3] })).toThrow(/dys\[1\]\): expected piece 1's shape \[3, 3\]/);
  });
});

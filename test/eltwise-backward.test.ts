// Backward of relu, add and crop. relu: dy passes where x > 0 (checked element by element,
// including x = 0 and negatives). add and crop are linear, so their backward is their adjoint:
// ⟨op(u), dy⟩ = ⟨u, opᵀ(dy)⟩ for random u — checked in float64.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, randInt, rng, useBuild } from "./lib.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

describe.each(BUILDS)("element-wise backward (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("reluBackward passes dy exactly where x > 0 (0 at x = 0), every tail length", () => {
    const r = rng(5);
    for (let n = 0; n <= 37; n++) {
      const x = randArray(r, n).map((v, i) => (i % 5 === 0 ? 0 : v));
      const dy = randArray(r, n);
      const dx = fcn.reluBackward(fcn.tensor(dy, [n]), fcn.tensor(x, [n]));
      for (let i = 0; i < n; i++) expect(dx.data[i]).toBe(x[i] > 0 ? dy[i] : 0);
    }
  });

  it("cropBackward is crop's adjoint, rank 1, 2 and 3", () => {
    const r = rng(9);
    for (let t = 0; t < 32; t++) {
      const rank = t < 20 ? randInt(r, 1, 2) : 3;
      const image = Array.from({ length: rank }, () => randInt(r, 1, 12));
      const shape = image.map((n) => randInt(r, 1, n));
      const offsets = image.map((n, i) => randInt(r, 0, n - shape[i]));
      const xs = [randInt(r, 1, 2), randInt(r, 1, 3), ...image];
      const u = fcn.tensor(randArray(r, size(xs)), xs);
      const ys = [xs[0], xs[1], ...shape];
      const dy = fcn.tensor(randArray(r, size(ys)), ys);
      const lhs = dot(fcn.crop(u, { offsets, shape }).data, dy.data);
      const dx = fcn.cropBackward(dy, xs, { offsets, shape });
      expect(dx.shape).toEqual(xs);
      expect(Math.abs(lhs - dot(u.data, dx.data))).toBeLessThan(1e-9 + 1e-6 * Math.abs(lhs));
    }
  });

  it("addBackward sums dy over broadcast axes (adjoint of the broadcast)", () => {
    const r = rng(13);
    const pairs: [number[], number[]][] = [[[2, 3], [2, 3]], [[2, 3, 4], [4]], [[3, 1, 5], [1, 4, 1]], [[], [2, 2]], [[6, 1], [1, 7]], [[1, 2, 1, 3], [2, 2, 1]]];
    for (const [as, bs] of pairs) {
      const out = fcn.add(fcn.tensor(new Float32Array(size(as)), as), fcn.tensor(new Float32Array(size(bs)), bs)).shape;
      const dy = fcn.tensor(randArray(r, size(out)), out.slice());
      const { da, db } = fcn.addBackward(dy, as, bs);
      expect(da.shape).toEqual(as);
      expect(db.shape).toEqual(bs);
      const ua = fcn.tensor(randArray(r, size(as)), as), ub = fcn.tensor(randArray(r, size(bs)), bs);
      const zeroA = fcn.tensor(new Float32Array(size(as)), as), zeroB = fcn.tensor(new Float32Array(size(bs)), bs);
      // ⟨add(u, 0), dy⟩ = ⟨u, da⟩ and ⟨add(0, u), dy⟩ = ⟨u, db⟩
      expect(Math.abs(dot(fcn.add(ua, zeroB).data, dy.data) - dot(ua.data, da.data))).toBeLessThan(1e-5 * size(out));
      expect(Math.abs(dot(fcn.add(zeroA, ub).data, dy.data) - dot(ub.data, db.data))).toBeLessThan(1e-5 * size(out));
    }
  });

  it("rejects a dy of the wrong shape", () => {
    expect(() => fcn.reluBackward(fcn.tensor([1, 2], [2]), fcn.tensor([1, 2, 3], [3]))).toThrow(fcn.ShapeError);
    expect(() => fcn.addBackward(fcn.tensor([1, 2], [2]), [3], [3])).toThrow(/addBackward\(dy\)/);
    expect(() => fcn.cropBackward(fcn.tensor([1], [1, 1, 1]), [1, 1, 4], { offsets: 1, shape: 2 })).toThrow(/cropBackward\(dy\)/);
  });
});

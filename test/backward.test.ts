// Gradients of conv and convTranspose. Both ops are linear in x and in w, so the gradient is
// pinned down exactly by ⟨dx, v⟩ = ⟨op(v, w), dy⟩ and ⟨dw, u⟩ = ⟨op(x, u), dy⟩ for random
// directions v, u (a finite difference of a linear function is exact); the forward side runs on the
// plain-TS references in float64. db is the per-channel sum of dy.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { convGeometry, convRef, convTransposeGeometry, convTransposeRef, type RefConvAttrs } from "./ref/conv.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function absDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
  return s;
}

/** |got − want| ≤ 1e-5 of the sum of |terms|: float32 accumulation against a float64 reference. */
function expectSameDot(got: number, want: number, scale: number, what: string): void {
  if (!(Math.abs(got - want) <= 1e-5 * scale + 1e-9)) throw new Error(`${what}: ${got} vs ${want} (scale ${scale})`);
}

interface Case { name: string; xs: number[]; ws: number[]; attrs: RefConvAttrs }

function randomCase(r: () => number, transposed: boolean): Case {
  const rank = randInt(r, 1, 2);
  const group = randInt(r, 1, 2), Cg = randInt(r, 1, 3), Mg = randInt(r, 1, 3);
  const k = Array.from({ length: rank }, () => randInt(r, 1, 4));
  const s = Array.from({ length: rank }, () => randInt(r, 1, 3));
  const d = Array.from({ length: rank }, () => (r() < 0.25 ? 2 : 1));
  const inSize = Array.from({ length: rank }, (_, i) => randInt(r, transposed ? 1 : d[i] * (k[i] - 1) + 1, 7));
  const pads = [...k.map((kk) => randInt(r, 0, kk - 1)), ...k.map((kk) => randInt(r, 0, kk - 1))];
  const N = randInt(r, 1, 2);
  const attrs: RefConvAttrs = { strides: s, dilations: d, pads, group };
  if (transposed) attrs.outputPadding = s.map((ss, i) => randInt(r, 0, Math.max(ss, d[i]) - 1));
  const xs = [N, group * Cg, ...inSize];
  const ws = transposed ? [group * Cg, Mg, ...k] : [group * Mg, Cg, ...k];
  return { name: `x=${xs.join("x")} w=${ws.join("x")} s=${s} p=${pads} d=${d} g=${group}${transposed ? ` op=${attrs.outputPadding}` : ""}`, xs, ws, attrs };
}

describe.each(BUILDS)("backward (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const transposed of [false, true]) {
    const op = transposed ? "convTransposeBackward" : "convBackward";
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(seed * 7919 + (transposed ? 1 : 0));
      const c = randomCase(r, transposed);
      let outShape: number[];
      try {
        const g = transposed ? convTransposeGeometry(c.xs, c.ws, c.attrs) : convGeometry(c.xs, c.ws, c.attrs);
        outShape = [g.N, g.M, ...g.output];
        if (g.output.some((o) => o < 1)) continue;
      } catch {
        continue; // a random geometry with an empty output: not a gradient case
      }
      it(`${op} ${c.name} seed=${seed}`, () => {
        const x = randArray(r, size(c.xs)), w = randArray(r, size(c.ws));
        const dy = randArray(r, size(outShape));
        const v = randArray(r, size(c.xs)), u = randArray(r, size(c.ws));
        const ref = transposed ? convTransposeRef : convRef;
        const fwd = transposed ? fcn.convTransposeBackward : fcn.convBackward;
        const { dx, dw, db } = fwd(fcn.tensor(dy, outShape), fcn.tensor(x, c.xs), fcn.tensor(w, c.ws), c.attrs);
        expect(dx.shape).toEqual(c.xs);
        expect(dw.shape).toEqual(c.ws);
        expect(db.shape).toEqual([outShape[1]]);
        const yv = ref(v, c.xs, w, c.ws, null, c.attrs).data;
        expectSameDot(dot(dx.data, v), dot(yv, dy), absDot(yv, dy), `${op} ⟨dx, v⟩`);
        const yu = ref(x, c.xs, u, c.ws, null, c.attrs).data;
        expectSameDot(dot(dw.data, u), dot(yu, dy), absDot(yu, dy), `${op} ⟨dw, u⟩`);
        const plane = size(outShape.slice(2));
        for (let m = 0; m < outShape[1]; m++) {
          let want = 0;
          for (let n = 0; n < outShape[0]; n++) for (let i = 0; i < plane; i++) want += dy[(n * outShape[1] + m) * plane + i];
          expect(Math.abs(db.data[m] - want)).toBeLessThan(1e-4 * (1 + plane));
        }
      });
    }
  }

  // Large enough that the weight gradient's im2col runs in several bands of rows (about 512 KB
  // each: K = 72 rows × ~100 columns → 18 rows per band), with strides, asymmetric pads and groups.
  it.each([
    { op: "convBackward", xs: [1, 16, 50, 100], ws: [4, 8, 3, 3], attrs: { pads: [1, 1, 1, 1], group: 2 } },
    { op: "convBackward", xs: [2, 8, 101, 203], ws: [4, 8, 3, 3], attrs: { strides: [2, 2], pads: [0, 1, 2, 0] } },
    { op: "convTransposeBackward", xs: [1, 4, 40, 100], ws: [4, 8, 3, 3], attrs: { pads: [1, 1, 1, 1] } },
    { op: "convTransposeBackward", xs: [1, 8, 30, 90], ws: [8, 4, 4, 4], attrs: { strides: [2, 2], pads: [1, 2, 1, 0], group: 2 } },
    { op: "convBackward", xs: [1, 8, 60, 90], ws: [4, 8, 3, 3], attrs: { dilations: [2, 3], pads: [2, 3, 1, 3] } },
    { op: "convTransposeBackward", xs: [1, 4, 30, 60], ws: [4, 6, 3, 3], attrs: { dilations: [2, 2], strides: [2, 1], pads: [1, 0, 2, 1] } },
    { op: "convBackward", xs: [2, 6, 30000], ws: [4, 6, 5], attrs: { dilations: [3], pads: [2, 4], strides: [2] } },
    { op: "convTransposeBackward", xs: [1, 6, 9000], ws: [6, 2, 4], attrs: { strides: [3], pads: [1, 2] } },
  ])("$op over several im2col bands: x $xs, w $ws", ({ op, xs, ws, attrs }) => {
    const r = rng(xs[2] * 31 + ws[1]);
    const transposed = op === "convTransposeBackward";
    const g = transposed ? convTransposeGeometry(xs, ws, attrs) : convGeometry(xs, ws, attrs);
    const outShape = [g.N, g.M, ...g.output];
    const x = randArray(r, size(xs)), w = randArray(r, size(ws)), dy = randArray(r, size(outShape));
    const u = randArray(r, size(ws));
    const { dw } = (transposed ? fcn.convTransposeBackward : fcn.convBackward)(fcn.tensor(dy, outShape), fcn.tensor(x, xs), fcn.tensor(w, ws), attrs);
    const yu = (transposed ? convTransposeRef : convRef)(x, xs, u, ws, null, attrs).data;
    expectSameDot(dot(dw.data, u), dot(yu, dy), absDot(yu, dy), `${op} ⟨dw, u⟩`);
    // and each weight on its own for a few of them (a direction u = e_i)
    for (const i of [0, 7, size(ws) - 1]) {
      const e = new Float32Array(size(ws));
      e[i] = 1;
      const ye = (transposed ? convTransposeRef : convRef)(x, xs, e, ws, null, attrs).data;
      expectSameDot(dw.data[i], dot(ye, dy), absDot(ye, dy), `${op} dw[${i}]`);
    }
  });

  it("convBackward's dx is convTranspose of dy with the same weights (FCN's view of a deconvolution)", () => {
    const r = rng(42);
    const x = fcn.tensor(randArray(r, 2 * 3 * 9 * 9), [2, 3, 9, 9]);
    const w = fcn.tensor(randArray(r, 4 * 3 * 4 * 4), [4, 3, 4, 4]);
    const y = fcn.conv(x, w, null, { strides: 2, pads: 1 });
    const dy = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
    const { dx } = fcn.convBackward(dy, x, w, { strides: 2, pads: 1 });
    // conv maps 9 → ⌊(9 + 2 − 4)/2⌋ + 1 = 4; its adjoint maps 4 back to 2·3 + 4 − 2 = 8, plus outputPadding 1 = 9.
    const t = fcn.convTranspose(dy, w, null, { strides: 2, pads: 1, outputPadding: 1 });
    expect(t.shape).toEqual(dx.shape);
    for (let i = 0; i < t.data.length; i++) expect(Math.abs(t.data[i] - dx.data[i])).toBeLessThan(1e-4);
  });

  it("a batch of no images has dw = 0 and db = 0, whatever the arena held before", () => {
    const r = rng(41);
    for (const transposed of [false, true]) {
      const [C, M] = [3, 2];
      const w = fcn.tensor(randArray(r, transposed ? C * M * 9 : M * C * 9), transposed ? [C, M, 3, 3] : [M, C, 3, 3]);
      const op = transposed ? fcn.convTranspose : fcn.conv;
      const backward = transposed ? fcn.convTransposeBackward : fcn.convBackward;
      // first a real gradient, which leaves its numbers where the next call's dw goes
      const x1 = fcn.tensor(randArray(r, C * 36), [1, C, 6, 6]);
      const y1 = op(x1, w);
      expect(backward(fcn.tensor(randArray(r, size(y1.shape)), y1.shape), x1, w).dw.data.some((v) => v !== 0)).toBe(true);
      const x0 = fcn.tensor(new Float32Array(0), [0, C, 6, 6]);
      const y0 = op(x0, w);
      const g = backward(fcn.tensor(new Float32Array(0), y0.shape), x0, w);
      expect(g.dx.shape).toEqual([0, C, 6, 6]);
      expect(g.dw.shape).toEqual(w.shape);
      expect([...g.dw.data].every((v) => v === 0), `${transposed ? "convTranspose" : "conv"}Backward dw`).toBe(true);
      expect([...g.db.data].every((v) => v === 0)).toBe(true);
    }
  });

  it("rejects a dy whose shape is not the forward output's", () => {
    const x = fcn.tensor(new Float32Array(2 * 5 * 5), [1, 2, 5, 5]);
    const w = fcn.tensor(new Float32Array(3 * 2 * 3 * 3), [3, 2, 3, 3]);
    const dy = fcn.tensor(new Float32Array(3 * 5 * 5), [1, 3, 5, 5]);
    expect(() => fcn.convBackward(dy, x, w)).toThrow(/convBackward\(dy\): expected \[1, 3, 3, 3\]/);
  });
});

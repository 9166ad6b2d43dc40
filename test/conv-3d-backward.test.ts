// Gradients of conv and convTranspose on volumes (spatial rank 3), on every build: convBackward and
// convTransposeBackward against the float64 gradient references (test/ref/conv-gradients.ts)
// element by element, and through the definition of a gradient of a linear map, ⟨dx, v⟩ =
// ⟨op(v, w), dy⟩ and ⟨dw, u⟩ = ⟨op(x, u), dy⟩ for random v, u, with the forward side on the plain
// conv references (a finite difference of a linear function is exact). Seeded random shapes with
// odd sizes over strides, asymmetric pads, dilations, groups, outputPadding; cases over several
// weight-gradient and column bands (whole depth slices, rows of a slice). db is the per-channel sum of dy.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { convGeometry, convRef, convTransposeGeometry, convTransposeRef, type RefConvAttrs } from "./ref/conv.js";
import { convBackwardRef, convTransposeBackwardRef } from "./ref/conv-gradients.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function dot(a: ArrayLike<number>, b: ArrayLike<number>): [number, number] {
  let s = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { s += a[i] * b[i]; scale += Math.abs(a[i] * b[i]); }
  return [s, scale];
}

interface Case { name: string; xs: number[]; ws: number[]; ys: number[]; attrs: RefConvAttrs }

function makeCase(seed: number, transposed: boolean): Case | null {
  const r = rng(seed);
  const group = randInt(r, 1, 2), Cg = randInt(r, 1, 3), Mg = randInt(r, 1, 3);
  const k = [0, 1, 2].map(() => randInt(r, 1, 3));
  const s = [0, 1, 2].map(() => randInt(r, 1, 3));
  const d = [0, 1, 2].map(() => (r() < 0.25 ? 2 : 1));
  const inSize = k.map((kk, i) => 2 * randInt(r, transposed ? 0 : Math.ceil(d[i] * (kk - 1) / 2), 3) + 1); // odd, ≥ the dilated kernel for conv
  const pads = [...k, ...k].map((kk) => randInt(r, 0, kk - 1));
  const attrs: RefConvAttrs = { strides: s, dilations: d, pads, group };
  if (transposed) attrs.outputPadding = s.map((ss, i) => randInt(r, 0, Math.max(ss, d[i]) - 1));
  const xs = [randInt(r, 1, 2), group * Cg, ...inSize];
  const ws = transposed ? [group * Cg, Mg, ...k] : [group * Mg, Cg, ...k];
  let ys: number[];
  try {
    const g = transposed ? convTransposeGeometry(xs, ws, attrs) : convGeometry(xs, ws, attrs);
    if (g.output.some((o) => o < 1)) return null;
    ys = [g.N, g.M, ...g.output];
  } catch {
    return null; // an empty output axis: not a gradient case
  }
  return { name: `x=${xs.join("x")} w=${ws.join("x")} ${JSON.stringify(attrs)} seed=${seed}`, xs, ws, ys, attrs };
}

function check(c: Case, transposed: boolean, r: () => number): void {
  const x = randArray(r, size(c.xs)), w = randArray(r, size(c.ws)), dy = randArray(r, size(c.ys));
  const backward = transposed ? fcn.convTransposeBackward : fcn.convBackward;
  const { dx, dw, db } = backward(fcn.tensor(dy, c.ys), fcn.tensor(x, c.xs), fcn.tensor(w, c.ws), c.attrs);
  // element by element against the gradient references
  const want = (transposed ? convTransposeBackwardRef : convBackwardRef)(dy, x, c.xs, w, c.ws, c.attrs);
  expectClose(dx, { data: want.dx, shape: c.xs }, `dx ${c.name}`, 1e-5, 1e-4);
  expectClose(dw, { data: want.dw, shape: c.ws }, `dw ${c.name}`, 1e-4, 1e-4);
  // and through the forward references: the gradient of a linear map is its adjoint
  const ref = transposed ? convTransposeRef : convRef;
  const v = randArray(r, size(c.xs)), u = randArray(r, size(c.ws));
  const [left, scale] = dot(ref(v, c.xs, w, c.ws, null, c.attrs).data, dy);
  expect(Math.abs(dot(dx.data, v)[0] - left), `⟨dx, v⟩ ${c.name}`).toBeLessThanOrEqual(1e-5 * scale + 1e-9);
  const [leftW, scaleW] = dot(ref(x, c.xs, u, c.ws, null, c.attrs).data, dy);
  expect(Math.abs(dot(dw.data, u)[0] - leftW), `⟨dw, u⟩ ${c.name}`).toBeLessThanOrEqual(1e-5 * scaleW + 1e-9);
  const plane = size(c.ys.slice(2));
  for (let m = 0; m < c.ys[1]; m++) {
    let sum = 0;
    for (let n = 0; n < c.ys[0]; n++) for (let i = 0; i < plane; i++) sum += dy[(n * c.ys[1] + m) * plane + i];
    expect(Math.abs(db.data[m] - sum), `db[${m}] ${c.name}`).toBeLessThan(1e-5 * (1 + plane));
  }
}

describe.each(BUILDS)("3-D backward (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const transposed of [false, true]) {
    const op = transposed ? "convTransposeBackward" : "convBackward";
    let found = 0;
    for (let seed = 1; found < 20; seed++) {
      const c = makeCase(seed * 7919 + (transposed ? 1 : 0), transposed);
      if (c === null) continue;
      found++;
      it(`${op} ${c.name}`, () => check(c, transposed, rng(seed)));
    }
  }

  it("convBackward and convTransposeBackward over several weight-gradient bands of depth slices", () => {
    // K = 6·27 rows over 20·20 positions a slice: about 3 slices a band, 7 slices
    const attrs: RefConvAttrs = { pads: [1, 1, 1, 1, 1, 1], strides: [1, 1, 1] };
    check({ name: "conv x=1x6x7x20x20 w=4x6x3x3x3", xs: [1, 6, 7, 20, 20], ws: [4, 6, 3, 3, 3], ys: [1, 4, 7, 20, 20], attrs }, false, rng(3));
    check({ name: "convTranspose x=1x4x7x20x20 w=4x6x3x3x3", xs: [1, 4, 7, 20, 20], ws: [4, 6, 3, 3, 3], ys: [1, 6, 7, 20, 20], attrs }, true, rng(4));
  });

  it("depthwise layers: convTransposeBackward's dx is a depthwise conv, with negative derived pads under SAME and k < s", () => {
    const sameSmall: RefConvAttrs = { strides: [2, 3, 2], autoPad: "SAME_UPPER", group: 3 };
    check({ name: "convTranspose x=1x3x3x4x3 w=3x1x1x2x1 SAME k<s", xs: [1, 3, 3, 4, 3], ws: [3, 1, 1, 2, 1], ys: [1, 3, 6, 12, 6], attrs: sameSmall }, true, rng(7));
    const trilinear: RefConvAttrs = { strides: 2, pads: 1, group: 2 };
    check({ name: "convTranspose x=2x2x3x4x5 w=2x1x4x4x4 trilinear-like", xs: [2, 2, 3, 4, 5], ws: [2, 1, 4, 4, 4], ys: [2, 2, 6, 8, 10], attrs: trilinear }, true, rng(8));
    check({ name: "conv x=1x4x5x6x7 w=8x1x3x3x3 depthwise ×2", xs: [1, 4, 5, 6, 7], ws: [8, 1, 3, 3, 3], ys: [1, 8, 5, 6, 7], attrs: { group: 4, pads: 1 } }, false, rng(9));
  });

  it("… and over bands of rows within a depth slice (a 30×30 slice is past the band budget for K = 162)", () => {
    const attrs: RefConvAttrs = { pads: [1, 1, 1, 1, 1, 1] };
    check({ name: "conv x=1x6x3x30x30 w=4x6x3x3x3", xs: [1, 6, 3, 30, 30], ws: [4, 6, 3, 3, 3], ys: [1, 4, 3, 30, 30], attrs }, false, rng(5));
    check({ name: "convTranspose x=1x4x3x30x30 w=4x6x3x3x3", xs: [1, 4, 3, 30, 30], ws: [4, 6, 3, 3, 3], ys: [1, 6, 3, 30, 30], attrs }, true, rng(6));
  });
});

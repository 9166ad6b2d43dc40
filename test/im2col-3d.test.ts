// im2col and col2im on volumes (x [N, C, D, H, W]) against the float64 references of
// test/ref/im2col-3d.ts, on every build: seeded random windows with odd sizes, strides 1–3,
// dilations 1–2, asymmetric pads (also windows larger than the image), batch and channels; the
// adjoint identity ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩; inputs left untouched.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { col2im3dRef, im2col3dRef } from "./ref/im2col-3d.js";
import { convOutSize } from "./ref/window-ops.js";

interface Case { name: string; xShape: number[]; attrs: { kernelShape: number[]; strides: number[]; dilations: number[]; pads: number[] } }

function makeCase(seed: number): Case | null {
  const r = rng(seed);
  const kernelShape = [0, 1, 2].map(() => randInt(r, 1, 3));
  const strides = [0, 1, 2].map(() => randInt(r, 1, 3));
  const dilations = [0, 1, 2].map(() => (r() < 0.3 ? 2 : 1));
  const pads = [...kernelShape, ...kernelShape].map((k) => randInt(r, 0, k));
  const image = [0, 1, 2].map(() => 2 * randInt(r, 0, 3) + 1);
  if (image.some((n, i) => convOutSize(n, kernelShape[i], strides[i], dilations[i], pads[i], pads[i + 3]) < 1)) return null;
  const xShape = [randInt(r, 1, 2), randInt(r, 1, 3), ...image];
  const attrs = { kernelShape, strides, dilations, pads };
  return { name: `x=${xShape.join("x")} ${JSON.stringify(attrs)} seed=${seed}`, xShape, attrs };
}

const CASES: Case[] = [];
for (let seed = 1; CASES.length < 30; seed++) {
  const c = makeCase(seed * 31 + 7);
  if (c !== null) CASES.push(c);
}

describe.each(BUILDS)("3-D im2col and col2im (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const c of CASES) {
    it(c.name, () => {
      const r = rng(c.xShape.reduce((a, b) => a * 7 + b, 1));
      const n = c.xShape.reduce((a, b) => a * b, 1);
      const xData = randArray(r, n), xCopy = xData.slice();
      const x = fcn.tensor(xData, c.xShape);
      const cols = fcn.im2col(x, c.attrs);
      expectClose(cols, im2col3dRef(x, c.attrs), `im2col ${c.name}`, 0, 0); // a copy: exact
      expect(xData).toEqual(xCopy);
      const yData = randArray(r, cols.data.length), yCopy = yData.slice();
      const y = fcn.tensor(yData, cols.shape);
      const attrs = { ...c.attrs, imageShape: c.xShape.slice(2) };
      const back = fcn.col2im(y, attrs);
      expectClose(back, col2im3dRef(y, attrs), `col2im ${c.name}`, 1e-6, 1e-5);
      expect(yData).toEqual(yCopy);
      // ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩
      let left = 0, right = 0, scale = 0;
      for (let i = 0; i < yData.length; i++) { left += cols.data[i] * yData[i]; scale += Math.abs(cols.data[i] * yData[i]); }
      for (let i = 0; i < n; i++) right += xData[i] * back.data[i];
      expect(Math.abs(left - right)).toBeLessThanOrEqual(1e-6 * (scale + 1));
    });
  }
});

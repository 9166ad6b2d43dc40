// prelu and preluBackward against the float64 reference (test/ref/prelu.ts): per-channel slopes
// given as [C] or [C, 1, 1], a shared slope, NaN and ±∞ in x, ranks 3 and 4, caller arrays
// untouched; other slope shapes are UnsupportedErrors; PRelu as a Net layer: finite-difference
// gradients of the slope and the plan equal to the op-by-op path bit for bit.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, rng, useBuild } from "./lib.js";
import { expectIeee, sprinkle } from "./special.js";
import { preluBackwardRef, preluRef } from "./ref/prelu.js";
import type { GraphSpec, LayerSpec, Tensor } from "../dist/index.js";
import { expectFiniteDifferences } from "./net-finite-differences.js";
const { Net, UnsupportedError, ShapeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const CASES: { xShape: number[]; slopeShape: number[] }[] = [
  { xShape: [2, 3, 4, 5], slopeShape: [3] }, { xShape: [2, 3, 4, 5], slopeShape: [3, 1, 1] },
  { xShape: [2, 3, 7], slopeShape: [3, 1] }, { xShape: [1, 4, 3, 3], slopeShape: [1] }, { xShape: [2, 2, 5], slopeShape: [] },
];

/** A Xavier-initialised conv layer reading `input`. */
const conv = (name: string, input: string, outChannels: number, kernelShape: number): LayerSpec =>
  ({ name, op: "Conv", inputs: [input], attrs: { outChannels, kernelShape, pads: (kernelShape - 1) / 2, init: "xavier" } });

/** conv → PRelu per channel → conv → PRelu shared → conv. */
const spec: GraphSpec = {
  input: { name: "x", shape: [2, 3, 4, 3] },
  output: "out",
  layers: [
    conv("c1", "x", 3, 3), { name: "pr", op: "PRelu", inputs: ["c1"] },
    conv("c2", "pr", 2, 1), { name: "shared", op: "PRelu", inputs: ["c2"], attrs: { shared: true } },
    conv("out", "shared", 2, 1),
  ],
};

describe.each(BUILDS)("prelu (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const { xShape, slopeShape } of CASES) {
    it(`x ${JSON.stringify(xShape)}, slope ${JSON.stringify(slopeShape)}: forward and backward match the reference; inputs unchanged`, () => {
      const r = rng(51);
      const x = sprinkle(r, randArray(r, size(xShape)), 3), dy = randArray(r, size(xShape));
      const slope = randArray(r, size(slopeShape));
      const copies = [x.slice(), dy.slice(), slope.slice()];
      const xt = fcn.tensor(x, xShape), st = fcn.tensor(slope, slopeShape);
      expectIeee(fcn.prelu(xt, st), { data: preluRef(x, xShape, slope), shape: xShape }, "prelu", 1e-7, 1e-6);
      const finite = x.map((v) => (Number.isFinite(v) ? v : 0.5));
      const { dx, dslope } = fcn.preluBackward(fcn.tensor(dy, xShape), fcn.tensor(finite, xShape), st);
      const want = preluBackwardRef(dy, finite, xShape, slope);
      expectClose(dx, { data: want.dx, shape: xShape }, "dx", 1e-7, 1e-6);
      expectClose(dslope, { data: want.dslope, shape: slopeShape }, "dslope", 1e-6, 1e-5);
      expect([x, dy, slope]).toEqual(copies);
    });
  }

  it("a slope that is neither per channel nor shared is an UnsupportedError naming slope; a wrong dy a ShapeError", () => {
    const x = fcn.tensor(new Float32Array(24), [2, 3, 4]);
    for (const shape of [[4], [1, 4], [2], [3, 4]]) {
      expect(() => fcn.prelu(x, fcn.tensor(new Float32Array(size(shape)), shape))).toThrow(UnsupportedError);
      expect(() => fcn.prelu(x, fcn.tensor(new Float32Array(size(shape)), shape))).toThrow(/prelu\(slope\)/);
    }
    expect(() => fcn.preluBackward(fcn.tensor(new Float32Array(6), [1, 3, 2]), x, fcn.tensor([1, 1, 1], [3]))).toThrow(ShapeError);
    expect(fcn.prelu(x, fcn.tensor([0.1, 0.2, 0.3], [3])).shape).toEqual([2, 3, 4]);
  });

  it("Net PRelu layers: the plan equals the op-by-op path bit for bit, training", () => {
    const r = rng(52);
    const planned = Net.fromGraph(spec, undefined, { seed: 3 }), copying = Net.fromGraph(spec, undefined, { seed: 3, resident: false });
    planned.training = copying.training = true;
    const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
    expectSameBits(planned.run(x), copying.run(x), "output");
    for (const layer of spec.layers) expectSameBits(planned.blob(layer.name) as Tensor, copying.blob(layer.name) as Tensor, `blob ${layer.name}`);
    const dOut = fcn.tensor(randArray(r, 2 * 2 * 12), [2, 2, 4, 3]);
    const a = planned.backward(dOut), b = copying.backward(dOut);
    expect([...a.keys()].sort()).toEqual(["c1.bias", "c1.weight", "c2.bias", "c2.weight", "out.bias", "out.weight", "pr.weight", "shared.weight"]);
    for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `gradient ${name}`);
    planned.dispose();
  });
});

describe("Net PRelu layer", () => {
  beforeAll(() => useBuild("simd"));

  it("slopes start at 0.25 (PyTorch's default) and their gradients match central finite differences", () => {
    const r = rng(53);
    const net = Net.fromGraph(spec, undefined, { seed: 4 });
    expect(Array.from(net.parameters().get("pr.weight")!.data)).toEqual([0.25, 0.25, 0.25]);
    expect(net.parameters().get("shared.weight")!.shape).toEqual([1]);
    const x = fcn.tensor(randArray(r, size(spec.input.shape)).map((v) => 2 * v), spec.input.shape);
    const dir = fcn.tensor(randArray(r, 2 * 2 * 12), [2, 2, 4, 3]);
    expectFiniteDifferences(spec, net, x, dir, (n) => [0, 1, 2].filter((i) => i < n), ["pr.weight", "shared.weight", "c1.weight"]);
  });
});

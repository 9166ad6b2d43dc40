// Net layers for the activations (Sigmoid, Tanh, LeakyRelu, Elu, Selu, Softplus, HardSigmoid,
// HardSwish, Clip): a small net with every one of them between convolutions gets its parameter
// gradients checked against central finite differences, its resident plan must equal the op-by-op
// path bit for bit (outputs, blobs, gradients), and bad layer attributes are named errors.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, randArray, rng, useBuild } from "./lib.js";
import type { GraphSpec, LayerSpec } from "../dist/index.js";
import { expectFiniteDifferences } from "./net-finite-differences.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";
const { Net, AttributeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** An activation layer reading `input`. */
const act = (name: string, op: string, input: string, attrs?: Record<string, number>): LayerSpec =>
  ({ name, op, inputs: [input], ...(attrs ? { attrs } : {}) }) as LayerSpec;

/** conv → every activation in turn (non-default attributes where an op has some) → conv. */
const chain: GraphSpec = {
  input: { name: "x", shape: [2, 2, 5, 4] },
  output: "out",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: 3, pads: 1, init: "xavier" } },
    act("sig", "Sigmoid", "c1"),
    { name: "c2", op: "Conv", inputs: ["sig"], attrs: { outChannels: 3, kernelShape: 1, init: "xavier" } },
    act("th", "Tanh", "c2"),
    act("lr", "LeakyRelu", "th", { alpha: 0.2 }),
    act("el", "Elu", "lr", { alpha: 0.7 }),
    act("se", "Selu", "el"),
    act("sp", "Softplus", "se"),
    { name: "c3", op: "Conv", inputs: ["sp"], attrs: { outChannels: 3, kernelShape: 1, init: "xavier" } },
    act("hs", "HardSigmoid", "c3", { alpha: 0.3, beta: 0.4 }),
    act("hw", "HardSwish", "c3"),
    { name: "sum", op: "Add", inputs: ["hs", "hw"] },
    act("cl", "Clip", "sum", { min: -0.5, max: 2 }),
    { name: "out", op: "Conv", inputs: ["cl"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } },
  ],
};

describe("Net activation layers", () => {
  beforeAll(() => useBuild("simd"));

  it("parameter gradients match central finite differences through every activation", () => {
    const r = rng(31);
    const net = Net.fromGraph(chain, undefined, { seed: 2 });
    const x = fcn.tensor(randArray(r, size(chain.input.shape)).map((v) => 3 * v), chain.input.shape);
    const dir = fcn.tensor(randArray(r, 2 * 2 * 20), [2, 2, 5, 4]);
    const grads = expectFiniteDifferences(chain, net, x, dir, (n) => Array.from({ length: 5 }, () => Math.floor(r() * n)));
    expect([...grads.keys()].sort()).toEqual([...net.parameters().keys()].sort());
  });

  it("a bad activation attribute is an AttributeError naming the layer and the attribute", () => {
    const bad = (attrs: unknown) => ({ ...chain, layers: [chain.layers[0], { name: "lr", op: "LeakyRelu", inputs: ["c1"], attrs }], output: "lr" }) as GraphSpec;
    expect(() => Net.fromGraph(bad({ alpha: NaN }))).toThrow(AttributeError);
    expect(() => Net.fromGraph(bad({ alpha: NaN }))).toThrow(/layer "lr" \(LeakyRelu\).*alpha/);
    expect(() => Net.fromGraph(bad({ gamma: 1 }))).toThrow(/layer "lr" \(LeakyRelu\): attrs\.gamma: unknown attribute/);
    expect(Net.fromGraph(bad({ alpha: 0.5 })).run(fcn.tensor(new Float32Array(80), [2, 2, 5, 4])).shape).toEqual([2, 3, 5, 4]);
  });
});

describe.each(BUILDS)("Net activation layers, resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("equals the op-by-op path bit for bit: outputs, every blob and every gradient, training", () => {
    expectPlanMatchesOpByOp(chain, 6, rng(32), [2, 2, 5, 4], 4);
  });
});

// Net.fromOnnx maps ONNX's unary activation nodes with their attributes per opset: defaults when
// absent, float attributes as written, Clip's bounds as attributes (opset < 11) or as optional
// constant inputs (opset ≥ 11); a non-constant bound, or an attribute the opset does not have, is
// an UnsupportedError naming the node. Outputs are checked against test/ref/activations.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, useBuild } from "../lib.js";
import { expectIeee, sprinkle } from "../special.js";
import { activationRef } from "../ref/activations.js";
import { preluRef } from "../ref/prelu.js";
import { attr, model, node, tensorProto, valueInfo } from "./proto-writer.js";
const { Net, UnsupportedError } = fcn;

const SHAPE = [1, 2, 3, 4];
const f32 = Math.fround;

/** A model x → op → y; `floats` become float attributes, `inputs` extra (initializer) inputs. */
function activationModel(op: string, opset: number, floats: Record<string, number> = {}, extra: { name: string; value?: number }[] = [], nodes: Uint8Array[] = []) {
  const inits = extra.filter((e) => e.value !== undefined).map((e) => tensorProto({ name: e.name, dims: [], data: [e.value!] }));
  return model({
    opset,
    nodes: [...nodes, node(op, ["x", ...extra.map((e) => e.name)], ["y"], Object.entries(floats).map(([k, v]) => attr.float(k, v)), "act")],
    initializers: inits,
    inputs: [valueInfo("x", SHAPE)],
    outputs: [valueInfo("y", SHAPE)],
  });
}

function expectMatches(bytes: Uint8Array, op: string, attrs: Record<string, number>, what: string): void {
  const r = rng(41);
  const x = sprinkle(r, randArray(r, 24).map((v) => 5 * v), 4);
  const y = Net.fromOnnx(bytes).run(fcn.tensor(x, SHAPE));
  const ref = activationRef(op, attrs);
  expectIeee(y, { data: Float64Array.from(x, ref.f), shape: SHAPE }, what, 1e-7, 1e-6);
}

describe("ONNX activation nodes", () => {
  beforeAll(() => useBuild("simd"));

  const CASES: [op: string, opset: number, attrs: Record<string, number>][] = [
    ["Sigmoid", 6, {}], ["Tanh", 13, {}], ["Softplus", 22, {}], ["HardSwish", 14, {}],
    ["LeakyRelu", 6, {}], ["LeakyRelu", 16, { alpha: 0.3 }],
    ["Elu", 6, {}], ["Elu", 22, { alpha: 0.5 }],
    ["Selu", 6, {}], ["Selu", 22, { alpha: 2, gamma: 1.5 }],
    ["HardSigmoid", 6, {}], ["HardSigmoid", 22, { alpha: 0.3, beta: 0.4 }],
    ["Clip", 6, {}], ["Clip", 6, { min: -1.5, max: 0.5 }],
  ];
  for (const [op, opset, attrs] of CASES) {
    it(`${op} (opset ${opset}${Object.keys(attrs).length ? `, ${JSON.stringify(attrs)}` : ", defaults"}) runs as the reference`, () => {
      const written = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, f32(v)])); // ONNX float attributes are float32
      expectMatches(activationModel(op, opset, attrs), op, written, `${op} opset ${opset}`);
    });
  }

  it("Clip from opset 11: min and max are optional constant inputs (absent: ONNX's lowest/largest float32)", () => {
    expectMatches(activationModel("Clip", 11, {}, [{ name: "lo", value: -0.25 }]), "Clip", { min: -0.25 }, "Clip 11, min only");
    expectMatches(activationModel("Clip", 13, {}, [{ name: "", value: undefined }, { name: "hi", value: 0.75 }]), "Clip", { max: 0.75 }, "Clip 13, max only");
    expectMatches(activationModel("Clip", 12, {}, [{ name: "lo", value: -2 }, { name: "hi", value: 1 }]), "Clip", { min: -2, max: 1 }, "Clip 12, both");
    expectMatches(activationModel("Clip", 22), "Clip", {}, "Clip 22, neither");
  });

  it("a Clip bound that is no constant, or Clip attributes from opset 11 on, are UnsupportedErrors naming the node", () => {
    const computed = activationModel("Clip", 13, {}, [{ name: "m" }], [node("Relu", ["x"], ["m"], [], "relu")]);
    expect(() => Net.fromOnnx(computed)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(computed)).toThrow(/Clip ×1 \("act": its min input "m" is not a constant/);
    expect(() => Net.fromOnnx(activationModel("Clip", 11, { min: 0 }))).toThrow(/Clip ×1 \("act": attribute min is not supported here/);
    expect(() => Net.fromOnnx(activationModel("LeakyRelu", 13, { beta: 0 }))).toThrow(/LeakyRelu ×1 \("act": attribute beta is not supported here/);
  });

  /** x → PRelu(x, slope) → y with the slope an initializer of `dims`. */
  const preluModel = (opset: number, dims: number[], slope: number[]) => model({
    opset,
    nodes: [node("PRelu", ["x", "slope"], ["y"], [], "act")],
    initializers: [tensorProto({ name: "slope", dims, data: slope })],
    inputs: [valueInfo("x", SHAPE)],
    outputs: [valueInfo("y", SHAPE)],
  });

  it("PRelu: a slope per channel ([C] at opset 6, [C, 1, 1] or [1, C, 1, 1] from 7) or one shared value", () => {
    const r = rng(42);
    const x = sprinkle(r, randArray(r, 24), 3);
    for (const [opset, dims, slope] of [[6, [2], [0.5, -2]], [9, [2, 1, 1], [0.25, 3]], [16, [1, 2, 1, 1], [-1, 0.125]], [7, [1], [0.3]], [22, [], [0.3]]] as [number, number[], number[]][]) {
      const y = Net.fromOnnx(preluModel(opset, dims, slope)).run(fcn.tensor(x, SHAPE));
      expectIeee(y, { data: preluRef(x, SHAPE, slope.map(f32)), shape: SHAPE }, `PRelu opset ${opset} slope ${JSON.stringify(dims)}`, 1e-7, 1e-6);
    }
  });

  it("PRelu: a [C] slope from opset 7 (numpy broadcasting: per last axis), or a computed slope, is an UnsupportedError naming the node", () => {
    expect(() => Net.fromOnnx(preluModel(9, [4], [1, 2, 3, 4]))).toThrow(/PRelu ×1 \("act": slope \[4\] is neither one value nor one per channel/);
    const computed = model({
      nodes: [node("Relu", ["x"], ["s"], [], "relu"), node("PRelu", ["x", "s"], ["y"], [], "act")],
      inputs: [valueInfo("x", SHAPE)], outputs: [valueInfo("y", SHAPE)],
    });
    expect(() => Net.fromOnnx(computed)).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(computed)).toThrow(/PRelu ×1 \("act": its slope is not a constant/);
  });
});

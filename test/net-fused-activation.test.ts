// A Conv / ConvTranspose layer's `activation` attribute in a GraphSpec (the form the ONNX importer
// fuses into, ops/fused-activation.ts): the same bits as the conv followed by the activation's own
// layers, on the resident plan (the conv engine's per-band epilogue, or after the conv where f has
// no wasm kernel) and op by op, at shapes with several bands per image and for each convTranspose
// path; training gradients equal the unfused graph's; bad values are AttributeErrors naming the layer.
import { beforeAll, describe, expect, it } from "vitest";
import { expectSameBits, fcn, randArray, rng } from "./lib.js";
import type { GraphSpec, LayerSpec, Tensor } from "../dist/index.js";
const { Net, AttributeError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A conv layer `y` with activation, and the same as conv layer `c` then separate layers ending in `y`. */
function pair(conv: Omit<LayerSpec, "name" | "inputs">, activation: Record<string, unknown>, input: number[]): { fused: GraphSpec; plain: GraphSpec } {
  const form = (activation.form ?? "f(x)") as string;
  const act = { op: activation.op, ...(activation.attrs ? { attrs: activation.attrs } : {}) };
  const tail: LayerSpec[] = form === "f(x)"
    ? [{ name: "y", inputs: ["c"], ...act } as LayerSpec]
    : [{ name: "s", inputs: ["c"], ...act } as LayerSpec, { name: "y", op: "Mul", inputs: ["c", "s"] } as LayerSpec];
  const inputSpec = { name: "x", shape: input };
  return {
    fused: { input: inputSpec, output: "y", layers: [{ ...conv, name: "y", inputs: ["x"], attrs: { ...(conv as { attrs: object }).attrs, activation } } as LayerSpec] },
    plain: { input: inputSpec, output: "y", layers: [{ ...conv, name: "c", inputs: ["x"] } as LayerSpec, ...tail] },
  };
}

const CASES: { name: string; conv: Omit<LayerSpec, "name" | "inputs">; activation: Record<string, unknown>; input: number[] }[] = [
  { name: "conv 3×3, 24×96 (several bands per image), batch 2, Clip", conv: { op: "Conv", attrs: { outChannels: 12, kernelShape: [3, 3], pads: 1 } }, activation: { op: "Clip", attrs: { min: -0.25, max: 0.5 } }, input: [2, 40, 24, 96] },
  { name: "conv 3×3 without bias, Relu", conv: { op: "Conv", attrs: { outChannels: 5, kernelShape: [3, 3], bias: false } }, activation: { op: "Relu" }, input: [1, 3, 9, 10] },
  { name: "grouped conv s2, x·HardSigmoid(x)", conv: { op: "Conv", attrs: { outChannels: 6, kernelShape: [3, 3], strides: 2, group: 3 } }, activation: { op: "HardSigmoid", form: "x*f(x)" }, input: [1, 6, 11, 13] },
  { name: "depthwise conv, LeakyRelu", conv: { op: "Conv", attrs: { outChannels: 8, kernelShape: [5, 5], pads: 2, group: 8 } }, activation: { op: "LeakyRelu", attrs: { alpha: 0.3 } }, input: [2, 8, 12, 9] },
  { name: "conv, Elu (no kernel: applied after the conv)", conv: { op: "Conv", attrs: { outChannels: 4, kernelShape: [3, 3], pads: 1 } }, activation: { op: "Elu" }, input: [1, 3, 7, 7] },
  { name: "convTranspose sub-pixel k4 s2, HardSwish", conv: { op: "ConvTranspose", attrs: { outChannels: 4, kernelShape: [4, 4], strides: 2, pads: 1 } }, activation: { op: "HardSwish" }, input: [1, 5, 7, 6] },
  { name: "convTranspose k3 s1 (runs as a conv), Relu", conv: { op: "ConvTranspose", attrs: { outChannels: 4, kernelShape: [3, 3], pads: 1 } }, activation: { op: "Relu" }, input: [1, 5, 7, 6] },
  { name: "convTranspose k2 s3 (GEMM + col2im), x·HardSigmoid(x)", conv: { op: "ConvTranspose", attrs: { outChannels: 3, kernelShape: [2, 2], strides: 3 } }, activation: { op: "HardSigmoid", form: "x*f(x)", attrs: { alpha: 0.25, beta: 0.25 } }, input: [1, 4, 5, 5] },
  { name: "depthwise convTranspose (bilinear-style), Clip", conv: { op: "ConvTranspose", attrs: { outChannels: 4, kernelShape: [4, 4], strides: 2, pads: 1, group: 4 } }, activation: { op: "Clip", attrs: { min: 0 } }, input: [1, 4, 6, 6] },
];

function input(shape: number[], seed: number): Tensor {
  return fcn.tensor(randArray(rng(seed), size(shape)).map((v) => v * 2), shape);
}

describe("GraphSpec conv layers with a fused activation", () => {
  beforeAll(async () => { await fcn.ready(); });
  CASES.forEach((c, k) => {
    it(`${c.name}: the unfused graph's bits, plan and op by op; gradients too`, () => {
      const { fused, plain } = pair(c.conv, c.activation, c.input);
      const p = Net.fromGraph(plain, undefined, { seed: 5 + k });
      const weights = new Map([...p.parameters()].filter(([name]) => name.startsWith("c.")).map(([name, t]) => [name.replace(/^c\./, "y."), t]));
      const f = Net.fromGraph(fused, weights);
      const x = input(c.input, 60 + k);
      const want = p.run(x);
      expectSameBits(f.run(x), want, "plan");
      expectSameBits(Net.fromGraph(fused, weights, { resident: false }).run(x), want, "op by op");
      expect(f.summary().layers[0].activation).toBeDefined();
      // training: the plan keeps the conv's output; the gradient of the f(x) form is the unfused one's bits
      f.training = true;
      p.training = true;
      const dir = input(want.shape.slice(), 90 + k);
      f.run(x);
      p.run(x);
      const gf = f.backward(dir), gp = p.backward(dir);
      for (const [name, t] of gp) {
        const got = gf.get(name.replace(/^c\./, "y."))!;
        if (c.activation.form === undefined) expectSameBits(got, t, `gradient ${name}`);
        else for (let i = 0; i < t.data.length; i++) expect(Math.abs(got.data[i] - t.data[i]), `gradient ${name}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(t.data[i]));
      }
    });
  });

  it("bad activations are AttributeErrors naming the layer", () => {
    const spec = (activation: unknown): GraphSpec => ({ input: { name: "x", shape: [1, 2, 5, 5] }, output: "y", layers: [{ name: "y", op: "Conv", inputs: ["x"], attrs: { outChannels: 2, kernelShape: [3, 3], activation } } as LayerSpec] });
    expect(() => Net.fromGraph(spec({ op: "Softmax" }))).toThrow(AttributeError);
    expect(() => Net.fromGraph(spec({ op: "Softmax" }))).toThrow(/layer "y".*attrs\.activation\.op/);
    expect(() => Net.fromGraph(spec({ op: "Relu", form: "x*f(x)*2" }))).toThrow(/attrs\.activation\.form/);
    expect(() => Net.fromGraph(spec({ op: "LeakyRelu", attrs: { alpha: Number.NaN } }))).toThrow(AttributeError);
    expect(() => Net.fromGraph(spec({ op: "Relu", attrs: { alpha: 1 } }))).toThrow(/Relu takes none/);
    expect(() => Net.fromGraph(spec({ op: "Relu", extra: 1 }))).toThrow(AttributeError);
    expect(() => Net.fromGraph(spec("Relu"))).toThrow(AttributeError);
  });
});

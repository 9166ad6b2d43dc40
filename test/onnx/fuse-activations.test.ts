// Load-time activation fusion (src/onnx/fuse-activations.ts, the conv engine's epilogue): a Conv or
// ConvTranspose followed by each fusable activation, and by the SiLU, x·HardSigmoid(x) and
// written-out hard-swish (Add/Clip/Mul/Div) patterns, imports as one conv layer whose output has
// the very bits of the unfused graph (OnnxOptions.fuse = false), on the resident plan and op by
// op; agrees with onnxruntime-node; exports back to standard nodes (round trip bit for bit,
// onnxruntime on the export); trains (gradients equal the unfused net's, and finite differences).
// What must not fuse: a conv output that is a graph output, read twice, kept, or an activation
// without a wasm kernel. Sigmoid and Tanh fuse exactly when activations.ts gives them a kernel.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, rng, useBuild } from "../lib.js";
import { activation } from "../../dist/ops/activations.js";
import { expectFiniteDifferences } from "../net-finite-differences.js";
import { ortRun } from "./ort-helpers.js";
import { attr, model, node, tensorProto, valueInfo } from "./proto-writer.js";
import type { Tensor } from "../../dist/index.js";
const { Net } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
type Bytes = Uint8Array;

/** Whether the activation's formula has a wasm kernel (Sigmoid and Tanh fuse once they do). */
const hasKernel = (op: string) => activation(op as never, {}, op).kernel !== undefined;

interface Case {
  name: string;
  opset: number;
  /** The conv node: "conv" (3×3 p1), "depthwise", "pointwise", "conv1d", "subpixel" (ConvTranspose k4 s2 p1), "col2im" (k3 s2 dilated 2), "dwt" (depthwise ConvTranspose k4 s2), "bn" (Conv → BatchNormalization). */
  conv: "conv" | "depthwise" | "pointwise" | "conv1d" | "subpixel" | "col2im" | "dwt" | "bn";
  /** The nodes after the conv, from tensor "c" to "y", and their initializers. */
  tail: (inits: Bytes[]) => Bytes[];
  /** The fused layer's summary().activation, or null when it must not fuse. */
  fused: string | null;
}

const scalar = (inits: Bytes[], name: string, v: number): string => { inits.push(tensorProto({ name, dims: [], data: [v] })); return name; };
const clip = (opset: number, inits: Bytes[], x: string, out: string, min: number, max: number): Bytes =>
  opset < 11 ? node("Clip", [x], [out], [attr.float("min", min), attr.float("max", max)]) : node("Clip", [x, scalar(inits, `${out}_min`, min), scalar(inits, `${out}_max`, max)], [out]);
const hardSwishChain = (opset: number, inits: Bytes[], swap = false): Bytes[] => [
  node("Add", swap ? [scalar(inits, "three", 3), "c"] : ["c", scalar(inits, "three", 3)], ["a"]),
  clip(opset, inits, "a", "r6", 0, 6),
  node("Mul", swap ? ["r6", "c"] : ["c", "r6"], ["m"]),
  node("Div", ["m", scalar(inits, "six", 6)], ["y"]),
];
const sigmoidKernel = hasKernel("Sigmoid"), tanhKernel = hasKernel("Tanh");

const CASES: Case[] = [
  { name: "Conv → Relu", opset: 13, conv: "conv", tail: () => [node("Relu", ["c"], ["y"])], fused: "Relu" },
  { name: "Conv → BatchNormalization → Relu (folded, then fused)", opset: 13, conv: "bn", tail: () => [node("Relu", ["c"], ["y"])], fused: "Relu" },
  { name: "Conv → LeakyRelu(0.2)", opset: 13, conv: "conv", tail: () => [node("LeakyRelu", ["c"], ["y"], [attr.float("alpha", 0.2)])], fused: "LeakyRelu(alpha=0.20000000298023224)" },
  { name: "Conv → Clip(−0.5, 0.75) opset 6 attributes", opset: 6, conv: "conv", tail: (i) => [clip(6, i, "c", "y", -0.5, 0.75)], fused: "Clip(min=-0.5, max=0.75)" },
  { name: "depthwise Conv → Clip(0, 6) (ReLU6) opset 11 inputs", opset: 11, conv: "depthwise", tail: (i) => [clip(11, i, "c", "y", 0, 6)], fused: "Clip(min=0, max=6)" },
  { name: "pointwise Conv → HardSigmoid(0.3, 0.4)", opset: 13, conv: "pointwise", tail: () => [node("HardSigmoid", ["c"], ["y"], [attr.float("alpha", 0.3), attr.float("beta", 0.4)])], fused: "HardSigmoid(alpha=0.30000001192092896, beta=0.4000000059604645)" },
  { name: "Conv → HardSwish (opset 14)", opset: 14, conv: "conv", tail: () => [node("HardSwish", ["c"], ["y"])], fused: "HardSwish" },
  { name: "1-D Conv → LeakyRelu", opset: 13, conv: "conv1d", tail: () => [node("LeakyRelu", ["c"], ["y"])], fused: "LeakyRelu" },
  { name: "Conv → Sigmoid", opset: 13, conv: "conv", tail: () => [node("Sigmoid", ["c"], ["y"])], fused: sigmoidKernel ? "Sigmoid" : null },
  { name: "Conv → Tanh", opset: 13, conv: "conv", tail: () => [node("Tanh", ["c"], ["y"])], fused: tanhKernel ? "Tanh" : null },
  { name: "Conv → Elu", opset: 13, conv: "conv", tail: () => [node("Elu", ["c"], ["y"])], fused: "Elu" },
  { name: "Conv → Softplus (no kernel: not fused)", opset: 13, conv: "conv", tail: () => [node("Softplus", ["c"], ["y"])], fused: null },
  { name: "SiLU Mul(x, Sigmoid(x))", opset: 13, conv: "conv", tail: () => [node("Sigmoid", ["c"], ["s"]), node("Mul", ["c", "s"], ["y"])], fused: sigmoidKernel ? "x*Sigmoid(x)" : null },
  { name: "x·HardSigmoid(x) (Keras hard-swish), Mul(f, x)", opset: 13, conv: "conv", tail: () => [node("HardSigmoid", ["c"], ["s"], [attr.float("alpha", 1 / 6), attr.float("beta", 0.5)]), node("Mul", ["s", "c"], ["y"])], fused: "x*HardSigmoid(x; alpha=0.1666666716337204, beta=0.5)" },
  { name: "hard-swish Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6) opset 11", opset: 11, conv: "conv", tail: (i) => hardSwishChain(11, i), fused: "x*Clip(x+3; min=0, max=6)/6" },
  { name: "hard-swish, operands swapped, opset 9, depthwise", opset: 9, conv: "depthwise", tail: (i) => hardSwishChain(9, i, true), fused: "x*Clip(x+3; min=0, max=6)/6" },
  { name: "ConvTranspose sub-pixel k4 s2 → Relu", opset: 13, conv: "subpixel", tail: () => [node("Relu", ["c"], ["y"])], fused: "Relu" },
  { name: "ConvTranspose GEMM + col2im (dilated) → hard-swish chain", opset: 13, conv: "col2im", tail: (i) => hardSwishChain(13, i), fused: "x*Clip(x+3; min=0, max=6)/6" },
  { name: "depthwise ConvTranspose → x·HardSigmoid(x)", opset: 13, conv: "dwt", tail: () => [node("HardSigmoid", ["c"], ["s"]), node("Mul", ["c", "s"], ["y"])], fused: "x*HardSigmoid(x)" },
];

/** The model of a case: x [1, 6, 9, 11] (1-D: [2, 6, 13]) → conv → "c" → tail → "y". */
function build(c: Case, random: () => number): { bytes: Bytes; x: Tensor } {
  const inits: Bytes[] = [];
  const t = (name: string, dims: number[], scale = 1): string => {
    inits.push(tensorProto({ name, dims, data: randArray(random, size(dims)).map((v) => v * scale) }));
    return name;
  };
  const C = 6;
  const xShape = c.conv === "conv1d" ? [2, C, 13] : [1, C, 9, 11];
  const nodes: Bytes[] = [];
  const k2 = (k: number) => [attr.ints("kernel_shape", [k, k])];
  switch (c.conv) {
    case "conv": nodes.push(node("Conv", ["x", t("w", [8, C, 3, 3], 0.5), t("b", [8])], ["c"], [...k2(3), attr.ints("pads", [1, 1, 1, 1])])); break;
    case "bn": nodes.push(
      node("Conv", ["x", t("w", [8, C, 3, 3], 0.5)], ["c0"], [...k2(3), attr.ints("strides", [2, 1])]),
      node("BatchNormalization", ["c0", t("gamma", [8]), t("beta", [8]), t("mean", [8]), t("var", [8], 0.1)], ["c"], [attr.float("epsilon", 2)])); break;
    case "depthwise": nodes.push(node("Conv", ["x", t("w", [C, 1, 3, 3]), t("b", [C])], ["c"], [...k2(3), attr.ints("pads", [1, 1, 1, 1]), attr.int("group", C)])); break;
    case "pointwise": nodes.push(node("Conv", ["x", t("w", [5, C, 1, 1]), t("b", [5])], ["c"], k2(1))); break;
    case "conv1d": nodes.push(node("Conv", ["x", t("w", [7, C, 5], 0.5), t("b", [7])], ["c"], [attr.ints("kernel_shape", [5]), attr.ints("pads", [2, 2])])); break;
    case "subpixel": nodes.push(node("ConvTranspose", ["x", t("w", [C, 4, 4, 4], 0.5), t("b", [4])], ["c"], [...k2(4), attr.ints("strides", [2, 2]), attr.ints("pads", [1, 1, 1, 1])])); break;
    case "col2im": nodes.push(node("ConvTranspose", ["x", t("w", [C, 3, 3, 3], 0.5), t("b", [3])], ["c"], [...k2(3), attr.ints("strides", [2, 2]), attr.ints("dilations", [2, 2])])); break;
    case "dwt": nodes.push(node("ConvTranspose", ["x", t("w", [C, 1, 4, 4]), t("b", [C])], ["c"], [...k2(4), attr.ints("strides", [2, 2]), attr.ints("pads", [1, 1, 1, 1]), attr.int("group", C)])); break;
  }
  nodes.push(...c.tail(inits));
  const x = fcn.tensor(randArray(random, size(xShape)).map((v) => v * 3), xShape);
  return { bytes: model({ opset: c.opset, ir: c.opset < 7 ? 3 : 8, nodes, initializers: inits, inputs: [valueInfo("x", xShape)], outputs: [valueInfo("y", [])] }), x };
}

describe("ONNX load-time activation fusion", () => {
  for (const b of BUILDS) {
    describe(`${b} build`, () => {
      beforeAll(() => useBuild(b));
      CASES.forEach((c, k) => {
        it(`${c.name}: ${c.fused === null ? "not fused" : `fused as ${c.fused}`}, the unfused graph's bits`, () => {
          const { bytes, x } = build(c, rng(300 + k));
          const net = Net.fromOnnx(bytes), plain = Net.fromOnnx(bytes, { fuse: false });
          const layers = net.summary().layers;
          if (c.fused === null) {
            expect(layers.some((l) => l.activation !== undefined), "no layer fused").toBe(false);
          } else {
            expect(layers.length, "one layer").toBe(1);
            expect(layers[0], "the fused layer").toMatchObject({ name: "y", activation: c.fused });
            expect(plain.summary().layers.length, "unfused: the conv and its activation layers").toBeGreaterThan(1);
          }
          const y = net.run(x);
          expectSameBits(y, plain.run(x), "fused vs unfused (resident plans)");
          expectSameBits(Net.fromGraph(net.spec, net.parameters(), { resident: false }).run(x), y, "fused op by op vs resident");
          net.dispose();
          plain.dispose();
        });
      });
    });
  }

  CASES.filter((c) => c.fused !== null).forEach((c, k) => {
    it(`${c.name}: agrees with onnxruntime; toOnnx writes standard nodes that read back bit for bit`, async () => {
      const { bytes, x } = build(c, rng(300 + CASES.indexOf(c)));
      const net = Net.fromOnnx(bytes);
      const y = net.run(x);
      expectClose(y, await ortRun(bytes, x), `${c.name}: Net vs onnxruntime`, 1e-5, 1e-5);
      const exported = net.toOnnx();
      const back = Net.fromOnnx(exported);
      expect(back.summary().layers.map((l) => l.activation), "fused again on reading the export").toEqual([c.fused]);
      expectSameBits(back.run(x), y, "round trip");
      expectSameBits(Net.fromOnnx(exported, { fuse: false }).run(x), y, "the export unfused");
      expectClose(await ortRun(exported, x, "y"), y, `${c.name}: onnxruntime on the export`, 1e-5, 1e-5);
      void k;
    });
  });

  describe("what does not fuse", () => {
    const inits = (random: () => number): Bytes[] => [
      tensorProto({ name: "w", dims: [4, 3, 3, 3], data: randArray(random, 108) }), tensorProto({ name: "b", dims: [4], data: randArray(random, 4) }),
    ];
    const conv = node("Conv", ["x", "w", "b"], ["c"], [attr.ints("kernel_shape", [3, 3]), attr.ints("pads", [1, 1, 1, 1])]);
    const x = fcn.tensor(randArray(rng(7), 3 * 36), [1, 3, 6, 6]);
    const io = { inputs: [valueInfo("x", [1, 3, 6, 6])] };
    it("a conv output that is also a graph output", () => {
      const bytes = model({ nodes: [conv, node("Relu", ["c"], ["y"])], initializers: inits(rng(1)), ...io, outputs: [valueInfo("y", []), valueInfo("c", [])] });
      expect(Net.fromOnnx(bytes).summary().layers.map((l) => l.op)).toEqual(["Conv", "Relu"]);
    });
    it("a conv output read by two layers", () => {
      const bytes = model({ nodes: [conv, node("Relu", ["c"], ["r"]), node("Add", ["r", "c"], ["y"])], initializers: inits(rng(2)), ...io, outputs: [valueInfo("y", [])] });
      const net = Net.fromOnnx(bytes);
      expect(net.summary().layers.map((l) => l.op)).toEqual(["Conv", "Relu", "Add"]);
      expectSameBits(net.run(x), Net.fromOnnx(bytes, { fuse: false }).run(x), "same either way");
    });
    it("a conv output the caller keeps (OnnxOptions.keep), or keep: \"all\"", () => {
      const bytes = model({ nodes: [conv, node("Relu", ["c"], ["y"])], initializers: inits(rng(3)), ...io, outputs: [valueInfo("y", [])] });
      const kept = Net.fromOnnx(bytes, { keep: ["c"] });
      expect(kept.summary().layers.map((l) => l.op)).toEqual(["Conv", "Relu"]);
      kept.run(x);
      expect(kept.blob("c")).toBeDefined();
      expect(Net.fromOnnx(bytes, { keep: "all" }).summary().layers.map((l) => l.op)).toEqual(["Conv", "Relu"]);
      expect(Net.fromOnnx(bytes).summary().layers.map((l) => l.op)).toEqual(["Conv"]);
    });
    it("options.fuse must be a boolean", () => {
      const bytes = model({ nodes: [conv, node("Relu", ["c"], ["y"])], initializers: inits(rng(4)), ...io, outputs: [valueInfo("y", [])] });
      expect(() => Net.fromOnnx(bytes, { fuse: "no" as never })).toThrow(fcn.AttributeError);
    });
  });

  describe("training a fused net", () => {
    const trainable = CASES.filter((c) => c.fused !== null && ["LeakyRelu", "x*HardSigmoid", "x*Clip", "HardSwish", "Relu"].some((p) => c.fused!.startsWith(p)));
    trainable.forEach((c) => {
      it(`${c.name}: gradients equal the unfused net's; plan and op by op agree; finite differences`, () => {
        const { bytes, x } = build(c, rng(300 + CASES.indexOf(c)));
        const r = rng(77);
        const fused = Net.fromOnnx(bytes), plain = Net.fromOnnx(bytes, { fuse: false });
        fused.training = true;
        plain.training = true;
        const y = fused.run(x);
        const dir = fcn.tensor(randArray(r, size(y.shape)), y.shape);
        const g = fused.backward(dir);
        plain.run(x);
        const gp = plain.backward(dir);
        expect(g.size).toBe(gp.size);
        // the conv's parameters are named after the fused layer ("y") and after the conv ("c") unfused
        for (const [name, t] of g) {
          const want = gp.get(name.replace(/^y\./, "c.")) ?? gp.get(name.replace(/^y\./, `${plain.spec.layers[0].name}.`))!;
          // form f(x): the same formulas in the same order (bits); the patterns sum the two paths in another order
          if ((c.fused ?? "").startsWith("x*")) expectClose(t, want, `${c.name}: ${name} vs unfused`, 1e-5, 1e-4);
          else expectSameBits(t, want, `${c.name}: ${name} vs unfused`);
        }
        // op by op (saved pre-activation), and after an inference plan run (recomputed)
        const opByOp = Net.fromGraph(fused.spec, fused.parameters(), { resident: false });
        opByOp.training = true;
        opByOp.run(x);
        for (const [name, t] of opByOp.backward(dir)) expectSameBits(t, g.get(name)!, `${c.name}: op by op ${name}`);
        // finite differences for the activations smooth near 0, at a smaller input so that few
        // outputs sit within a step of their kinks at ±3 (a crossing moves the quotient by O(1));
        // Relu and LeakyRelu, kinked at 0, have the unfused net's very gradients above
        if (!["HardSwish", "x*"].some((p) => c.fused!.startsWith(p))) return;
        const inference = Net.fromGraph(fused.spec, fused.parameters());
        const small = fcn.tensor(x.data.map((v) => v * 0.25), x.shape);
        expectFiniteDifferences(fused.spec, inference, small, dir, (n) => Array.from({ length: 4 }, () => Math.floor(r() * n)), undefined, 1e-3);
      });
    });
  });
});

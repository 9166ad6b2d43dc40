// net.toOnnx() (src/onnx/from-graph.ts): the written model loads back with Net.fromOnnx and gives
// the very same bits as the net it came from, for every case of export-cases.ts, on both builds;
// it carries IR 8, the lowest opset the graph needs, float32 raw_data initializers named after the
// parameters, and shaped graph input/output. A layer ONNX cannot express is an UnsupportedError.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectSameBits, fcn, useBuild } from "../lib.js";
import { readModel } from "../../dist/onnx/proto.js";
import { CASES, randomInput, randomNet } from "./export-cases.js";
const { Net, UnsupportedError } = fcn;

describe.each(BUILDS)("net.toOnnx() on the %s build", (build) => {
  beforeAll(() => useBuild(build));

  it.each(CASES.map((c, i) => [c.name, c, i] as const))("%s: Net.fromOnnx(net.toOnnx()) runs bit for bit like the net", (_, c, i) => {
    const net = randomNet(c.spec, 100 + i);
    const x = randomInput(c.spec, 200 + i);
    const back = Net.fromOnnx(net.toOnnx());
    expectSameBits(back.run(x), net.run(x), c.name);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: IR 8, the lowest opset, parameters as raw float32, shaped input and output", (_, c) => {
    const net = randomNet(c.spec, 7);
    const model = readModel(net.toOnnx());
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport).toEqual([{ domain: "", version: c.opset }]);
    const graph = model.graph!;
    const params = net.parameters();
    const written = graph.initializer.filter((t) => params.has(t.name));
    expect(written.map((t) => t.name).sort()).toEqual([...params.keys()].sort());
    for (const t of written) {
      expect(t.dataType).toBe(1);
      // a PRelu slope [C] is written [C, 1, …] so that it broadcasts onto the channel axis
      const prelu = c.spec.layers.some((l) => l.op === "PRelu" && t.name === `${l.name}.weight`);
      if (!prelu) expect(t.dims).toEqual(params.get(t.name)!.shape);
      const raw = t.rawData!;
      expect(new Float32Array(raw.slice().buffer)).toEqual(params.get(t.name)!.data);
    }
    expect(graph.input.map((v) => [v.name, v.shape])).toEqual([[c.spec.input.name, c.spec.input.shape]]);
    expect(graph.output.map((v) => [v.name, v.shape])).toEqual([[c.spec.output, net.run(randomInput(c.spec, 1)).shape]]);
    // inference form: no Dropout node, and a Crop is a Slice
    const ops = graph.node.map((n) => n.opType);
    expect(ops).not.toContain("Dropout");
    expect(ops.filter((o) => o === "Slice").length).toBe(c.spec.layers.filter((l) => l.op === "Crop").length);
  });

  it("writes Crop as Slice with attributes below opset 10 and with int64 inputs from 10", () => {
    const [, fcn8] = CASES;
    const slices = (bytes: Uint8Array) => readModel(bytes).graph!.node.filter((n) => n.opType === "Slice");
    const at10 = slices(randomNet(fcn8.spec, 1).toOnnx());
    expect(at10.every((n) => n.input.length === 4 && n.attribute.length === 0)).toBe(true);
    const oneD = CASES[5];
    const at7 = slices(randomNet(oneD.spec, 1).toOnnx());
    expect(at7.map((n) => [n.input.length, n.attribute.map((a) => [a.name, a.ints])])).toEqual([[1, [["starts", [3]], ["ends", [3 + 12]], ["axes", [2]]]]]);
  });

  it("a graph output that a Dropout passes on keeps its name (an Identity) and loads back", () => {
    const spec = { input: { name: "x", shape: [1, 2, 5, 5] }, output: "drop", layers: [
      { name: "c", op: "Conv", inputs: ["x"], attrs: { kernelShape: 3, outChannels: 2 } },
      { name: "drop", op: "Dropout", inputs: ["c"] },
    ] } as const;
    const net = randomNet(spec as never, 3), x = randomInput(spec as never, 4);
    const bytes = net.toOnnx();
    expect(readModel(bytes).graph!.node.map((n) => n.opType)).toEqual(["Conv", "Identity"]);
    expectSameBits(Net.fromOnnx(bytes).run(x), net.run(x), "Dropout as output");
  });

  it("a ConvTranspose whose resolved begin pads are negative (SAME_UPPER, kernel < stride) is an UnsupportedError naming it", () => {
    const net = Net.fromGraph({ input: { name: "x", shape: [1, 2, 4, 4] }, output: "up", layers: [
      { name: "up", op: "ConvTranspose", inputs: ["x"], attrs: { kernelShape: 1, strides: 2, autoPad: "SAME_UPPER", outChannels: 2 } },
    ] });
    expect(() => net.toOnnx()).toThrow(UnsupportedError);
    expect(() => net.toOnnx()).toThrow(/layer "up" \(ConvTranspose\).*negative begin pads \[-1, -1\]/);
    // the module keeps working
    expect(readModel(randomNet(CASES[0].spec, 1).toOnnx()).irVersion).toBe(8);
  });
});

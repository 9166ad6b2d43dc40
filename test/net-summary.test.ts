// net.summary(): output shapes, parameter counts and multiply-accumulates per layer (checked by
// hand for a small net), and the planned bytes: the plan's own count once it is laid out.
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, useBuild } from "./lib.js";

const spec = {
  input: { name: "x", shape: [2, 3, 10, 12] },
  output: "cat",
  layers: [
    { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: [3, 3], pads: 1 } },
    { name: "r", op: "Relu", inputs: ["c"] },
    { name: "up", op: "ConvTranspose", inputs: ["r"], attrs: { outChannels: 2, kernelShape: [4, 4], strides: 2, pads: 1, bias: false } },
    { name: "k", op: "Constant", inputs: [], attrs: { shape: [2, 1, 20, 24] } },
    { name: "cat", op: "Concat", inputs: ["up", "k"], attrs: { axis: 1 } },
  ],
} as const;

describe("net.summary", () => {
  beforeAll(() => useBuild("simd"));

  it("lists every layer with its output shape, parameters and MACs", () => {
    const net = fcn.Net.fromGraph(JSON.parse(JSON.stringify(spec)));
    const s = net.summary();
    expect(s.layers.map((l) => [l.name, l.op, l.outShape, l.params, l.macs])).toEqual([
      // conv: 2·4·10·12 outputs × 3·3·3 products; weight 4·3·3·3 + bias 4
      ["c", "Conv", [2, 4, 10, 12], 112, 2 * 4 * 10 * 12 * 27],
      ["r", "Relu", [2, 4, 10, 12], 0, 0],
      // convTranspose: 2·4·10·12 inputs each scatter 2·4·4 products; weight [4, 2, 4, 4], no bias
      ["up", "ConvTranspose", [2, 2, 20, 24], 128, 2 * 4 * 10 * 12 * 32],
      ["k", "Constant", [2, 1, 20, 24], 960, 0],
      ["cat", "Concat", [2, 3, 20, 24], 0, 0],
    ]);
    // + the ConvTranspose's weights packed for its GEMM (GEMM + col2im): 2·4·4 rows × 4 channels,
    // + the Conv's packed for its im2col + GEMM: 4 rows (one panel) × 3·3·3
    const elements = 2 * 3 * 10 * 12 + 112 + 960 + 128 + 2 * (2 * 4 * 10 * 12) + 2 * 2 * 20 * 24 + 2 * 1 * 20 * 24 + 2 * 3 * 20 * 24 + 128 + 4 * 27;
    expect(s.plannedBytes).toBe(4 * elements);
    net.run(fcn.tensor(new Float32Array(720), [2, 3, 10, 12]));
    expect(net.summary().plannedBytes).toBe(4 * elements); // the plan's own count agrees
  });

  it("answers for another input shape", () => {
    const net = fcn.Net.fromGraph(JSON.parse(JSON.stringify(spec)));
    expect(() => net.summary([1, 3, 10, 12])).toThrow(fcn.ShapeError); // the Concat's constant is for batch 2
    expect(() => net.summary([2, 3, 0, 12] as number[])).toThrow(/summary\(inputShape\)\[2\]/);
  });
});

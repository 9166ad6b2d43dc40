// The nets the ONNX export tests write: every GraphSpec layer type, small FCN-8s with learned and
// fixed bilinear upsampling, a decoder, grouped and dilated convs, 1-D and 2-D. Each is a Net with
// seeded random parameters (FCN's zero-initialised score layers would make every output 0) and a
// seeded random input of the spec's shape.
import { fcn, randArray, rng } from "../lib.js";
import type { GraphSpec, Net as NetType, Tensor } from "../../dist/index.js";

export interface ExportCase { name: string; spec: GraphSpec; /** The opset the export must choose. */ opset: number }

const conv = (name: string, input: string, outChannels: number, attrs: Record<string, unknown> = {}) =>
  ({ name, op: "Conv", inputs: [input], attrs: { kernelShape: [3, 3], pads: 1, outChannels, ...attrs } });

export const CASES: ExportCase[] = [
  {
    name: "every layer type: Conv, ConvTranspose, Relu, MaxPool, Add, Crop (computed offsets), Dropout, Scale, Softmax", opset: 13,
    spec: {
      input: { name: "image", shape: [2, 3, 17, 15] },
      output: "prob",
      layers: [
        conv("c1", "image", 4, { pads: 0 }),
        { name: "r1", op: "Relu", inputs: ["c1"] },
        { name: "p1", op: "MaxPool", inputs: ["r1"], attrs: { kernelShape: 2, strides: 2, ceilMode: true } },
        { name: "d1", op: "Dropout", inputs: ["p1"], attrs: { ratio: 0.3 } },
        { name: "up", op: "ConvTranspose", inputs: ["d1"], attrs: { kernelShape: 4, strides: 2, outChannels: 4, bias: false } },
        { name: "cr", op: "Crop", inputs: ["up", "c1"] },
        { name: "s1", op: "Scale", inputs: ["c1"], attrs: { scale: 0.25 } },
        { name: "sum", op: "Add", inputs: ["cr", "s1"] },
        { name: "prob", op: "Softmax", inputs: ["sum"] },
      ],
    } as GraphSpec,
  },
  { name: "FCN-8s (small widths), fixed bilinear upsampling", opset: 10, spec: fcn.fcn({ variant: "8s", classes: 3, widths: [2, 3, 4, 4, 4], fc: 5, inputShape: [1, 3, 37, 29] }) },
  { name: "FCN-8s (small widths), learned upsampling", opset: 10, spec: fcn.fcn({ variant: "8s", classes: 3, widths: [2, 3, 4, 4, 4], fc: 5, learnUpsampling: true, inputShape: [1, 3, 32, 32] }) },
  {
    name: "decoder: ConvTranspose k4 s2 p1 + bias, then an outputShape one past the full size (a negative end pad) and a SAME_LOWER one", opset: 7,
    spec: {
      input: { name: "z", shape: [1, 6, 5, 4] },
      output: "t3",
      layers: [
        { name: "t1", op: "ConvTranspose", inputs: ["z"], attrs: { kernelShape: 4, strides: 2, pads: 1, outChannels: 5 } },
        { name: "a1", op: "Relu", inputs: ["t1"] },
        { name: "t2", op: "ConvTranspose", inputs: ["a1"], attrs: { kernelShape: 3, strides: 2, outputShape: [22, 17], outChannels: 4 } },
        { name: "t3", op: "ConvTranspose", inputs: ["t2"], attrs: { kernelShape: 3, strides: 2, autoPad: "SAME_LOWER", outputPadding: 1, outChannels: 2 } },
      ],
    } as GraphSpec,
  },
  {
    name: "grouped and dilated convs, a dilated MaxPool", opset: 10,
    spec: {
      input: { name: "x", shape: [2, 6, 16, 13] },
      output: "g3",
      layers: [
        conv("g1", "x", 9, { group: 3, dilations: [2, 1], strides: [1, 2] }),
        { name: "pool", op: "MaxPool", inputs: ["g1"], attrs: { kernelShape: [2, 3], dilations: 2, pads: [1, 0, 0, 1] } },
        conv("g2", "pool", 9, { group: 9, kernelShape: [5, 5], pads: 2 }),
        { name: "g3", op: "ConvTranspose", inputs: ["g2"], attrs: { kernelShape: 3, strides: 3, dilations: 2, group: 3, outChannels: 6 } },
      ],
    } as GraphSpec,
  },
  {
    name: "1-D: Conv, MaxPool, ConvTranspose, Crop, Add", opset: 7,
    spec: {
      input: { name: "signal", shape: [3, 2, 23] },
      output: "out",
      layers: [
        { name: "c", op: "Conv", inputs: ["signal"], attrs: { kernelShape: [5], strides: 2, outChannels: 4, autoPad: "SAME_UPPER" } },
        { name: "m", op: "MaxPool", inputs: ["c"], attrs: { kernelShape: 3, strides: 2 } },
        { name: "u", op: "ConvTranspose", inputs: ["m"], attrs: { kernelShape: [8], strides: 4, outChannels: 4 } },
        { name: "k", op: "Crop", inputs: ["u", "c"], attrs: { offsets: [3] } },
        { name: "out", op: "Add", inputs: ["k", "c"] },
      ],
    } as GraphSpec,
  },
  {
    // float attributes are float32 in ONNX: these values are exact in float32, so the round trip stays bit for bit
    name: "every activation and PRelu per channel (HardSwish needs opset 14: Clip's bounds become inputs)", opset: 14,
    spec: {
      input: { name: "x", shape: [2, 3, 9, 8] },
      output: "pr",
      layers: [
        conv("c1", "x", 4),
        { name: "sg", op: "Sigmoid", inputs: ["c1"] },
        conv("c2", "sg", 4),
        { name: "th", op: "Tanh", inputs: ["c2"] },
        { name: "lr", op: "LeakyRelu", inputs: ["th"], attrs: { alpha: 0.125 } },
        { name: "el", op: "Elu", inputs: ["lr"], attrs: { alpha: 0.5 } },
        { name: "se", op: "Selu", inputs: ["el"] },
        { name: "sp", op: "Softplus", inputs: ["se"] },
        { name: "hs", op: "HardSigmoid", inputs: ["sp"], attrs: { alpha: 0.25, beta: 0.375 } },
        { name: "hw", op: "HardSwish", inputs: ["hs"] },
        conv("c3", "hw", 4),
        { name: "cl", op: "Clip", inputs: ["c3"], attrs: { max: 0.75 } },
        { name: "pr", op: "PRelu", inputs: ["cl"] },
      ],
    } as GraphSpec,
  },
  {
    name: "Clip with attribute bounds (opset 7) and a shared PRelu slope, 1-D", opset: 7,
    spec: {
      input: { name: "s", shape: [2, 3, 11] },
      output: "pr",
      layers: [
        { name: "c", op: "Conv", inputs: ["s"], attrs: { kernelShape: [3], outChannels: 3 } },
        { name: "cl", op: "Clip", inputs: ["c"], attrs: { min: -0.5, max: 6 } },
        { name: "pr", op: "PRelu", inputs: ["cl"], attrs: { shared: true } },
      ],
    } as GraphSpec,
  },
  {
    name: "a classifier head: Conv, GlobalAveragePool + GlobalMaxPool, 1×1 Conv", opset: 7,
    spec: {
      input: { name: "x", shape: [2, 3, 7, 6] }, output: "logits",
      layers: [conv("c", "x", 4), { name: "gap", op: "GlobalAveragePool", inputs: ["c"] }, { name: "gmp", op: "GlobalMaxPool", inputs: ["c"] },
        { name: "both", op: "Add", inputs: ["gap", "gmp"] }, conv("logits", "both", 3, { kernelShape: 1, pads: 0 })],
    } as GraphSpec,
  },
  {
    // the last ceil windows reach past the padded end: onnxruntime checks which taps count_include_pad counts
    name: "AveragePool with pads, counting them, and ceil_mode (opset 10), then a SAME_LOWER one, 1-D too", opset: 10,
    spec: {
      input: { name: "x", shape: [2, 3, 10, 9] }, output: "a2",
      layers: [
        { name: "a1", op: "AveragePool", inputs: ["x"], attrs: { kernelShape: 3, strides: 2, pads: [1, 1, 0, 1], ceilMode: 1, countIncludePad: 1 } },
        { name: "a2", op: "AveragePool", inputs: ["a1"], attrs: { kernelShape: [2, 3], autoPad: "SAME_LOWER", ceilMode: true } },
      ],
    } as GraphSpec,
  },
  {
    name: "a dilated AveragePool needs opset 19", opset: 19,
    spec: {
      input: { name: "s", shape: [1, 2, 17] }, output: "a",
      layers: [{ name: "a", op: "AveragePool", inputs: ["s"], attrs: { kernelShape: 3, dilations: 2, strides: 3, pads: [2, 1], countIncludePad: true } }],
    } as GraphSpec,
  },
];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A Net of `spec` whose every parameter is seeded random in [-1, 1) (set through the live tensors). */
export function randomNet(spec: GraphSpec, seed: number): NetType {
  const net = fcn.Net.fromGraph(spec);
  const random = rng(seed);
  for (const t of net.parameters().values()) t.data.set(randArray(random, t.data.length));
  return net;
}

/** A seeded random input of the spec's shape. */
export function randomInput(spec: GraphSpec, seed: number): Tensor {
  return fcn.tensor(randArray(rng(seed), size(spec.input.shape)), spec.input.shape.slice());
}

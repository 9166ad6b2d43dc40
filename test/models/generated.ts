// Generated ONNX models of the kinds people bring (issue: real models in and out), written byte by
// byte with test/onnx/proto-writer.ts (independent of src/): a U-Net (ConvTranspose + Concat +
// BatchNormalization nodes) in 2-D and 3-D, a DCGAN generator, ESPCN with DepthToSpace in both modes, a
// torchvision-style segmentation head whose bilinear Resize takes its sizes from a
// Shape → Gather → Unsqueeze → Concat chain, and a Paddle2ONNX-style graph (every weight a
// Constant node, hard-swish written as Add/Clip/Mul/Div). Each is written at a given opset in the
// form that opset asks for (Unsqueeze axes and Clip bounds as inputs from 13 and 11…). Weights are
// seeded, He-scaled, so the outputs stay of unit order. Used by test/onnx/generated-models.test.ts
// (against onnxruntime-node) and bench/models.ts (against onnxruntime-web).
import { attr, cat, int, len, model, node, tensorProto, valueInfo, type Bytes } from "../onnx/proto-writer.js";

/** Mulberry32 (as src/random.ts), so this file needs nothing of the package. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A graph under construction: nodes, initializers (or Constant nodes), a name counter. */
class Graph {
  readonly nodes: Bytes[] = [];
  readonly inits: Bytes[] = [];
  private n = 0;
  private readonly random: () => number;

  constructor(seed: number, readonly opset: number, private readonly constantNodes = false) {
    this.random = mulberry32(seed);
  }

  name(base: string): string {
    return `${base}_${this.n++}`;
  }

  /** A float tensor (initializer, or a Constant node in Paddle style). */
  floats(dims: number[], values: ArrayLike<number>, base = "w"): string {
    const name = this.name(base);
    if (this.constantNodes) this.nodes.push(node("Constant", [], [name], [attr.tensor("value", { dims, data: values })]));
    else this.inits.push(tensorProto({ name, dims, data: values }));
    return name;
  }

  /** Uniform ±√(3 / fanIn)·gain: unit-variance activations through a stack of them. */
  weight(dims: number[], fanIn = dims.slice(1).reduce((a, b) => a * b, 1), gain = Math.SQRT2): string {
    const n = dims.reduce((a, b) => a * b, 1), limit = gain * Math.sqrt(3 / fanIn);
    return this.floats(dims, Float32Array.from({ length: n }, () => (this.random() * 2 - 1) * limit));
  }

  uniform(dims: number[], lo: number, hi: number, base = "p"): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.floats(dims, Float32Array.from({ length: n }, () => lo + this.random() * (hi - lo)), base);
  }

  /** An int64 initializer (or Constant node). */
  int64(values: number[], dims = [values.length]): string {
    const name = this.name("i");
    const t = { dims, dataType: 7, extra: [len(9, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer))] };
    if (this.constantNodes) this.nodes.push(node("Constant", [], [name], [attr.tensor("value", t)]));
    else this.inits.push(tensorProto({ name, ...t }));
    return name;
  }

  op(type: string, inputs: string[], attrs: Bytes[] = [], outputs = 1): string {
    const outs = Array.from({ length: outputs }, () => this.name(type.toLowerCase()));
    this.nodes.push(node(type, inputs, outs, attrs, outs[0]));
    return outs[0];
  }

  /** A Conv with a k×k kernel (k×k×k with `rank` 3), the same stride and pad on every axis. */
  conv(x: string, cin: number, cout: number, k: number, o: { stride?: number; pad?: number; group?: number; bias?: boolean; rank?: number } = {}): string {
    const group = o.group ?? 1, pad = o.pad ?? (k >> 1), axes = (v: number) => new Array<number>(o.rank ?? 2).fill(v);
    const w = this.weight([cout, cin / group, ...axes(k)]);
    const inputs = [x, w, ...(o.bias === false ? [] : [this.uniform([cout], -0.1, 0.1, "b")])];
    return this.op("Conv", inputs, [attr.ints("kernel_shape", axes(k)), attr.ints("pads", [...axes(pad), ...axes(pad)]), attr.ints("strides", axes(o.stride ?? 1)), attr.int("group", group)]);
  }

  /** A ConvTranspose with a k×k kernel (k×k×k with `rank` 3), the same stride and pad on every axis. */
  convTranspose(x: string, cin: number, cout: number, k: number, stride: number, pad: number, rank = 2): string {
    const axes = (v: number) => new Array<number>(rank).fill(v);
    // fan-in of a transposed convolution: the taps reaching one output, cin·(k/stride)^rank
    const w = this.weight([cin, cout, ...axes(k)], cin * Math.max(1, (k / stride) ** rank));
    return this.op("ConvTranspose", [x, w, this.uniform([cout], -0.1, 0.1, "b")],
      [attr.ints("kernel_shape", axes(k)), attr.ints("strides", axes(stride)), attr.ints("pads", [...axes(pad), ...axes(pad)])]);
  }

  batchNorm(x: string, c: number): string {
    const inputs = [x, this.uniform([c], 0.5, 1.5, "gamma"), this.uniform([c], -0.2, 0.2, "beta"), this.uniform([c], -0.2, 0.2, "mean"), this.uniform([c], 0.5, 2, "var")];
    return this.op("BatchNormalization", inputs, [attr.float("epsilon", 1e-5), ...(this.opset < 7 ? [attr.int("is_test", 1)] : [])]);
  }

  unsqueeze(x: string, axes: number[]): string {
    return this.opset >= 13 ? this.op("Unsqueeze", [x, this.int64(axes)]) : this.op("Unsqueeze", [x], [attr.ints("axes", axes)]);
  }

  clip(x: string, min: number, max: number): string {
    if (this.opset < 11) return this.op("Clip", [x], [attr.float("min", min), attr.float("max", max)]);
    return this.op("Clip", [x, this.floats([], [min], "min"), this.floats([], [max], "max")]);
  }

  model(input: { name: string; dims: (number | string)[] }, outputs: { name: string; dims: (number | string)[] }[]): Uint8Array {
    return model({ opset: this.opset, nodes: this.nodes, initializers: this.inits, inputs: [valueInfo(input.name, input.dims)], outputs: outputs.map((o) => valueInfo(o.name, o.dims)) });
  }
}

/** A generated model: its bytes, its input's name and dims, its output's name, and what it is. */
export interface GeneratedModel {
  name: string;
  bytes: Uint8Array;
  input: { name: string; dims: number[] };
  output: string;
  /** The ONNX operators it uses (for reports). */
  ops: string[];
}

/**
 * A small U-Net: two encoder levels (Conv + BatchNormalization + Relu, MaxPool), a ConvTranspose
 * k2 s2 up, a Concat with the skip, a BatchNormalization straight after the Concat (no conv to
 * fold it into), Conv + BatchNorm + Relu, a 1×1 Conv to `classes`.
 */
export function unet(opset: number, size = 32, width = 8, classes = 3): GeneratedModel {
  const g = new Graph(11, opset);
  const block = (x: string, cin: number, cout: number) => g.op("Relu", [g.batchNorm(g.conv(x, cin, cout, 3), cout)]);
  const e1 = block(block("x", 3, width), width, width);
  const p1 = g.op("MaxPool", [e1], [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2])]);
  const e2 = block(block(p1, width, 2 * width), 2 * width, 2 * width);
  const up = g.convTranspose(e2, 2 * width, width, 2, 2, 0);
  const cat = g.op("Concat", [up, e1], [attr.int("axis", 1)]);
  const d1 = block(g.batchNorm(cat, 2 * width), 2 * width, width);
  const y = g.conv(d1, width, classes, 1, { pad: 0 });
  return { name: `U-Net opset ${opset}`, bytes: g.model({ name: "x", dims: [1, 3, size, size] }, [{ name: y, dims: [1, classes, size, size] }]), input: { name: "x", dims: [1, 3, size, size] }, output: y, ops: ["Conv", "BatchNormalization", "Relu", "MaxPool", "ConvTranspose", "Concat"] };
}

/**
 * A small 3-D U-Net (Çiçek et al.'s shape, PyTorch's Conv3d / MaxPool3d / ConvTranspose3d): one
 * encoder level (Conv 3×3×3 + BatchNormalization + Relu twice, MaxPool 2×2×2), Conv 3×3×3 + Relu, a
 * ConvTranspose k2 s2 up, a Concat with the skip, Conv 3×3×3 + Relu, a 1×1×1 Conv to `classes`.
 */
export function unet3d(opset: number, size = 8, width = 4, classes = 2, channels = 2): GeneratedModel {
  const g = new Graph(16, opset);
  const conv = (x: string, cin: number, cout: number, k = 3) => g.conv(x, cin, cout, k, { rank: 3, pad: k >> 1 });
  const block = (x: string, cin: number, cout: number) => g.op("Relu", [g.batchNorm(conv(x, cin, cout), cout)]);
  const e1 = block(block("x", channels, width), width, width);
  const p1 = g.op("MaxPool", [e1], [attr.ints("kernel_shape", [2, 2, 2]), attr.ints("strides", [2, 2, 2])]);
  const e2 = g.op("Relu", [conv(p1, width, 2 * width)]);
  const up = g.convTranspose(e2, 2 * width, width, 2, 2, 0, 3);
  const cat = g.op("Concat", [up, e1], [attr.int("axis", 1)]);
  const d1 = g.op("Relu", [conv(cat, 2 * width, width)]);
  const y = conv(d1, width, classes, 1);
  const dims = [1, channels, size, size, size];
  return { name: `3-D U-Net opset ${opset}`, bytes: g.model({ name: "x", dims }, [{ name: y, dims: [1, classes, size, size, size] }]), input: { name: "x", dims }, output: y, ops: ["Conv", "BatchNormalization", "Relu", "MaxPool", "ConvTranspose", "Concat"] };
}

/** A DCGAN generator: z [1, nz, 1, 1] → ConvTranspose k4 (s1 p0, then s2 p1 ×3) + BatchNorm + Relu → Tanh. */
export function dcgan(opset: number, nz = 16, width = 32): GeneratedModel {
  const g = new Graph(12, opset);
  let x = g.op("Relu", [g.batchNorm(g.convTranspose("z", nz, width, 4, 1, 0), width)]); // 4×4
  let c = width;
  for (let i = 0; i < 2; i++) { x = g.op("Relu", [g.batchNorm(g.convTranspose(x, c, c / 2, 4, 2, 1), c / 2)]); c /= 2; } // 8, 16
  const y = g.op("Tanh", [g.convTranspose(x, c, 3, 4, 2, 1)]); // 32×32
  return { name: `DCGAN generator opset ${opset}`, bytes: g.model({ name: "z", dims: [1, nz, 1, 1] }, [{ name: y, dims: [1, 3, 32, 32] }]), input: { name: "z", dims: [1, nz, 1, 1] }, output: y, ops: ["ConvTranspose", "BatchNormalization", "Relu", "Tanh"] };
}

/**
 * ESPCN (Shi et al.) on RGB: Conv 5×5 + Tanh, Conv 3×3 + Tanh, Conv 3×3 to r²·3, DepthToSpace(r) in
 * `mode` (with 3 output channels DCR and CRD order the channels differently).
 */
export function espcn(opset: number, mode: "DCR" | "CRD", r = 3, h = 17, w = 19): GeneratedModel {
  const g = new Graph(13, opset);
  const a = g.op("Tanh", [g.conv("x", 3, 16, 5)]);
  const b = g.op("Tanh", [g.conv(a, 16, 8, 3)]);
  const c = g.conv(b, 8, 3 * r * r, 3);
  const y = g.op("DepthToSpace", [c], [attr.int("blocksize", r), ...(opset >= 11 ? [attr.string("mode", mode)] : [])]);
  return { name: `ESPCN ${mode} opset ${opset}`, bytes: g.model({ name: "x", dims: [1, 3, h, w] }, [{ name: y, dims: [1, 3, h * r, w * r] }]), input: { name: "x", dims: [1, 3, h, w] }, output: y, ops: ["Conv", "Tanh", "DepthToSpace"] };
}

/**
 * A torchvision-style segmentation head (FCN/DeepLab's `F.interpolate(x, size=input.shape[-2:],
 * mode='bilinear', align_corners=False)`): a stride-2 backbone stub, a classifier, and a Resize
 * whose sizes come from Shape(x) → Gather(2), Gather(3) → Unsqueeze → Concat with the classifier's
 * [N, C] (Shape → Slice), as the TorchScript exporter writes it (opset ≥ 11). `dims` may name
 * dynamic input dims (strings).
 */
export function segmentationHead(opset: number, h = 20, w = 28, classes = 4, dims: (number | string)[] = [1, 3, h, w]): GeneratedModel {
  const { g, logits, sizes } = segmentationSizeChain(opset, classes);
  const empty = g.floats([0], [], "roi");
  const y = g.op("Resize", [logits, empty, g.floats([0], [], "scales"), sizes],
    [attr.string("mode", "linear"), attr.string("coordinate_transformation_mode", "pytorch_half_pixel")]);
  return { name: `segmentation head (Shape→Resize) opset ${opset}`, bytes: g.model({ name: "x", dims }, [{ name: y, dims: dims.map((d, i) => (i === 1 ? classes : d)) }]), input: { name: "x", dims: [1, 3, h, w] }, output: y, ops: ["Conv", "Relu", "Shape", "Gather", "Unsqueeze", "Slice", "Concat", "Resize"] };
}

/** The segmentation head's backbone, classifier and Resize size chain: sizes = [N, classes, H, W] of x. */
function segmentationSizeChain(opset: number, classes: number): { g: Graph; logits: string; sizes: string } {
  const g = new Graph(14, opset);
  const f = g.op("Relu", [g.conv("x", 3, 8, 3, { stride: 2 })]);
  const f2 = g.op("Relu", [g.conv(f, 8, 8, 3, { stride: 2 })]);
  const logits = g.conv(f2, 8, classes, 1, { pad: 0 });
  const shape = g.op("Shape", ["x"]);
  const hw = [2, 3].map((i) => g.unsqueeze(g.op("Gather", [shape, g.int64([i], [])], [attr.int("axis", 0)]), [0]));
  const nc = g.op("Slice", [g.op("Shape", [logits]), g.int64([0]), g.int64([2]), g.int64([0])]);
  const sizes = g.op("Concat", [nc, ...hw], [attr.int("axis", 0)]);
  return { g, logits, sizes };
}

/**
 * The segmentation head's size chain made observable without Resize: ConstantOfShape(sizes) of
 * 0.25 (the [N, classes, H, W] Resize would make) concatenated to x on the channels, so the output
 * [N, 3 + classes, H, W] shows the folded sizes. `dims` may name dynamic dims (strings).
 */
export function segmentationSizes(opset: number, dims: (number | string)[] = [1, 3, 20, 28], classes = 4): GeneratedModel & { dims: (number | string)[] } {
  const { g, sizes } = segmentationSizeChain(opset, classes);
  const fill = g.op("ConstantOfShape", [sizes], [attr.tensor("value", { dims: [1], data: [0.25] })]);
  const y = g.op("Concat", ["x", fill], [attr.int("axis", 1)]);
  const fixed = dims.map((d) => (typeof d === "number" ? d : 1));
  return { name: `segmentation head size chain opset ${opset}`, bytes: g.model({ name: "x", dims }, [{ name: y, dims: dims.map((d, i) => (i === 1 ? 3 + classes : d)) }]), input: { name: "x", dims: fixed }, output: y, ops: ["Conv", "Relu", "Shape", "Gather", "Unsqueeze", "Slice", "Concat", "ConstantOfShape"], dims };
}

/**
 * A Paddle2ONNX-style block: every weight a Constant node; hard-swish written x·clip(x + 3, 0, 6)/6
 * (Add, Clip, Mul, Div); a squeeze-excitation gate (GlobalAveragePool, 1×1 Convs, HardSigmoid,
 * Mul by the gate), and a residual Add.
 */
export function paddleBlock(opset: number, size = 16, c = 8): GeneratedModel {
  const g = new Graph(15, opset, true);
  const hardSwish = (x: string) => g.op("Div", [g.op("Mul", [x, g.clip(g.op("Add", [x, g.floats([], [3], "three")]), 0, 6)]), g.floats([], [6], "six")]);
  const a = hardSwish(g.conv("x", c, c, 3));
  const d = hardSwish(g.conv(a, c, c, 3, { group: c }));
  const s = g.op("GlobalAveragePool", [d]);
  const gate = g.op("HardSigmoid", [g.conv(g.op("Relu", [g.conv(s, c, c / 2, 1, { pad: 0 })]), c / 2, c, 1, { pad: 0 })], [attr.float("alpha", 1 / 6), attr.float("beta", 0.5)]);
  const e = g.op("Mul", [d, gate]);
  const y = g.op("Add", [g.conv(e, c, c, 1, { pad: 0 }), "x"]);
  return { name: `Paddle-style block opset ${opset}`, bytes: g.model({ name: "x", dims: [1, c, size, size] }, [{ name: y, dims: [1, c, size, size] }]), input: { name: "x", dims: [1, c, size, size] }, output: y, ops: ["Constant", "Conv", "Add", "Clip", "Mul", "Div", "GlobalAveragePool", "HardSigmoid", "Relu"] };
}

/** Every generated model at the opsets the exporters that write it use. */
export function generatedModels(): GeneratedModel[] {
  return [
    ...[9, 11, 13, 17].map((o) => unet(o)),
    ...[9, 13, 17].map((o) => unet3d(o)),
    ...[9, 13, 17].map((o) => dcgan(o)),
    espcn(9, "DCR"), ...[11, 13, 17].flatMap((o) => [espcn(o, "DCR"), espcn(o, "CRD")]),
    ...[11, 13, 17].map((o) => segmentationHead(o)),
    ...[11, 13, 17].map((o) => paddleBlock(o)),
  ];
}

export { cat, int };

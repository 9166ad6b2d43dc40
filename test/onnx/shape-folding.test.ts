// Load-time folding of shape arithmetic (src/onnx/folding/): every folder, at the opsets whose
// forms differ (attributes that became inputs), on a small model whose folded result is
// observable: the folded tensor, cast to float and reshaped to [1, k, 1, 1], is concatenated to
// GlobalAveragePool(x) on the channels, so Net.fromOnnx must give what onnxruntime-node computes
// on the same bytes. Shape reads constants and activations (after a strided conv).
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose, fcn, rng, useBuild } from "../lib.js";
import { segmentationHead, segmentationSizes } from "../models/generated.js";
import { attr, cat, int, len, model, msg, node, tensorProto, valueInfo, type Bytes } from "./proto-writer.js";
import { ortRun } from "./ort-helpers.js";
const { Net } = fcn;

/** A model under construction: nodes, initializers, fresh names, and the forms its opset asks for. */
class Builder {
  readonly nodes: Bytes[] = [];
  readonly inits: Bytes[] = [];
  private n = 0;
  constructor(readonly opset: number) {}
  name(base: string): string { return `${base}_${this.n++}`; }
  i64(values: (number | bigint)[], dims = [values.length]): string {
    const name = this.name("i");
    this.inits.push(tensorProto({ name, dims, dataType: 7, extra: [len(9, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer))] }));
    return name;
  }
  f32(values: number[], dims = [values.length]): string {
    const name = this.name("f");
    this.inits.push(tensorProto({ name, dims, data: values }));
    return name;
  }
  op(type: string, inputs: string[], attrs: Bytes[] = []): string {
    const out = this.name(type.toLowerCase());
    this.nodes.push(node(type, inputs, [out], attrs));
    return out;
  }
  unsqueeze(x: string, axes: number[]): string {
    return this.opset >= 13 ? this.op("Unsqueeze", [x, this.i64(axes)]) : this.op("Unsqueeze", [x], [attr.ints("axes", axes)]);
  }
  squeeze(x: string, axes?: number[]): string {
    if (axes === undefined) return this.op("Squeeze", [x]);
    return this.opset >= 13 ? this.op("Squeeze", [x, this.i64(axes)]) : this.op("Squeeze", [x], [attr.ints("axes", axes)]);
  }
  slice(x: string, starts: number[], ends: (number | bigint)[], axes?: number[], steps?: number[]): string {
    if (this.opset < 10) return this.op("Slice", [x], [attr.ints("starts", starts), attr.ints("ends", ends.map(Number)), ...(axes ? [attr.ints("axes", axes)] : [])]);
    return this.op("Slice", [x, this.i64(starts), this.i64(ends), ...(axes ? [this.i64(axes)] : []), ...(steps ? [this.i64(steps)] : [])]);
  }
  /** y = Concat(GlobalAveragePool(x), Reshape(Cast(folded, FLOAT), [1, −1, 1, 1])) on the channels. */
  observe(folded: string): string {
    const flat = this.op("Reshape", [this.op("Cast", [folded], [attr.int("to", 1)]), this.i64([1, -1, 1, 1])]);
    return this.op("Concat", [this.op("GlobalAveragePool", ["x"]), flat], [attr.int("axis", 1)]);
  }
  bytes(y: string, dims: (number | string)[]): Uint8Array {
    return model({ opset: this.opset, nodes: this.nodes, initializers: this.inits, inputs: [valueInfo("x", dims)], outputs: [untypedShape(y)] });
  }
}

/** A float output whose shape the model does not state (ValueInfoProto name 1, type 2 {tensor_type 1 {elem_type 1}}). */
function untypedShape(name: string): Bytes {
  return cat(len(1, name), msg(2, msg(1, int(1, 1))));
}

interface Case {
  name: string;
  opsets: number[];
  /** Builds the chain on input "x" and returns the tensor whose value is observed (or the output itself, `direct`). */
  build(b: Builder): string;
  /** The output is the built tensor itself (it already concatenates with x). */
  direct?: boolean;
  /** What the folded tensor holds (checked besides onnxruntime, for x [1, 2, 5, 7]). */
  want?: number[];
}

const X = [1, 2, 5, 7];

const CASES: Case[] = [
  { name: "Shape of the graph input", opsets: [9, 13], build: (b) => b.op("Shape", ["x"]), want: [1, 2, 5, 7] },
  {
    name: "Shape with start/end (opset 15): [1, −1) and [−2, end)", opsets: [15, 19], want: [2, 5, 5, 7],
    build: (b) => b.op("Concat", [b.op("Shape", ["x"], [attr.int("start", 1), attr.int("end", -1)]), b.op("Shape", ["x"], [attr.int("start", -2)])], [attr.int("axis", 0)]),
  },
  {
    name: "Shape of an activation: a strided conv's output", opsets: [11, 17], want: [1, 4, 3, 4],
    build: (b) => {
      const w = b.f32(Array.from({ length: 4 * 2 * 9 }, (_, i) => Math.sin(i)), [4, 2, 3, 3]);
      return b.op("Shape", [b.op("Conv", ["x", w], [attr.ints("kernel_shape", [3, 3]), attr.ints("strides", [2, 2]), attr.ints("pads", [1, 1, 1, 1])])]);
    },
  },
  {
    name: "Gather: a scalar index (→ Unsqueeze) and 1-D indices with negatives", opsets: [11, 13], want: [5, 7, 1, 2],
    build: (b) => {
      const shape = b.op("Shape", ["x"]);
      return b.op("Concat", [b.unsqueeze(b.op("Gather", [shape, b.i64([2], [])], [attr.int("axis", 0)]), [0]), b.op("Gather", [shape, b.i64([-1, 0, 1])])], [attr.int("axis", 0)]);
    },
  },
  { name: "Gather on axis 1 of a 2-D table with 2-D indices", opsets: [13], want: [12, 10, 22, 20], build: (b) => b.op("Gather", [b.i64([10, 11, 12, 20, 21, 22], [2, 3]), b.i64([2, 0], [1, 2])], [attr.int("axis", 1)]) },
  { name: "Slice with attributes (opset 9), an end past the end clamps", opsets: [9], want: [2, 5, 7], build: (b) => b.slice(b.op("Shape", ["x"]), [1], [1000]) },
  { name: "Slice with inputs, a negative axis and step −1", opsets: [11, 13], want: [7, 5, 2, 1], build: (b) => b.slice(b.op("Shape", ["x"]), [-1], [-1000], [-1], [-1]) },
  { name: "Slice to INT64_MAX (PyTorch's x[1:]) and from INT64_MIN with step −1", opsets: [11], want: [2, 5, 7, 7, 5, 2, 1], build: (b) => b.op("Concat", [b.slice(b.op("Shape", ["x"]), [1], [2n ** 63n - 1n]), b.slice(b.op("Shape", ["x"]), [-1], [-(2n ** 63n)].map(Number), [0], [-1])], [attr.int("axis", 0)]) },
  { name: "Slice of a 2-D table with steps 2", opsets: [13], want: [1, 3, 9, 11], build: (b) => b.slice(b.i64(Array.from({ length: 12 }, (_, i) => i), [3, 4]), [0, 1], [3, 4], [0, 1], [2, 2]) },
  {
    name: "Concat of constants and Shape slices", opsets: [9, 13], want: [1, 9, 5, 7, 8],
    build: (b) => b.op("Concat", [b.slice(b.op("Shape", ["x"]), [0], [1]), b.i64([9]), b.slice(b.op("Shape", ["x"]), [2], [4]), b.i64([8])], [attr.int("axis", 0)]),
  },
  {
    name: "Unsqueeze and Squeeze (attributes before 13, inputs from 13; negative axes; Squeeze without axes)", opsets: [11, 13], want: [1, 2, 5, 7, 1, 2, 5, 7],
    build: (b) => {
      const u = b.unsqueeze(b.op("Shape", ["x"]), [0, -1]); // [1, 4, 1]
      const s = b.squeeze(u, [-1]);                         // [1, 4]
      return b.op("Concat", [b.squeeze(s, [0]), b.squeeze(u)], [attr.int("axis", 0)]);
    },
  },
  { name: "Cast float → int64 truncates toward zero", opsets: [9, 13], want: [2, -2, 0, 0, 3], build: (b) => b.op("Cast", [b.f32([2.7, -2.7, 0.5, -0.5, 3])], [attr.int("to", 7)]) },
  {
    name: "ConstantOfShape of a Shape-derived size [N, 1, H, W], concatenated to x", opsets: [9, 11, 13], direct: true,
    build: (b) => {
      const size = b.op("Concat", [b.slice(b.op("Shape", ["x"]), [0], [1]), b.i64([1]), b.slice(b.op("Shape", ["x"]), [2], [4])], [attr.int("axis", 0)]);
      return b.op("Concat", ["x", b.op("ConstantOfShape", [size], [attr.tensor("value", { dims: [1], data: [0.5] })])], [attr.int("axis", 1)]);
    },
  },
  {
    name: "ConstantOfShape of int64 7, and without a value (float 0)", opsets: [9, 13], want: [7, 7, 7, 0, 0],
    build: (b) => b.op("Concat", [b.op("ConstantOfShape", [b.i64([3])], [attr.tensor("value", { dims: [1], dataType: 7, extra: [len(9, new Uint8Array(BigInt64Array.from([7n]).buffer))] })]),
      b.op("Cast", [b.op("ConstantOfShape", [b.i64([2])])], [attr.int("to", 7)])], [attr.int("axis", 0)]),
  },
  {
    name: "Reshape of a constant: 0 copies a dim, −1 takes the rest", opsets: [9, 13], want: [2, 3, 2, ...Array.from({ length: 12 }, (_, i) => i)],
    build: (b) => {
      const r = b.op("Reshape", [b.i64(Array.from({ length: 12 }, (_, i) => i), [2, 6]), b.i64([0, -1, 2])]);
      return b.op("Concat", [b.op("Shape", [r]), b.op("Reshape", [r, b.i64([-1])])], [attr.int("axis", 0)]);
    },
  },
  { name: "Reshape with allowzero = 1 (opset 14)", opsets: [14], want: [3, 4], build: (b) => b.op("Shape", [b.op("Reshape", [b.i64(Array.from({ length: 12 }, (_, i) => i), [2, 6]), b.i64([3, 4])], [attr.int("allowzero", 1)])]) },
  { name: "Range of int64 up to a Shape dim", opsets: [11, 13], want: [0, 3, 6], build: (b) => b.op("Range", [b.i64([0], []), b.op("Gather", [b.op("Shape", ["x"]), b.i64([3], [])]), b.i64([3], [])]) },
  { name: "Range of floats, and an empty one", opsets: [11], want: [0.5, 0.75, 1, 1.25, 1.5, 1.75], build: (b) => b.op("Concat", [b.op("Range", [b.f32([0.5], []), b.f32([2], []), b.f32([0.25], [])]), b.op("Range", [b.f32([1], []), b.f32([0], []), b.f32([1], [])])], [attr.int("axis", 0)]) },
  {
    name: "int64 Add, Sub, Mul, Div with broadcasting; Div truncates", opsets: [9, 13], want: [0, 1, 2, 3, -3, -3, 0, 2, 3, 6, 8, 2, 4, 10, 14],
    build: (b) => {
      const shape = b.op("Shape", ["x"]);
      const half = b.op("Div", [shape, b.i64([2], [])]);                                    // [0, 1, 2, 3]
      const neg = b.op("Div", [b.i64([-7, 7, -1]), b.i64([2, -2, 3])]);                      // truncation: [−3, −3, 0]
      const table = b.op("Add", [b.op("Mul", [b.op("Sub", [shape, b.i64([1])]), b.i64([1, 2], [2, 1])]), b.i64([2])]); // [2, 4]: (s − 1)·[1; 2] + 2
      return b.op("Concat", [half, neg, b.op("Reshape", [b.slice(table, [0, 0], [2, 4], [0, 1], [1, 1]), b.i64([-1])])], [attr.int("axis", 0)]);
    },
  },
  {
    name: "float Div, Floor, Ceil, Mul, Add", opsets: [9, 13],
    build: (b) => {
      const third = b.op("Div", [b.op("Cast", [b.op("Shape", ["x"])], [attr.int("to", 1)]), b.f32([3], [])]);
      return b.op("Concat", [b.op("Floor", [third]), b.op("Ceil", [third]), b.op("Add", [b.op("Mul", [third, b.f32([1.5], [])]), b.f32([0.25], [])])], [attr.int("axis", 0)]);
    },
  },
  { name: "Equal and Where", opsets: [11, 13], want: [9, 2, 5, 7], build: (b) => { const s = b.op("Shape", ["x"]); return b.op("Where", [b.op("Equal", [s, b.i64([1])]), b.i64([9]), s]); } },
  {
    name: "Size of an activation, Max and Min over three inputs, Neg, Abs", opsets: [13], want: [70, 5, 3, 7, 1, 2, 3, 3, -1, -2, -5, -7, 1, 2, 5, 7],
    build: (b) => {
      const s = b.op("Shape", ["x"]);
      const size = b.unsqueeze(b.op("Size", ["x"]), [0]);
      const max = b.op("Max", [s, b.i64([3]), b.i64([0, 0, 0, 7])]), min = b.op("Min", [s, b.i64([3]), b.i64([9, 9, 9, 9])]);
      return b.op("Concat", [size, b.slice(max, [2], [3]), b.slice(max, [0], [1]), b.slice(max, [3], [4]), min, b.op("Neg", [s]), b.op("Abs", [b.op("Neg", [s])])], [attr.int("axis", 0)]);
    },
  },
  {
    name: "Less, Greater, Not and Where; Sqrt", opsets: [13], want: [0, 9, 9, 0, 1, 1.4142135381698608, 2.2360680103302, 2.6457512378692627],
    build: (b) => {
      const s = b.op("Shape", ["x"]);
      const between = b.op("Not", [b.op("Or", [b.op("Less", [s, b.i64([2])]), b.op("Greater", [s, b.i64([5])])])]);
      return b.op("Concat", [b.op("Cast", [b.op("Where", [between, b.i64([9]), b.i64([0])])], [attr.int("to", 1)]), b.op("Sqrt", [b.op("Cast", [s], [attr.int("to", 1)])])], [attr.int("axis", 0)]);
    },
  },
  { name: "Identity of a Shape", opsets: [9, 13], want: [1, 2, 5, 7], build: (b) => b.op("Identity", [b.op("Shape", ["x"])]) },
];

function randomInput(shape: number[], seed: number) {
  const r = rng(seed);
  return fcn.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), shape);
}

describe("shape arithmetic folded at import, against onnxruntime-node", () => {
  beforeAll(() => useBuild("simd"));

  const runs = CASES.flatMap((c) => c.opsets.map((opset) => [`${c.name}, opset ${opset}`, c, opset] as const));
  it.each(runs)("%s", async (_, c, opset) => {
    const b = new Builder(opset);
    const built = c.build(b);
    const y = c.direct ? built : b.observe(built);
    const bytes = b.bytes(y, X);
    const x = randomInput(X, opset);
    const got = Net.fromOnnx(bytes).run(x);
    const want = await ortRun(bytes, x);
    expectClose(got, want, `${c.name} (opset ${opset})`, 1e-6, 1e-6);
    if (c.want !== undefined) expect(Array.from(got.data.slice(X[1]))).toEqual(c.want);
  });

  it.each([9, 13])("a Transpose of a constant weight folds (a given perm at rank 3, the default at rank 2): the MatMuls read it as their weight; matches onnxruntime-node, opset %i", async (opset) => {
    const r = rng(31);
    const W = Float32Array.from({ length: 60 }, () => r() - 0.5), V = Float32Array.from({ length: 35 }, () => r() - 0.5);
    const bytes = model({
      opset,
      nodes: [
        node("Transpose", ["W"], ["Wt"], [attr.ints("perm", [1, 0, 2])]), // [4, 3, 5] → [3, 4, 5]
        node("MatMul", ["x", "Wt"], ["h"]),                                // [3, 2, 4] · [3, 4, 5]
        node("Transpose", ["V"], ["Vt"]),                                  // [7, 5] → [5, 7]
        node("MatMul", ["h", "Vt"], ["y"]),
      ],
      initializers: [tensorProto({ name: "W", dims: [4, 3, 5], data: W }), tensorProto({ name: "V", dims: [7, 5], data: V })],
      inputs: [valueInfo("x", [3, 2, 4])], outputs: [valueInfo("y", [3, 2, 7])],
    });
    const net = Net.fromOnnx(bytes);
    expect(net.spec.layers.map((l) => l.op)).toEqual(["MatMul", "MatMul"]); // no Transpose layer left
    expect(net.parameters().get("h.weight")!.shape).toEqual([3, 4, 5]);
    const x = randomInput([3, 2, 4], opset);
    expectClose(net.run(x), await ortRun(bytes, x), `folded Transposes (opset ${opset})`, 1e-6, 1e-6);
  });

  it.each([11, 13, 17])("the segmentation head's Resize sizes (Shape → Gather → Unsqueeze, Shape → Slice → Concat) fold to [N, classes, H, W], opset %i", async (opset) => {
    const m = segmentationSizes(opset);
    const x = randomInput(m.input.dims, 7);
    const got = Net.fromOnnx(m.bytes).run(x);
    const want = await ortRun(m.bytes, x);
    expect(got.shape).toEqual([1, 7, 20, 28]); // ConstantOfShape(sizes) is [1, 4, 20, 28]
    expectClose(got, want, m.name, 1e-6, 1e-6);
  });

  it("the generated segmentation head (Shape → Resize): its whole size chain folds into Resize's sizes (generated-models.test.ts checks its numbers)", () => {
    for (const opset of [11, 13, 17]) {
      const net = Net.fromOnnx(segmentationHead(opset).bytes);
      const ops = net.spec.layers.map((l) => l.op);
      expect(ops[ops.length - 1]).toBe("Resize");
      expect(new Set(ops)).toEqual(new Set(["Conv", "Resize"])); // no layer left of the shape arithmetic (the Relus fused into the convs)
    }
  });

  const BAD: [string, number, (b: Builder) => string, RegExp][] = [
    ["Gather index out of range", 13, (b) => b.op("Gather", [b.op("Shape", ["x"]), b.i64([4])]), /Gather ×1 \(output "gather_\d+": index 4 is outside \[−4, 4\)/],
    ["Slice step 0", 13, (b) => b.slice(b.op("Shape", ["x"]), [0], [2], [0], [0]), /Slice ×1 .*a step is 0/],
    ["Squeeze of a dim that is not 1", 13, (b) => b.squeeze(b.op("Shape", ["x"]), [0]), /Squeeze ×1 .*axis 0 has size 4, not 1/],
    ["Reshape to a size that does not hold the data", 13, (b) => b.op("Reshape", [b.op("Shape", ["x"]), b.i64([3, -1])]), /Reshape ×1 .*shape \[3, -1\] cannot hold 4 elements/],
    ["Concat without axis (opset ≥ 4)", 13, (b) => b.op("Concat", [b.op("Shape", ["x"]), b.i64([1])]), /Concat ×1 .*attribute axis is required/],
    ["Add of shapes that do not broadcast", 13, (b) => b.op("Add", [b.op("Shape", ["x"]), b.i64([1, 2, 3])]), /Add ×1 .*do not broadcast/],
  ];
  it.each(BAD)("a fold that fails is reported with its node and why: %s", (_, opset, build, message) => {
    const b = new Builder(opset);
    const bytes = b.bytes(b.observe(build(b)), X);
    expect(() => Net.fromOnnx(bytes)).toThrow(fcn.UnsupportedError);
    expect(() => Net.fromOnnx(bytes)).toThrow(message);
  });
});

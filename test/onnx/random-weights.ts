// A test helper: a model-zoo "light" graph (ONNX's backend data: every weight a ConstantOfShape
// node, so every weight tensor holds one repeated value and every output is the same number) made
// testable: each ConstantOfShape that builds a float weight becomes an initializer of seeded random
// values (He-scaled for rank ≥ 2, in [0.5, 1.5] for vectors so BatchNormalization variances stay
// positive), a final Softmax is left out (random logits of a deep net saturate it to one-hot, where
// a wrong logit would hide), and the rest of the model is written back as it was read.
import { type Attribute, type ModelProto, type TensorProto, readModel } from "../../dist/onnx/proto.js";
import { floatData, intData } from "../../dist/onnx/tensor-data.js";
import { type Bytes, attr, cat, int, len, model, node, tensorProto, valueInfo } from "./proto-writer.js";

function tensorBytes(t: TensorProto, name?: string): Bytes {
  if (t.dataType === 7) return tensorProto({ name, dims: t.dims, dataType: 7, extra: [cat(...intData(t).map((v) => int(7, v)))] });
  return tensorProto({ name, dims: t.dims, data: floatData(t) });
}

function attributeBytes(a: Attribute): Bytes {
  switch (a.type) {
    case 1: return attr.float(a.name, a.f);
    case 2: return attr.int(a.name, a.i);
    case 3: return attr.string(a.name, a.s);
    case 4: return cat(len(1, a.name), len(5, tensorBytes(a.t!)), int(20, 4));
    case 6: return cat(len(1, a.name), ...a.floats.map((v) => cat([0x3d], new Uint8Array(Float32Array.of(v).buffer))), int(20, 6));
    case 7: return attr.ints(a.name, a.ints);
    default: throw new Error(`random-weights: attribute ${a.name} of type ${a.type} is not written by this helper`);
  }
}

/** The model with every float ConstantOfShape weight replaced by seeded random values. */
export function withRandomWeights(bytes: Uint8Array, seed: number): Uint8Array {
  const m: ModelProto = readModel(bytes);
  const g = m.graph!;
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const nodes: Bytes[] = [], initializers: Bytes[] = [], replaced = new Set<string>();
  const last = g.node.find((n) => n.output.includes(g.output[0].name));
  const dropped = last?.opType === "Softmax" ? last : undefined;
  for (const n of g.node) {
    if (n === dropped) continue;
    const shape = n.opType === "ConstantOfShape" ? inits.get(n.input[0]) : undefined;
    const value = n.attribute.find((a) => a.name === "value")?.t;
    if (shape !== undefined && (value === undefined || value === null || value.dataType === 1)) {
      const dims = intData(shape);
      const size = dims.reduce((a, b) => a * b, 1), fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
      const data = dims.length >= 2
        ? Float32Array.from({ length: size }, () => (rand() * 2 - 1) * Math.sqrt(6 / fanIn))
        : Float32Array.from({ length: size }, () => 0.5 + rand());
      initializers.push(tensorProto({ name: n.output[0], dims, data }));
      replaced.add(n.input[0]);
      continue;
    }
    nodes.push(node(n.opType, n.input, n.output, n.attribute.map(attributeBytes), n.name || undefined, n.domain || undefined));
  }
  // the shapes the ConstantOfShape nodes read go with them; the other initializers stay
  const used = new Set(g.node.filter((n) => !(n.opType === "ConstantOfShape" && replaced.has(n.input[0]))).flatMap((n) => n.input));
  for (const t of g.initializer) if (!replaced.has(t.name) || used.has(t.name)) initializers.push(tensorBytes(t, t.name));
  const dims = (v: { shape: (number | string | null)[] | null }) => (v.shape ?? []).map((d) => d ?? "?");
  const opset = m.opsetImport.find((o) => o.domain === "" || o.domain === "ai.onnx")!.version;
  return model({
    // IR ≥ 4: initializers need not be listed as graph inputs
    ir: Math.max(m.irVersion, 4), opset, nodes, initializers,
    inputs: g.input.filter((v) => !inits.has(v.name)).map((v) => valueInfo(v.name, dims(v), v.elemType)),
    outputs: g.output.map((v, i) => valueInfo(i === 0 && dropped ? dropped.input[0] : v.name, dims(v), v.elemType)),
  });
}

// The constant tensors of a graph, by name: initializers, `Constant` nodes (value, value_float(s),
// value_int(s)) and `ConstantOfShape` of a constant shape (zoo files write weights that way).
// Their data is decoded lazily, when a node uses it as a weight, so an unused huge constant (or
// one of a type Net has no use for) costs nothing.
import { UnsupportedError } from "../errors.js";
import { NodeAttributes } from "./attributes.js";
import { AttrType, DataType, type NodeProto, type TensorProto } from "./proto.js";
import { type ExternalData, floatData, intData } from "./tensor-data.js";

/** A constant: its dims and its data as float32 or as integers, decoded on first use. */
export interface Constant {
  dims: number[];
  floats(): Float32Array;
  ints(): number[];
}

function fromTensor(t: TensorProto, external: ExternalData | undefined): Constant {
  return {
    dims: t.dims.slice(),
    floats: () => t.dataType === DataType.INT64 || t.dataType === DataType.INT32 ? Float32Array.from(intData(t, external)) : floatData(t, external),
    ints: () => intData(t, external),
  };
}

function fromNumbers(values: number[], dims: number[]): Constant {
  return { dims, floats: () => Float32Array.from(values), ints: () => values.slice() };
}

/** The node types this module evaluates at load time. */
export const CONSTANT_OPS = ["Constant", "ConstantOfShape"];

/**
 * Evaluates a Constant or ConstantOfShape node into a Constant, or returns why it cannot
 * (a string for the importer's report). `known` holds the constants so far (ConstantOfShape's
 * shape input must be one of them).
 */
export function evaluateConstantNode(node: NodeProto, known: Map<string, Constant>, external: ExternalData | undefined): Constant | string {
  const attrs = new NodeAttributes(node);
  if (node.opType === "ConstantOfShape") {
    const shape = known.get(node.input[0] ?? "");
    if (shape === undefined) return "its shape input is not a constant (shape arithmetic is not supported yet)";
    const value = attrs.get("value")?.t;
    let dims: number[];
    try {
      dims = shape.ints();
    } catch (e) {
      if (e instanceof UnsupportedError) return "its shape input is not an int64 tensor";
      throw e;
    }
    const fill = value === null || value === undefined ? 0 : fromTensor(value, external).floats()[0] ?? 0;
    const n = dims.reduce((a, b) => a * b, 1);
    if (!(n >= 0 && n <= 2 ** 28)) return `shape [${dims.join(", ")}] is not a tensor size fcn-wasm can hold`;
    return { dims, floats: () => new Float32Array(n).fill(fill), ints: () => new Array<number>(n).fill(fill) };
  }
  const [a] = node.attribute;
  if (node.attribute.length !== 1 || a === undefined) return `expected exactly one value attribute, got ${node.attribute.length}`;
  switch (a.name) {
    case "value":
      return a.t === null ? "attribute value holds no tensor" : fromTensor(a.t, external);
    case "value_float": return fromNumbers([a.f], []);
    case "value_floats": return fromNumbers(a.floats, [a.floats.length]);
    case "value_int": return fromNumbers([a.i], []);
    case "value_ints": return fromNumbers(a.ints, [a.ints.length]);
    default:
      return `attribute ${a.name}${a.type === AttrType.STRING || a.type === AttrType.STRINGS ? " (strings)" : ""} is not supported`;
  }
}

/** The initializers of a graph as Constants. */
export function initializerConstants(initializers: TensorProto[], external: ExternalData | undefined): Map<string, Constant> {
  return new Map(initializers.map((t) => [t.name, fromTensor(t, external)]));
}

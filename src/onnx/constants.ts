// The constant tensors of a graph, by name: initializers and `Constant` nodes (value,
// value_float(s), value_int(s)); what the importer evaluates from them (ConstantOfShape, shape
// arithmetic) is in folding/. Their data is decoded lazily, when a node uses it as a weight, so an
// unused huge constant (or one of a type Net has no use for) costs nothing.
import { AttrType, DataType, type NodeProto, type TensorProto } from "./proto.js";
import { type ExternalData, floatData, intData } from "./tensor-data.js";

/** A constant: its dims and its data as float32 or as integers, decoded on first use. */
export interface Constant {
  dims: number[];
  /**
   * Its ONNX element type (TensorProto.DataType: FLOAT 1, INT64 7, BOOL 9…), which shape
   * arithmetic needs (integer Div truncates, Cast converts); undefined when unknown (read as float).
   */
  dataType?: number;
  floats(): Float32Array;
  ints(): number[];
}

/** A TensorProto (an initializer, a Constant node's value) as a Constant, decoded on first use. */
export function constantFromTensor(t: TensorProto, external: ExternalData | undefined): Constant {
  return {
    dims: t.dims.slice(),
    dataType: t.dataType,
    floats: () => t.dataType === DataType.INT64 || t.dataType === DataType.INT32 ? Float32Array.from(intData(t, external)) : floatData(t, external),
    ints: () => intData(t, external),
  };
}

function fromNumbers(values: number[], dims: number[], dataType: number): Constant {
  return { dims, dataType, floats: () => Float32Array.from(values), ints: () => values.slice() };
}

/** The node types this module evaluates at load time (the rest of load-time evaluation: folding/). */
export const CONSTANT_OPS = ["Constant"];

/**
 * Evaluates a Constant node into a Constant, or returns why it cannot (a string for the
 * importer's report).
 */
export function evaluateConstantNode(node: NodeProto, external: ExternalData | undefined): Constant | string {
  const [a] = node.attribute;
  if (node.attribute.length !== 1 || a === undefined) return `expected exactly one value attribute, got ${node.attribute.length}`;
  switch (a.name) {
    case "value":
      return a.t === null ? "attribute value holds no tensor" : constantFromTensor(a.t, external);
    case "value_float": return fromNumbers([a.f], [], DataType.FLOAT);
    case "value_floats": return fromNumbers(a.floats, [a.floats.length], DataType.FLOAT);
    case "value_int": return fromNumbers([a.i], [], DataType.INT64);
    case "value_ints": return fromNumbers(a.ints, [a.ints.length], DataType.INT64);
    default:
      return `attribute ${a.name}${a.type === AttrType.STRING || a.type === AttrType.STRINGS ? " (strings)" : ""} is not supported`;
  }
}

/** The initializers of a graph as Constants. */
export function initializerConstants(initializers: TensorProto[], external: ExternalData | undefined): Map<string, Constant> {
  return new Map(initializers.map((t) => [t.name, constantFromTensor(t, external)]));
}

// One-node ONNX models for the benchmarks (so onnxruntime-web can run the benchmark shapes without a
// protobuf dependency), written with the package's own protobuf writer (src/onnx/wire-writer.ts).
// Field numbers follow onnx/onnx.proto: ModelProto{ir_version 1, producer_name 2, graph 7,
// opset_import 8}, GraphProto{node 1, name 2, initializer 5, input 11, output 12},
// NodeProto{input 1, output 2, name 3, op_type 4, attribute 5}, AttributeProto{name 1, f 2, i 3,
// ints 8, type 20}, TensorProto{dims 1, data_type 2, name 8, raw_data 9}, ValueInfoProto{name 1,
// type 2}, TypeProto{tensor_type 1}, TypeProto.Tensor{elem_type 1, shape 2}, TensorShapeProto{dim 1},
// Dimension{dim_value 1}, OperatorSetIdProto{domain 1, version 2}. Rank-agnostic: dims and int-list
// attributes are written as given (rank-5 tensors and 3-entry kernel_shape/strides, 6-entry pads
// for Conv and ConvTranspose on volumes).
import { WireWriter } from "../dist/onnx/wire-writer.js";

/** ONNX TensorProto.DataType.FLOAT and AttributeProto.AttributeType values. */
const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

/** An ONNX node attribute: an int, a float or a list of ints. */
export type OnnxAttribute = number | { float: number } | readonly number[];

/** A float32 initializer (weights, bias) with its dimensions. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** One graph input or output: a float32 tensor of fixed dimensions. */
export interface OnnxValue {
  name: string;
  dims: readonly number[];
}

export interface OneNodeModel {
  /** ONNX op type: "Gemm", "MatMul", "Conv", "ConvTranspose", … */
  opType: string;
  /** The node's inputs in order: the graph input first, then initializer names. */
  nodeInputs: readonly string[];
  input: OnnxValue;
  output: OnnxValue;
  initializers: readonly OnnxInitializer[];
  attributes?: Record<string, OnnxAttribute>;
  /** Default 17. */
  opset?: number;
}

function attribute(a: WireWriter, name: string, value: OnnxAttribute): void {
  a.string(1, name);
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`onnx-model: attribute ${name} must be an integer (use { float } for floats)`);
    a.varint(3, value).varint(20, ATTR_INT);
  } else if ("float" in value) a.float32(2, value.float).varint(20, ATTR_FLOAT);
  else a.packedVarints(8, value as readonly number[]).varint(20, ATTR_INTS);
}

function tensor(t: WireWriter, init: OnnxInitializer): void {
  t.packedVarints(1, init.dims).varint(2, FLOAT).string(8, init.name);
  // raw_data is little-endian; copy so a view into a larger buffer encodes only its own bytes.
  const raw = new Uint8Array(init.data.byteLength);
  raw.set(new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength));
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error("onnx-model: big-endian hosts are not supported");
  t.bytes(9, raw);
}

function valueInfo(w: WireWriter, v: OnnxValue): void {
  w.string(1, v.name).message(2, (type) => type.message(1, (tt) => {
    tt.varint(1, FLOAT).message(2, (shape) => { for (const d of v.dims) shape.message(1, (dim) => dim.varint(1, d)); });
  }));
}

/** Encodes a ModelProto (ir_version 8) holding a graph of exactly one node. */
export function encodeOneNodeModel(m: OneNodeModel): Uint8Array {
  return new WireWriter()
    .varint(1, 8) // ir_version 8 (ONNX 1.10+)
    .string(2, "fcn-wasm bench")
    .message(7, (graph) => {
      graph.message(1, (node) => {
        for (const i of m.nodeInputs) node.string(1, i);
        node.string(2, m.output.name).string(3, `${m.opType.toLowerCase()}0`).string(4, m.opType);
        for (const [name, value] of Object.entries(m.attributes ?? {})) node.message(5, (a) => attribute(a, name, value));
      }).string(2, "bench");
      for (const init of m.initializers) graph.message(5, (t) => tensor(t, init));
      graph.message(11, (v) => valueInfo(v, m.input)).message(12, (v) => valueInfo(v, m.output));
    })
    .message(8, (o) => o.string(1, "").varint(2, m.opset ?? 17))
    .finish();
}

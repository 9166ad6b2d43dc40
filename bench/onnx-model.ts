// A tiny hand-rolled protobuf encoder for one-node ONNX models (so onnxruntime-web can run the
// benchmark shapes without a protobuf dependency). Field numbers follow onnx/onnx.proto (proto2):
// ModelProto{ir_version 1, opset_import 8, producer_name 2, graph 7}, GraphProto{node 1, name 2,
// initializer 5, input 11, output 12}, NodeProto{input 1, output 2, name 3, op_type 4, attribute 5},
// AttributeProto{name 1, f 2, i 3, ints 8, type 20}, TensorProto{dims 1, data_type 2, name 8,
// raw_data 9}, ValueInfoProto{name 1, type 2}, TypeProto{tensor_type 1}, TypeProto.Tensor{elem_type 1,
// shape 2}, TensorShapeProto{dim 1}, Dimension{dim_value 1}, OperatorSetIdProto{domain 1, version 2}.

/** Protobuf wire types. */
const VARINT = 0;
const FIXED32 = 5;
const LEN = 2;

/** ONNX TensorProto.DataType.FLOAT and AttributeProto.AttributeType values. */
const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

/** Appends protobuf fields to a growing byte list. */
class Writer {
  private bytes: number[] = [];
  private chunks: Uint8Array[] = [];

  private flush(): void {
    if (this.bytes.length > 0) {
      this.chunks.push(Uint8Array.from(this.bytes));
      this.bytes = [];
    }
  }

  private varint(value: number | bigint): void {
    // int64 fields: negative values are encoded as 10-byte two's complement varints.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(data.length);
    this.flush();
    this.chunks.push(data);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: Writer): this {
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const length = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

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

function attribute(name: string, value: OnnxAttribute): Writer {
  const a = new Writer().string(1, name);
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`onnx-model: attribute ${name} must be an integer (use { float } for floats)`);
    return a.int(3, value).int(20, ATTR_INT);
  }
  if ("float" in value) return a.float(2, value.float).int(20, ATTR_FLOAT);
  // proto2 repeated int64 is unpacked by default; parsers accept both forms.
  for (const v of value as readonly number[]) a.int(8, v);
  return a.int(20, ATTR_INTS);
}

function tensor(init: OnnxInitializer): Writer {
  const t = new Writer();
  for (const d of init.dims) t.int(1, d);
  t.int(2, FLOAT).string(8, init.name);
  // raw_data is little-endian; copy so a view into a larger buffer encodes only its own bytes.
  const raw = new Uint8Array(init.data.byteLength);
  raw.set(new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength));
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error("onnx-model: big-endian hosts are not supported");
  return t.bytesField(9, raw);
}

function valueInfo(v: OnnxValue): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

/** Encodes a ModelProto (ir_version 8) holding a graph of exactly one node. */
export function encodeOneNodeModel(m: OneNodeModel): Uint8Array {
  const node = new Writer();
  for (const i of m.nodeInputs) node.string(1, i);
  node.string(2, m.output.name).string(3, `${m.opType.toLowerCase()}0`).string(4, m.opType);
  for (const [name, value] of Object.entries(m.attributes ?? {})) node.message(5, attribute(name, value));

  const graph = new Writer().message(1, node).string(2, "bench");
  for (const init of m.initializers) graph.message(5, tensor(init));
  graph.message(11, valueInfo(m.input)).message(12, valueInfo(m.output));

  return new Writer()
    .int(1, 8) // ir_version 8 (ONNX 1.10+)
    .string(2, "fcn-wasm bench")
    .message(7, graph)
    .message(8, new Writer().string(1, "").int(2, m.opset ?? 17))
    .finish();
}

// A tiny protobuf writer for the ONNX tests: builds ModelProto bytes field by field, so the tests
// can make exactly the model they need (packed or unpacked ints, unknown fields, float16 weights,
// external data…). Independent of src/: field numbers are written out here from onnx/onnx.proto.

export type Bytes = Uint8Array;

/** A varint; negative numbers as 64-bit two's complement (10 bytes), as int64 fields require. */
export function varint(value: number): number[] {
  let v = value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value);
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}

export function cat(...parts: (Bytes | number[])[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const tag = (field: number, wire: number): number[] => varint(field * 8 + wire);

/** A varint field (wire type 0). */
export const int = (field: number, v: number): Bytes => cat(tag(field, 0), varint(v));
/** A length-delimited field (wire type 2): bytes, a string or an embedded message. */
export const len = (field: number, payload: Bytes | string): Bytes => {
  const b = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  return cat(tag(field, 2), varint(b.length), b);
};
/** A float field (wire type 5). */
export const f32 = (field: number, v: number): Bytes => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return cat(tag(field, 5), b);
};
/** A message: its fields concatenated, embedded as field `field`. */
export const msg = (field: number, ...fields: Bytes[]): Bytes => len(field, cat(...fields));

/** Repeated int64: packed (one LEN field) or unpacked (one varint field per value). */
export const ints = (field: number, values: number[], packed: boolean): Bytes =>
  packed ? len(field, cat(...values.map(varint))) : cat(...values.map((v) => int(field, v)));
/** Repeated float: packed or unpacked. */
export const floats = (field: number, values: ArrayLike<number>, packed: boolean): Bytes => {
  if (!packed) return cat(...Array.from(values, (v) => f32(field, v)));
  const b = new Uint8Array(4 * values.length);
  const view = new DataView(b.buffer);
  Array.from(values).forEach((v, i) => view.setFloat32(4 * i, v, true));
  return len(field, b);
};

// --- ONNX messages (field numbers from onnx/onnx.proto) ---

export interface TensorSpec {
  name?: string;
  dims: number[];
  /** float32 values, written as raw_data (default) or float_data. */
  data?: ArrayLike<number>;
  as?: "raw" | "float_data";
  /** Anything else: data_type and the extra fields, written as they are. */
  dataType?: number;
  extra?: Bytes[];
  packed?: boolean;
}

/** TensorProto: dims 1, data_type 2, float_data 4, name 8, raw_data 9. */
export function tensorProto(t: TensorSpec): Bytes {
  const packed = t.packed ?? true;
  const parts = [ints(1, t.dims, packed), int(2, t.dataType ?? 1)];
  if (t.name !== undefined) parts.push(len(8, t.name));
  if (t.data !== undefined) {
    if (t.as === "float_data") parts.push(floats(4, t.data, packed));
    else parts.push(len(9, new Uint8Array(Float32Array.from(t.data).buffer)));
  }
  return cat(...parts, ...(t.extra ?? []));
}

/** AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20. */
export const attr = {
  ints: (name: string, v: number[], packed = true): Bytes => cat(len(1, name), ints(8, v, packed), int(20, 7)),
  int: (name: string, v: number): Bytes => cat(len(1, name), int(3, v), int(20, 2)),
  float: (name: string, v: number): Bytes => cat(len(1, name), f32(2, v), int(20, 1)),
  string: (name: string, v: string): Bytes => cat(len(1, name), len(4, v), int(20, 3)),
  tensor: (name: string, t: TensorSpec): Bytes => cat(len(1, name), len(5, tensorProto(t)), int(20, 4)),
};

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7. */
export function node(op: string, inputs: string[], outputs: string[], attrs: Bytes[] = [], name?: string, domain?: string): Bytes {
  return cat(...inputs.map((i) => len(1, i)), ...outputs.map((o) => len(2, o)), ...(name ? [len(3, name)] : []), len(4, op),
    ...attrs.map((a) => len(5, a)), ...(domain ? [len(7, domain)] : []));
}

/** ValueInfoProto (name 1, type 2) with TypeProto.tensor_type 1 {elem_type 1, shape 2 {dim 1 {dim_value 1 | dim_param 2}}}. */
export function valueInfo(name: string, dims: (number | string)[], elemType = 1): Bytes {
  const dim = (d: number | string): Bytes => msg(1, typeof d === "number" ? int(1, d) : len(2, d));
  return cat(len(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...dims.map(dim)))));
}

export interface ModelSpec {
  ir?: number;
  opset?: number;
  /** Extra opset_import entries: [domain, version]. */
  domains?: [string, number][];
  nodes: Bytes[];
  initializers?: Bytes[];
  inputs: Bytes[];
  outputs: Bytes[];
}

/** ModelProto: ir_version 1, producer_name 2, graph 7 {node 1, name 2, initializer 5, input 11, output 12}, opset_import 8 {domain 1, version 2}. */
export function model(m: ModelSpec): Bytes {
  const opsets = [["", m.opset ?? 13] as [string, number], ...(m.domains ?? [])].map(([d, v]) => msg(8, ...(d ? [len(1, d)] : []), int(2, v)));
  const graph = msg(7, ...m.nodes.map((n) => len(1, n)), len(2, "g"), ...(m.initializers ?? []).map((t) => len(5, t)),
    ...m.inputs.map((v) => len(11, v)), ...m.outputs.map((v) => len(12, v)));
  return cat(int(1, m.ir ?? 8), len(2, "fcn-wasm tests"), graph, ...opsets);
}

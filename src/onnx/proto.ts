// The ONNX messages fcn-wasm reads (onnx/onnx.proto, proto2), decoded from the wire format into
// plain typed objects: ModelProto, OperatorSetIdProto, StringStringEntryProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto. Field
// numbers are the spec's; fields we do not use (sparse tensors, training info, functions…) are
// skipped, so a newer file still reads. Tensor payloads stay views into the file's bytes.
import { I32, I64, LEN, VARINT, WireReader } from "./wire.js";

export interface OpsetId { domain: string; version: number }
export interface StringEntry { key: string; value: string }

/** TensorProto.DataType values this reader gives a name to (the rest keep their number). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, BFLOAT16: 16 } as const;

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  floatData: number[];
  int32Data: number[];
  int64Data: number[];
  doubleData: number[];
  rawData: Uint8Array | null;
  /** 1 = EXTERNAL: the data lives in another file named by externalData's `location`. */
  dataLocation: number;
  externalData: StringEntry[];
  /** Where this tensor's message is, for error messages. */
  path: string;
}

/** A dimension: a number, a symbolic name (dim_param), or unknown (null). */
export type Dim = number | string | null;
export interface ValueInfo { name: string; elemType: number; shape: Dim[] | null }

/** AttributeProto.AttributeType values. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } as const;

export interface Attribute {
  name: string;
  type: number;
  f: number;
  i: number;
  s: string;
  t: TensorProto | null;
  floats: number[];
  ints: number[];
  strings: string[];
  path: string;
}

export interface NodeProto { name: string; opType: string; domain: string; input: string[]; output: string[]; attribute: Attribute[]; path: string }

export interface GraphProto { name: string; node: NodeProto[]; initializer: TensorProto[]; input: ValueInfo[]; output: ValueInfo[] }

export interface ModelProto {
  irVersion: number;
  producerName: string;
  opsetImport: OpsetId[];
  metadataProps: StringEntry[];
  graph: GraphProto | null;
}

const int = (r: WireReader): number => r.int64();
const f32 = (r: WireReader): number => r.float32();
const f64 = (r: WireReader): number => r.float64();

function readEntry(r: WireReader): StringEntry {
  const e: StringEntry = { key: "", value: "" };
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === LEN) e.key = r.string();
    else if (field === 2 && wire === LEN) e.value = r.string();
    else r.skip(wire);
  }
  return e;
}

export function readTensor(r: WireReader): TensorProto {
  const t: TensorProto = {
    name: "", dims: [], dataType: 0, floatData: [], int32Data: [], int64Data: [], doubleData: [],
    rawData: null, dataLocation: 0, externalData: [], path: r.path,
  };
  while (!r.done()) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1: r.repeated(wire, VARINT, t.dims, int); break;
      case 2: r.expect(wire, VARINT); t.dataType = r.varint(); break;
      case 4: r.repeated(wire, I32, t.floatData, f32); break;
      case 5: r.repeated(wire, VARINT, t.int32Data, int); break;
      case 7: r.repeated(wire, VARINT, t.int64Data, int); break;
      case 8: r.expect(wire, LEN); t.name = r.string(); break;
      case 9: r.expect(wire, LEN); t.rawData = r.bytesField(); break;
      case 10: r.repeated(wire, I64, t.doubleData, f64); break;
      case 13: r.expect(wire, LEN); t.externalData.push(readEntry(r.message(`${r.path}.external_data[${t.externalData.length}]`))); break;
      case 14: r.expect(wire, VARINT); t.dataLocation = r.varint(); break;
      default: r.skip(wire);
    }
  }
  if (t.name) t.path = `${r.path}("${t.name}")`;
  return t;
}

function readShape(r: WireReader): Dim[] {
  const dims: Dim[] = [];
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field !== 1 || wire !== LEN) { r.skip(wire); continue; }
    const d = r.message(`${r.path}.dim[${dims.length}]`);
    let dim: Dim = null;
    while (!d.done()) {
      const [f, w] = d.tag();
      if (f === 1 && w === VARINT) dim = d.int64();
      else if (f === 2 && w === LEN) dim = d.string();
      else d.skip(w);
    }
    dims.push(dim);
  }
  return dims;
}

function readValueInfo(r: WireReader): ValueInfo {
  const v: ValueInfo = { name: "", elemType: 0, shape: null };
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === LEN) v.name = r.string();
    else if (field === 2 && wire === LEN) {
      const type = r.message(`${r.path}.type`);
      while (!type.done()) {
        const [f, w] = type.tag();
        if (f !== 1 || w !== LEN) { type.skip(w); continue; } // only tensor_type (1) is read
        const tt = type.message(`${type.path}.tensor_type`);
        while (!tt.done()) {
          const [g, x] = tt.tag();
          if (g === 1 && x === VARINT) v.elemType = tt.varint();
          else if (g === 2 && x === LEN) v.shape = readShape(tt.message(`${tt.path}.shape`));
          else tt.skip(x);
        }
      }
    } else r.skip(wire);
  }
  return v;
}

function readAttribute(r: WireReader): Attribute {
  const a: Attribute = { name: "", type: 0, f: 0, i: 0, s: "", t: null, floats: [], ints: [], strings: [], path: r.path };
  while (!r.done()) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1: r.expect(wire, LEN); a.name = r.string(); break;
      case 2: r.expect(wire, I32); a.f = r.float32(); break;
      case 3: r.expect(wire, VARINT); a.i = r.int64(); break;
      case 4: r.expect(wire, LEN); a.s = r.string(); break;
      case 5: r.expect(wire, LEN); a.t = readTensor(r.message(`${r.path}.t`)); break;
      case 7: r.repeated(wire, I32, a.floats, f32); break;
      case 8: r.repeated(wire, VARINT, a.ints, int); break;
      case 9: r.expect(wire, LEN); a.strings.push(r.string()); break;
      case 20: r.expect(wire, VARINT); a.type = r.varint(); break;
      default: r.skip(wire); // graphs, tensors, sparse tensors, type protos: not used by the ops we map
    }
  }
  return a;
}

function readNode(r: WireReader): NodeProto {
  const n: NodeProto = { name: "", opType: "", domain: "", input: [], output: [], attribute: [], path: r.path };
  while (!r.done()) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1: r.expect(wire, LEN); n.input.push(r.string()); break;
      case 2: r.expect(wire, LEN); n.output.push(r.string()); break;
      case 3: r.expect(wire, LEN); n.name = r.string(); break;
      case 4: r.expect(wire, LEN); n.opType = r.string(); break;
      case 5: r.expect(wire, LEN); n.attribute.push(readAttribute(r.message(`${r.path}.attribute[${n.attribute.length}]`))); break;
      case 7: r.expect(wire, LEN); n.domain = r.string(); break;
      default: r.skip(wire);
    }
  }
  return n;
}

function readGraph(r: WireReader): GraphProto {
  const g: GraphProto = { name: "", node: [], initializer: [], input: [], output: [] };
  while (!r.done()) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1: r.expect(wire, LEN); g.node.push(readNode(r.message(`${r.path}.node[${g.node.length}]`))); break;
      case 2: r.expect(wire, LEN); g.name = r.string(); break;
      case 5: r.expect(wire, LEN); g.initializer.push(readTensor(r.message(`${r.path}.initializer[${g.initializer.length}]`))); break;
      case 11: r.expect(wire, LEN); g.input.push(readValueInfo(r.message(`${r.path}.input[${g.input.length}]`))); break;
      case 12: r.expect(wire, LEN); g.output.push(readValueInfo(r.message(`${r.path}.output[${g.output.length}]`))); break;
      default: r.skip(wire); // value_info, quantization annotations, sparse initializers
    }
  }
  return g;
}

/**
 * Decodes a serialized ModelProto. Throws OnnxFormatError (naming the message path, e.g.
 * `ModelProto.graph.node[3].attribute[1]`, and the byte offset) for bytes that are not one.
 */
export function readModel(bytes: Uint8Array): ModelProto {
  const r = new WireReader(bytes, "ModelProto");
  const m: ModelProto = { irVersion: 0, producerName: "", opsetImport: [], metadataProps: [], graph: null };
  while (!r.done()) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1: r.expect(wire, VARINT); m.irVersion = r.varint(); break;
      case 2: r.expect(wire, LEN); m.producerName = r.string(); break;
      case 7: r.expect(wire, LEN); m.graph = readGraph(r.message("ModelProto.graph")); break;
      case 8: {
        r.expect(wire, LEN);
        const o = r.message(`ModelProto.opset_import[${m.opsetImport.length}]`);
        const id: OpsetId = { domain: "", version: 0 };
        while (!o.done()) {
          const [f, w] = o.tag();
          if (f === 1 && w === LEN) id.domain = o.string();
          else if (f === 2 && w === VARINT) id.version = o.int64();
          else o.skip(w);
        }
        m.opsetImport.push(id);
        break;
      }
      case 14: r.expect(wire, LEN); m.metadataProps.push(readEntry(r.message(`ModelProto.metadata_props[${m.metadataProps.length}]`))); break;
      default: r.skip(wire);
    }
  }
  return m;
}

/** Decodes one serialized TensorProto (the backend tests' input_0.pb / output_0.pb files). */
export function readTensorProto(bytes: Uint8Array): TensorProto {
  return readTensor(new WireReader(bytes, "TensorProto"));
}

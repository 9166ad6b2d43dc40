// A TensorProto's numbers: float weights as a Float32Array (FLOAT, DOUBLE narrowed, FLOAT16 and
// BFLOAT16 widened), int64/int32 shape tensors as numbers, from `raw_data` (little-endian), from the
// typed fields, or from an external file given in `options.externalData` (name → bytes, with the
// `offset`/`length` entries of the tensor's external_data). Sizes are checked against the dims.
import { AttributeError, OnnxFormatError, UnsupportedError } from "../errors.js";
import { DataType, type TensorProto } from "./proto.js";

/** External data files by the name a tensor's `location` entry gives. */
export type ExternalData = Record<string, Uint8Array>;

const BYTES: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8, [DataType.FLOAT16]: 2, [DataType.BFLOAT16]: 2, [DataType.INT64]: 8, [DataType.INT32]: 4 };
const NAMES: Record<number, string> = { 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 16: "BFLOAT16" };

/** A data type's name, for messages. */
export function dataTypeName(type: number): string {
  return NAMES[type] ?? `data type ${type}`;
}

/** The element count of dims (∏ dims; 1 for a scalar). */
export function elementCount(t: TensorProto): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

/** IEEE half → float: sign · 2^(e−15) · (1 + m/1024), subnormals 2^−14 · m/1024. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return sign * 2 ** -14 * (m / 1024);
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * 2 ** (e - 15) * (1 + m / 1024);
}

/** bfloat16 is the top half of a float32's bits. */
function bfloatToFloat(h: number): number {
  scratch[0] = (h & 0xffff) << 16;
  return scratchFloat[0];
}
const scratch = new Uint32Array(1);
const scratchFloat = new Float32Array(scratch.buffer);

/** The bytes of a tensor's data when it is in raw_data or an external file; null when it is in typed fields. */
function rawBytes(t: TensorProto, external: ExternalData | undefined): Uint8Array | null {
  if (t.dataLocation !== 1) return t.rawData;
  const entry = (key: string): string | undefined => t.externalData.find((e) => e.key === key)?.value;
  const location = entry("location");
  if (location === undefined) throw new OnnxFormatError(`${t.path}: data_location is EXTERNAL but external_data has no "location" entry`);
  const file = external !== undefined && Object.prototype.hasOwnProperty.call(external, location) ? external[location] : undefined;
  if (!(file instanceof Uint8Array)) {
    const given = external === undefined ? "no options.externalData" : `options.externalData has ${Object.keys(external).map((k) => `"${k}"`).join(", ") || "no files"}`;
    throw new AttributeError(`${t.path}: its data is in the external file "${location}"; pass its bytes as options.externalData["${location}"] (${given})`);
  }
  // decimal digits only: Number() would also take "", "0xc", "1.2e1" and " 12 "
  const decimal = (v: string | undefined, fallback: number) => (v === undefined ? fallback : /^\d+$/.test(v) ? Number(v) : NaN);
  const offset = decimal(entry("offset"), 0);
  const length = decimal(entry("length"), file.length - offset);
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > file.length) {
    throw new OnnxFormatError(`${t.path}: external data offset ${entry("offset") ?? 0}, length ${entry("length") ?? "(rest)"} lies outside "${location}" (${file.length} bytes)`);
  }
  return file.subarray(offset, offset + length);
}

function checkCount(t: TensorProto, got: number, where: string): void {
  const want = elementCount(t);
  if (got !== want) throw new OnnxFormatError(`${t.path}: dims [${t.dims.join(", ")}] need ${want} elements, ${where} holds ${got}`);
}

/** A float tensor's data as float32 (DOUBLE rounded, FLOAT16/BFLOAT16 widened exactly). */
export function floatData(t: TensorProto, external?: ExternalData): Float32Array {
  const type = t.dataType;
  if (type !== DataType.FLOAT && type !== DataType.DOUBLE && type !== DataType.FLOAT16 && type !== DataType.BFLOAT16) {
    throw new UnsupportedError(`${t.path}: expected a float tensor (FLOAT, DOUBLE, FLOAT16 or BFLOAT16), got ${dataTypeName(type)}`);
  }
  const raw = rawBytes(t, external);
  if (raw !== null) {
    const size = BYTES[type];
    if (raw.length % size !== 0) throw new OnnxFormatError(`${t.path}: raw data of ${raw.length} bytes is not a whole number of ${dataTypeName(type)} elements`);
    const n = raw.length / size;
    checkCount(t, n, "raw data");
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = type === DataType.FLOAT ? view.getFloat32(4 * i, true)
        : type === DataType.DOUBLE ? view.getFloat64(8 * i, true)
          : type === DataType.FLOAT16 ? halfToFloat(view.getUint16(2 * i, true))
            : bfloatToFloat(view.getUint16(2 * i, true));
    }
    return out;
  }
  // typed fields: FLOAT in float_data, DOUBLE in double_data, the 16-bit types as bits in int32_data
  const values = type === DataType.FLOAT ? t.floatData : type === DataType.DOUBLE ? t.doubleData : t.int32Data;
  checkCount(t, values.length, type === DataType.FLOAT ? "float_data" : type === DataType.DOUBLE ? "double_data" : "int32_data");
  if (type === DataType.FLOAT || type === DataType.DOUBLE) return Float32Array.from(values);
  return Float32Array.from(values, type === DataType.FLOAT16 ? halfToFloat : bfloatToFloat);
}

/** An INT64 or INT32 tensor's data as numbers (shape tensors: pads, sizes, axes). */
export function intData(t: TensorProto, external?: ExternalData): number[] {
  const type = t.dataType;
  if (type === DataType.BOOL) {
    // a flag (Dropout's training_mode): one byte per value in raw_data, else in int32_data
    const raw = rawBytes(t, external);
    const values = raw === null ? t.int32Data.slice() : Array.from(raw);
    checkCount(t, values.length, raw === null ? "int32_data" : "raw data");
    return values.map((v) => (v !== 0 ? 1 : 0));
  }
  if (type !== DataType.INT64 && type !== DataType.INT32) throw new UnsupportedError(`${t.path}: expected an INT64, INT32 or BOOL tensor, got ${dataTypeName(type)}`);
  const raw = rawBytes(t, external);
  if (raw === null) {
    const values = type === DataType.INT64 ? t.int64Data : t.int32Data;
    checkCount(t, values.length, type === DataType.INT64 ? "int64_data" : "int32_data");
    return values.slice();
  }
  const size = BYTES[type];
  if (raw.length % size !== 0) throw new OnnxFormatError(`${t.path}: raw data of ${raw.length} bytes is not a whole number of ${dataTypeName(type)} elements`);
  checkCount(t, raw.length / size, "raw data");
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.length / size }, (_, i) => type === DataType.INT32 ? view.getInt32(4 * i, true) : Number(view.getBigInt64(8 * i, true)));
}

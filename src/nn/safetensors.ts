// safetensors (https://github.com/huggingface/safetensors): 8 bytes little-endian u64 N, N bytes of
// JSON header { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { str: str } },
// then the tensors' raw little-endian bytes; offsets are relative to the data section, which the
// tensors cover exactly (no gaps, no overlaps). The header may be padded with spaces.
//
// Loading returns float32 tensors (F16, BF16 and F64 are converted) that never alias the input
// bytes; saving writes F32 (or F16 on request), names sorted, the header padded so the data starts 8-byte aligned.
import { ShapeError, UnsupportedError } from "../errors.js";
import { type Tensor, checkTensor, describeShape, tensor } from "../tensor.js";
import { floatToHalf, halfToFloat } from "./half.js";

/** The dtypes safetensors defines, with their sizes in bits. */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, I64: 64, U64: 64, F64: 64, C64: 64,
};
/** The ones loadSafetensors converts to float32. */
const LOADABLE = ["F32", "F16", "BF16", "F64"];

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function asBytes(bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (typeof SharedArrayBuffer !== "undefined" && bytes instanceof SharedArrayBuffer) return new Uint8Array(bytes);
  throw new ShapeError(`loadSafetensors(bytes): expected a Uint8Array or an ArrayBuffer, got ${bytes === null ? "null" : typeof bytes}`);
}

interface Entry { name: string; dtype: string; shape: number[]; begin: number; end: number }

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Reads and checks the header; returns the entries, the metadata and where the data starts. */
function readHeader(buf: Uint8Array): { entries: Entry[]; metadata: Record<string, string> | null; dataStart: number } {
  const where = "loadSafetensors";
  if (buf.length < 8) throw new ShapeError(`${where}: truncated file: ${buf.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > buf.length - 8) {
    throw new ShapeError(`${where}: header length ${n} runs past the end of the file (${buf.length - 8} bytes after the 8-byte length); the file is truncated or not safetensors`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    throw new ShapeError(`${where}: the ${n}-byte header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) throw new ShapeError(`${where}: the header must be a JSON object, got ${header === null ? "null" : Array.isArray(header) ? "an array" : typeof header}`);

  const dataStart = 8 + n;
  const dataLength = buf.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!isObject(info) || Object.values(info).some((v) => typeof v !== "string")) {
        throw new ShapeError(`${where}: __metadata__ must be an object of strings`);
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    const t = `${where}: tensor "${name}"`;
    if (!isObject(info)) throw new ShapeError(`${t}: expected { dtype, shape, data_offsets }, got ${info === null ? "null" : typeof info}`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== "string") throw new ShapeError(`${t}: dtype: expected a string, got ${typeof dtype}`);
    if (!(dtype in DTYPE_BITS)) throw new ShapeError(`${t}: unknown dtype ${JSON.stringify(dtype)}; safetensors defines ${Object.keys(DTYPE_BITS).join(", ")}`);
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)) {
      throw new ShapeError(`${t}: shape: expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)) {
      throw new ShapeError(`${t}: data_offsets: expected [begin, end], two non-negative integers, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as number[];
    if (begin > end) throw new ShapeError(`${t}: data_offsets [${begin}, ${end}]: begin is after end`);
    if (end > dataLength) {
      throw new ShapeError(`${t}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes); the file is truncated or corrupt`);
    }
    if (!LOADABLE.includes(dtype)) {
      throw new UnsupportedError(`${t}: dtype ${dtype} is not supported; loadSafetensors reads ${LOADABLE.join(", ")} (converted to float32)`);
    }
    const count = (shape as number[]).reduce((p, d) => p * d, 1);
    const bytes = (count * DTYPE_BITS[dtype]) / 8;
    if (end - begin !== bytes) {
      throw new ShapeError(`${t}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} ${describeShape(shape as number[])} needs ${bytes}`);
    }
    entries.push({ name, dtype, shape: (shape as number[]).slice(), begin, end });
  }

  // The tensors must tile the data section: sorted by offset, each starts where the last ended.
  const sorted = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let last: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < at) {
      throw new ShapeError(`${where}: tensors "${last!.name}" [${last!.begin}, ${last!.end}] and "${e.name}" [${e.begin}, ${e.end}] overlap`);
    }
    if (e.begin > at) throw new ShapeError(`${where}: data bytes [${at}, ${e.begin}) belong to no tensor (before "${e.name}"); safetensors data has no gaps`);
    at = e.end;
    last = e;
  }
  if (at !== dataLength) {
    throw new ShapeError(`${where}: ${dataLength - at} data byte(s) after the last tensor belong to no tensor; the header and the data disagree`);
  }
  return { entries, metadata, dataStart };
}

/** Copies (and converts) one tensor's bytes into a new Float32Array. */
function decode(buf: Uint8Array, start: number, e: Entry): Float32Array {
  const count = e.shape.reduce((p, d) => p * d, 1);
  const bytes = buf.subarray(start + e.begin, start + e.end);
  if (e.dtype === "F32" && LITTLE_ENDIAN_HOST) {
    // A fresh, 4-byte-aligned copy. Not bytes.slice(): on a Node Buffer (readFileSync) slice is a
    // view into the shared pool, and its .buffer would be the whole pool.
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return new Float32Array(copy.buffer);
  }
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (e.dtype) {
    case "F32": for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true); break;
    case "F64": for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true); break;
    case "F16": for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true)); break;
    case "BF16": {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      break;
    }
  }
  return out;
}

/**
 * Reads a safetensors file into float32 tensors by name. F16, BF16 and F64 are converted; other
 * dtypes throw UnsupportedError. Every tensor owns a fresh copy of its data. Throws ShapeError for
 * a truncated file, a header length past the end, a header that is not JSON, an unknown dtype, or
 * data offsets out of range, overlapping, leaving gaps, or not matching shape × dtype size.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const buf = asBytes(bytes);
  const { entries, dataStart } = readHeader(buf);
  const out: Record<string, Tensor> = {};
  for (const e of entries) {
    // defineProperty: a tensor named "__proto__" is an ordinary entry, not the prototype.
    Object.defineProperty(out, e.name, { value: tensor(decode(buf, dataStart, e), e.shape), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The `__metadata__` object of a safetensors file (string → string), or {} when it has none. */
export function safetensorsMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> {
  return readHeader(asBytes(bytes)).metadata ?? {};
}

/** The dtypes saveSafetensors writes. */
export type SavedDtype = "F32" | "F16";

/**
 * Writes tensors as a safetensors file: dtype F32 (or `options.dtype` "F16": half the bytes, each
 * value rounded to the nearest binary16, ties to even; beyond ±65504 it becomes ±∞), names sorted,
 * the data packed in that order, the JSON header padded with spaces so the data starts at a
 * multiple of 8 bytes. `metadata` becomes `__metadata__` (string values only).
 */
export function saveSafetensors(
  tensors: Record<string, Tensor> | Map<string, Tensor>, metadata?: Record<string, string>, options: { dtype?: SavedDtype } = {},
): Uint8Array {
  const dtype = options.dtype ?? "F32";
  if (dtype !== "F32" && dtype !== "F16") throw new UnsupportedError(`saveSafetensors(options.dtype): expected "F32" or "F16", got ${JSON.stringify(dtype)}`);
  const size = dtype === "F32" ? 4 : 2;
  if (tensors === null || typeof tensors !== "object") throw new ShapeError(`saveSafetensors(tensors): expected an object or Map of tensors, got ${tensors === null ? "null" : typeof tensors}`);
  const list = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (!isObject(metadata) || Object.values(metadata).some((v) => typeof v !== "string")) {
      throw new ShapeError("saveSafetensors(metadata): expected an object of strings");
    }
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  for (const [name, t] of list) {
    if (typeof name !== "string" || name === "" || name === "__metadata__") {
      throw new ShapeError(`saveSafetensors(tensors): ${JSON.stringify(name)} cannot be a tensor name`);
    }
    const shape = checkTensor(t, `saveSafetensors(tensors["${name}"])`);
    const bytes = t.data.length * size;
    Object.defineProperty(header, name, { value: { dtype, shape, data_offsets: [offset, offset + bytes] }, enumerable: true, writable: true, configurable: true });
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded % 2 ** 32, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  let at = 8 + padded;
  for (const [, t] of list) {
    if (dtype === "F16") {
      for (let i = 0; i < t.data.length; i++) view.setUint16(at + 2 * i, floatToHalf(t.data[i]), true);
    } else if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    } else {
      for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i], true);
    }
    at += t.data.length * size;
  }
  return out;
}

// Attribute objects: ONNX's attributes in camelCase, and the checks that turn what a caller passed
// into plain per-axis integer arrays. A number where an array is expected means "the same on every
// axis". Unknown names are errors, so a typo is never ignored.
import { AttributeError } from "./errors.js";
import { isPlainObject, kindOf, kindWithType } from "./values.js";

export type AutoPad = "NOTSET" | "SAME_UPPER" | "SAME_LOWER" | "VALID";
/** One integer per spatial axis, or one number for all of them. */
export type Ints = number | readonly number[];

/** ONNX Conv attributes. Weights are [M, C/group, k…]. */
export interface ConvAttrs {
  /** Kernel size per spatial axis; defaults to the weight's spatial shape (must agree with it). */
  kernelShape?: Ints;
  /** Default 1. */
  strides?: Ints;
  /** ONNX order: all begins, then all ends ([top, left, bottom, right] in 2-D). Default 0. A single number pads every side. */
  pads?: Ints;
  /** Default 1. */
  dilations?: Ints;
  /** Channel groups; C and M must both be divisible by it. Default 1. */
  group?: number;
  /** Default 'NOTSET' (use `pads`). SAME_*: output = ⌈in / stride⌉. VALID: no padding. */
  autoPad?: AutoPad;
}

/** ONNX ConvTranspose attributes. Weights are [C, M/group, k…]. */
export interface ConvTransposeAttrs extends ConvAttrs {
  /** Extra size added at the end of each axis, each < max(stride, dilation). Default 0. */
  outputPadding?: Ints;
  /** Requested spatial output size; the pads are derived from it (cannot be combined with `pads`). */
  outputShape?: Ints;
}

/** The window attributes MaxPool and AveragePool share. */
export interface PoolAttrs {
  kernelShape: Ints;
  strides?: Ints;
  pads?: Ints;
  dilations?: Ints;
  autoPad?: AutoPad;
  /** Round the output size up; a window that would start inside the end padding is dropped. */
  ceilMode?: boolean | 0 | 1;
}

/** ONNX MaxPool attributes. */
export interface MaxPoolAttrs extends PoolAttrs {
  /** Accepted for ONNX compatibility; it only affects the Indices output, which fcn-wasm does not return. */
  storageOrder?: 0 | 1;
}

/** ONNX AveragePool attributes (dilations from opset 19, ceilMode from 10). */
export interface AveragePoolAttrs extends PoolAttrs {
  /** Divide by every tap inside the padded input (true), or only by those on the input (default). */
  countIncludePad?: boolean | 0 | 1;
}

/** im2col attributes (the window of a convolution). */
export interface Im2colAttrs {
  kernelShape: Ints;
  strides?: Ints;
  pads?: Ints;
  dilations?: Ints;
}

/** ONNX Col2Im attributes: `imageShape` and `kernelShape` are Col2Im's image_shape and block_shape inputs. */
export interface Col2imAttrs extends Im2colAttrs {
  imageShape: Ints;
}

/** ONNX Gemm attributes. */
export interface GemmAttrs {
  alpha?: number;
  beta?: number;
  transA?: boolean | 0 | 1;
  transB?: boolean | 0 | 1;
}

/** Caffe-style Crop of the spatial axes: output[..., i, j] = x[..., offsets[0] + i, offsets[1] + j]. */
export interface CropAttrs {
  offsets: Ints;
  shape: Ints;
}

/** Throws AttributeError unless `attrs` is undefined or a plain object whose keys are all in `allowed`. */
export function checkAttrNames(attrs: unknown, allowed: readonly string[], op: string, kind: "attrs" | "options" = "attrs"): Record<string, unknown> {
  if (attrs === undefined || attrs === null) return {};
  if (!isPlainObject(attrs)) {
    // the type as well, so "got 2" reads as a number and "got an array of 2" as an array
    throw new AttributeError(`${op}(${kind}): expected a plain object of ${kind === "attrs" ? "attributes" : "options"}, got ${kindWithType(attrs)}`);
  }
  for (const key of Object.keys(attrs)) {
    if (!allowed.includes(key)) {
      throw new AttributeError(`${op}(${kind}.${key}): unknown ${kind === "attrs" ? "attribute" : "option"}; expected one of ${allowed.join(", ")}`);
    }
  }
  return attrs as Record<string, unknown>;
}

/**
 * A value as a message shows it: strings quoted (so "true" and true read differently), arrays
 * bracketed, numbers, booleans, null and undefined as written, anything else by its kind ("a
 * Map", "the bigint 2n"): String() of an object may throw (no toString) or say nothing useful.
 */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  // Array.from reads holes as undefined (map would keep them, and "[, ]" reads as nothing)
  if (Array.isArray(v)) return `[${Array.from(v, show).join(", ")}]`;
  if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") return String(v);
  return kindOf(v);
}

/** Attribute integers go to the kernels as int32. */
export const INT_MAX = 2 ** 31 - 1;

/**
 * Reads an integer-per-axis attribute: undefined → `fallback`, a number → repeated `count` times,
 * an array → must have exactly `count` entries. Every entry must be a finite integer ≥ `min`;
 * a hole in a sparse array (`new Array(2)`) is read as undefined, so it is an error too.
 */
export function readInts(value: unknown, count: number, name: string, min: number, fallback: number): number[] {
  let list: readonly unknown[];
  if (value === undefined) return new Array<number>(count).fill(fallback);
  if (typeof value === "number") list = new Array<unknown>(count).fill(value);
  else if (Array.isArray(value)) list = value;
  else throw new AttributeError(`${name}: expected a number or an array of ${count} integers, got ${value !== null && typeof value === "object" ? kindOf(value) : show(value)}`);
  if (list.length !== count) {
    throw new AttributeError(`${name}: expected ${count} value${count === 1 ? "" : "s"}, got ${list.length} (${show(value)})`);
  }
  // an index loop, not map: map skips holes and would hand them on as holes
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = list[i];
    if (typeof v !== "number" || !Number.isFinite(v) || !Number.isInteger(v)) {
      throw new AttributeError(`${name}[${i}]: expected a finite integer, got ${i in list ? show(v) : "a hole (a sparse array)"}`);
    }
    if (v < min) throw new AttributeError(`${name}[${i}]: expected an integer ≥ ${min}, got ${v}`);
    if (v > INT_MAX) throw new AttributeError(`${name}[${i}]: expected an integer ≤ ${INT_MAX}, got ${v}`);
    out.push(v);
  }
  return out;
}

/** Reads `pads` for `rank` axes (ONNX order: begins then ends) into [begins, ends]. */
export function readPads(value: unknown, rank: number, name: string): [number[], number[]] {
  const all = readInts(value, 2 * rank, name, 0, 0);
  return [all.slice(0, rank), all.slice(rank)];
}

/** Reads a 0/1/boolean attribute. */
export function readFlag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  throw new AttributeError(`${name}: expected true, false, 0 or 1, got ${show(value)}`);
}

/** Reads a finite number attribute. */
export function readNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new AttributeError(`${name}: expected a finite number, got ${show(value)}`);
  }
  return value;
}

/** Reads a positive integer attribute (group). */
export function readPositiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > INT_MAX) {
    throw new AttributeError(`${name}: expected an integer from 1 to ${INT_MAX}, got ${show(value)}`);
  }
  return value;
}

const AUTO_PADS: readonly AutoPad[] = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

/** Reads `autoPad`; explicit `pads` together with anything but NOTSET is an error (as in ONNX). */
export function readAutoPad(value: unknown, pads: unknown, op: string): AutoPad {
  if (value === undefined) return "NOTSET";
  if (typeof value !== "string" || !AUTO_PADS.includes(value as AutoPad)) {
    throw new AttributeError(`${op}(attrs.autoPad): expected one of ${AUTO_PADS.join(", ")}, got ${show(value)}`);
  }
  if (value !== "NOTSET" && pads !== undefined) {
    throw new AttributeError(`${op}(attrs.pads): cannot be combined with autoPad '${value}'; give one or the other`);
  }
  return value as AutoPad;
}

/** Throws AttributeError when a required attribute is missing. */
export function required(value: unknown, name: string): void {
  if (value === undefined) throw new AttributeError(`${name}: required, got nothing`);
}

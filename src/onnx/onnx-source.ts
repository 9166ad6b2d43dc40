// An ONNX model read once and imported per input shape: its parsed graph, opset and external data,
// and its first graph input's declared dims (a number, or null for a dim_param / dim_value 0 /
// absent dim). `bindInputShape` fixes the dims for one import: a shape the caller gives (options
// .inputShape, or the shape of the tensor a Net runs on) must have the declared rank, channels and
// fixed sizes (the batch may differ, as Net always allowed); without one, a dynamic batch binds to
// 1 and any other dynamic dim leaves the shape open (null).
import { AttributeError, OnnxFormatError, ShapeError, UnsupportedError } from "../errors.js";
import { checkAttrNames } from "../attrs.js";
import { isPlainObject } from "../values.js";
import { describeShape } from "../tensor.js";
import { type Constant, initializerConstants } from "./constants.js";
import { type ModelProto, readModel } from "./proto.js";
import type { ExternalData } from "./tensor-data.js";

/** Options of Net.fromOnnx. */
export interface OnnxOptions {
  /** External data files (`data_location: EXTERNAL`) by the name their tensors' `location` gives. */
  externalData?: Record<string, Uint8Array>;
  /**
   * The first graph input's shape, binding its dynamic dims (dim_param, or dim_value 0 / absent).
   * Without it a net whose input has dynamic dims other than the batch is imported for the shape
   * of the first tensor it runs on (and again for every new shape).
   */
  inputShape?: readonly number[];
  /**
   * Blobs (ONNX tensor names of layer outputs) that `net.blob(name)` must read after an inference
   * run; the others' memory is reused by later layers. Default [] (the inputs and outputs only);
   * "all" keeps every blob (NetOptions.keep).
   */
  keep?: "all" | readonly string[];
  /**
   * Fuse activations into the conv before them (Conv → Relu, Clip, LeakyRelu, HardSigmoid,
   * HardSwish…, and the SiLU and written-out hard-swish patterns; onnx/fuse-activations.ts): the
   * activation runs in the conv's output pass, with the same numbers. Default true; false keeps
   * every activation its own layer (and the conv's output a blob).
   */
  fuse?: boolean;
}

/** IR versions and default-domain opsets this importer reads. */
export const IR_VERSIONS = [3, 10], OPSETS = [6, 22];

/** A parsed model ready to import at an input shape. */
export interface OnnxSource {
  readonly model: ModelProto;
  readonly opset: number;
  readonly external: ExternalData | undefined;
  /** The initializers as constants (decoded lazily). */
  readonly initializers: Map<string, Constant>;
  /** The first graph input that is not an initializer: its name and declared dims (null: dynamic). */
  readonly input: { name: string; dims: (number | null)[] | null; elemType: number };
  /** What the import optimises: fuse activations into convs (OnnxOptions.fuse) except into the blobs kept (OnnxOptions.keep). */
  readonly fusion: { fuse: boolean; keep: "all" | readonly string[] };
  /** Every graph input that is not an initializer, the first one first (`input`); the others are the GraphSpec's extraInputs. */
  readonly inputs: { name: string; dims: (number | null)[] | null; elemType: number }[];
}

/** Checks `bytes` and `options`; returns the external data record. */
function readArguments(bytes: unknown, options: unknown): { external: ExternalData | undefined; inputShape: readonly number[] | undefined } {
  if (!(bytes instanceof Uint8Array)) {
    throw new AttributeError(`Net.fromOnnx(bytes): expected a Uint8Array holding an .onnx file, got ${bytes === null ? "null" : typeof bytes === "object" ? (bytes as object).constructor?.name ?? "an object" : typeof bytes}`);
  }
  const o = checkAttrNames(options, ["externalData", "inputShape", "keep", "fuse"], "Net.fromOnnx", "options");
  if (o.fuse !== undefined && typeof o.fuse !== "boolean") throw new AttributeError(`Net.fromOnnx(options.fuse): expected true or false, got ${o.fuse === null ? "null" : typeof o.fuse}`);
  const inputShape = o.inputShape;
  if (inputShape !== undefined && !(Array.isArray(inputShape) && inputShape.every((d) => Number.isInteger(d) && d > 0))) {
    throw new AttributeError(`Net.fromOnnx(options.inputShape): expected an array of positive integers, got ${Array.isArray(inputShape) ? `[${inputShape.join(", ")}]` : inputShape === null ? "null" : typeof inputShape}`);
  }
  const external = o.externalData;
  if (external === undefined) return { external: undefined, inputShape: inputShape as number[] | undefined };
  if (!isPlainObject(external)) throw new AttributeError(`Net.fromOnnx(options.externalData): expected a record of file name → Uint8Array, got ${external === null ? "null" : typeof external}`);
  for (const [name, file] of Object.entries(external)) {
    if (!(file instanceof Uint8Array)) throw new AttributeError(`Net.fromOnnx(options.externalData["${name}"]): expected a Uint8Array, got ${file === null ? "null" : typeof file}`);
  }
  return { external: external as ExternalData, inputShape: inputShape as number[] | undefined };
}

/** The default-domain opset; any other domain, or a version outside 6–22, is an UnsupportedError. */
function checkVersions(model: ModelProto): number {
  const [irLo, irHi] = IR_VERSIONS, [opLo, opHi] = OPSETS;
  if (model.irVersion < irLo || model.irVersion > irHi) {
    throw new UnsupportedError(`Net.fromOnnx: ModelProto.ir_version is ${model.irVersion}; fcn-wasm reads IR versions ${irLo}–${irHi}`);
  }
  let opset = 0;
  for (const { domain, version } of model.opsetImport) {
    if (domain !== "" && domain !== "ai.onnx") throw new UnsupportedError(`Net.fromOnnx: the model imports operator domain "${domain}" (version ${version}); fcn-wasm runs the default ONNX domain only`);
    if (version < opLo || version > opHi) throw new UnsupportedError(`Net.fromOnnx: the model's default-domain opset is ${version}; fcn-wasm reads opsets ${opLo}–${opHi}`);
    opset = version;
  }
  if (opset === 0) throw new UnsupportedError("Net.fromOnnx: the model imports no default-domain opset (ModelProto.opset_import)");
  return opset;
}

/**
 * Parses an .onnx file's bytes and checks what does not depend on the input shape (arguments,
 * versions, that there is a graph input). Returns the source and the `options.inputShape` given.
 */
export function readOnnx(bytes: Uint8Array, options?: OnnxOptions): { source: OnnxSource; inputShape: readonly number[] | undefined } {
  const { external, inputShape } = readArguments(bytes, options);
  const model = readModel(bytes);
  const graph = model.graph;
  if (graph === null) throw new OnnxFormatError("ModelProto: no graph (field 7) in the file");
  const opset = checkVersions(model);
  const initializers = initializerConstants(graph.initializer, external);
  // the graph inputs: those that are not initializers (IR < 4 lists initializers as inputs too)
  const inputs = graph.input.filter((v) => !initializers.has(v.name)).map((v) => ({
    name: v.name, elemType: v.elemType,
    dims: v.shape === null ? null : v.shape.map((d) => (typeof d === "number" && d > 0 ? d : null)),
  }));
  if (inputs.length === 0) throw new UnsupportedError("Net.fromOnnx: the graph has no input that is not an initializer; Net needs at least one");
  const fusion = { fuse: options?.fuse !== false, keep: options?.keep ?? [] };
  const source: OnnxSource = { model, opset, external, initializers, input: inputs[0], inputs, fusion };
  if (inputShape !== undefined) checkInputShape(source.input, inputShape, "Net.fromOnnx(options.inputShape)");
  return { source, inputShape };
}

/** Whether a declared input has a dynamic dim other than the batch (or no shape at all). */
function openDims(input: OnnxInput): boolean {
  return input.dims === null || input.dims.some((d, i) => d === null && i > 0);
}

/** Whether the declared input has a dynamic dim other than the batch (or no shape at all). */
export function hasOpenDims(source: OnnxSource): boolean {
  return openDims(source.input);
}

/**
 * The graph inputs after the first whose declared dims are open (dynamic other than the batch, or
 * no shape): they bind to the shapes of the tensors runAll feeds them, like the first input's.
 */
export function openExtraInputs(source: OnnxSource): OnnxInput[] {
  return source.inputs.slice(1).filter(openDims);
}

/** A graph input's name, element type and declared dims (null: dynamic; null list: no shape given). */
export type OnnxInput = OnnxSource["input"];

/** The declared dims for messages: [1, 3, ?, ?]. */
export function describeDeclared(input: OnnxInput): string {
  return input.dims === null ? "of unknown rank" : `[${input.dims.map((d) => d ?? "?").join(", ")}]`;
}

/**
 * Checks a shape to run (or import) at against the declared input: the same rank, and the declared
 * size on every fixed axis but the batch. A ShapeError names the graph input and the axis.
 */
export function checkInputShape(input: OnnxInput, shape: readonly number[], what: string): void {
  const { name, dims } = input;
  if (dims === null) return;
  if (shape.length !== dims.length) {
    throw new ShapeError(`${what}: the model's input "${name}" has rank ${dims.length} (declared ${describeDeclared(input)}), got ${describeShape(shape)}`);
  }
  for (let i = 1; i < dims.length; i++) {
    const d = dims[i];
    if (d !== null && shape[i] !== d) {
      throw new ShapeError(`${what}: the model's input "${name}" is declared ${describeDeclared(input)}: axis ${i}${i === 1 ? " (channels)" : ""} must be ${d}, got ${describeShape(shape)}`);
    }
  }
}

/** The shape to import at without a given one: the declared dims, a dynamic batch as 1; null when another dim is open. */
export function defaultInputShape(source: OnnxSource): number[] | null {
  if (hasOpenDims(source)) return null;
  return source.input.dims!.map((d) => d ?? 1);
}


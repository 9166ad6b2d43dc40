// GraphSpec: a network as JSON — an input, named layers in order, an output — and its static
// analysis: structural validation, shape inference with the package's own shape math
// (src/shape.ts), parameter shapes, and the Caffe coordinate maps that give Crop its offsets.
//
// A layer's output is named by the layer's name; `inputs` name the graph input or EARLIER
// layers, so a graph is a DAG in topological order by construction (no cycles are possible).
// Parameters are named `<layer>.weight` and `<layer>.bias` (PyTorch's naming).
import type { AveragePoolAttrs, ConvAttrs, ConvTransposeAttrs, Ints, MaxPoolAttrs } from "../attrs.js";
import { INT_MAX, readInts, show } from "../attrs.js";
import { AttributeError, FcnWasmError, ShapeError } from "../errors.js";
import { checkSpatialRank, resolveAveragePool, resolveConv, resolveConvTranspose, resolveMaxPool, type Window } from "../shape.js";
import { describeShape } from "../tensor.js";
import { isPlainObject } from "../values.js";
import { resolveGlobalPool } from "../ops/global-pool.js";
import { EPILOGUE_FORMS, FUSABLE_OPS, type FusedActivation } from "../ops/fused-activation.js";
import { ACTIVATION_ATTRS, ACTIVATION_OPS, type ActivationOp, type ClipAttrs, type EluAttrs, type HardSigmoidAttrs, type LeakyReluAttrs, type SeluAttrs, activation } from "../ops/activations.js";
import { LAYER_OPS, type LayerOpName } from "./layer-ops.js";
import type { LayerAttrs } from "./layer-op.js";
import {
  type AxisMap, IDENTITY, compose, cropMap, cropOffsetFromMap, relativeMap, toNumber, transposedWindowMap, windowMap,
} from "./coord-map.js";

// ---------------------------------------------------------------------------------------------
// Types

/** The ops with their own cases in this file, net.ts and plan.ts. */
type BuiltinOp = "Conv" | "ConvTranspose" | "Relu" | "MaxPool" | "Add" | "Crop" | "Dropout" | "Scale" | "Softmax" | "PRelu" | "GlobalAveragePool" | "GlobalMaxPool" | "AveragePool" | ActivationOp;
export type OpName = BuiltinOp | LayerOpName;

/** Every op a GraphSpec layer may use: the built-in layers, then the layer ops (layer-ops.ts). */
export const OPS: readonly OpName[] = ["Conv", "ConvTranspose", "Relu", "MaxPool", "Add", "Crop", "Dropout", "Scale", "Softmax", "PRelu", "GlobalAveragePool", "GlobalMaxPool", "AveragePool", ...ACTIVATION_OPS, ...LAYER_OPS.keys() as Iterable<LayerOpName>];

/**
 * How Net initialises a parameter that no weights file supplies (biases always start at 0):
 * 'he' (Kaiming normal, std √(2 / fan-in); Caffe's 'msra'), 'xavier' (uniform ±√(3 / fan-in)),
 * 'zeros' (FCN's score layers), 'bilinear' (FCN's upsampling filter on the channel diagonal, or per
 * channel with group = C; trilinear on a 3-D kernel; see bilinear.ts).
 */
export type WeightInit = "he" | "xavier" | "zeros" | "bilinear";

/**
 * What a layer with parameters adds to its op's ONNX attributes, so that its weight shape is known
 * from the spec alone: Conv's weight is [outChannels, C/group, ...kernelShape], ConvTranspose's is
 * [C, outChannels/group, ...kernelShape] (C = the input's channels), the bias [outChannels].
 */
export interface ParamAttrs {
  /** Output channels M. Required. */
  outChannels: number;
  /** Whether the layer has a bias `<layer>.bias`. Default true. */
  bias?: boolean;
  /** Initialiser used when no weight is given. Default 'he'. */
  init?: WeightInit;
  /** False: the parameters are fixed (Caffe's lr_mult 0; no gradient is returned). Default true. */
  trainable?: boolean;
  /**
   * An activation applied to the output in the conv's own output pass (after the bias): what the
   * ONNX importer makes of a conv followed by Relu, Clip, LeakyRelu, HardSigmoid, HardSwish… or by
   * the SiLU / hard-swish patterns (ops/fused-activation.ts). Default none. toOnnx writes it back
   * as its own nodes.
   */
  activation?: FusedActivation;
}

/** Conv layer: ONNX Conv attributes with `kernelShape` required, plus ParamAttrs. */
export interface ConvLayerAttrs extends Omit<ConvAttrs, "kernelShape">, ParamAttrs { kernelShape: Ints }
/** ConvTranspose layer: ONNX ConvTranspose attributes with `kernelShape` required, plus ParamAttrs. */
export interface ConvTransposeLayerAttrs extends Omit<ConvTransposeAttrs, "kernelShape">, ParamAttrs { kernelShape: Ints }
/**
 * Crop layer (inputs [x, like]): crops x's spatial axes to like's spatial size starting at
 * `offsets`. Absent offsets are computed from the coordinate maps (Caffe's net spec crop()).
 */
export interface CropLayerAttrs { offsets?: Ints }
/** Dropout layer: zeroes each activation with probability `ratio` while training (default 0.5), scaling the rest by 1/(1 − ratio). */
export interface DropoutLayerAttrs { ratio?: number }
/** Scale layer: multiplies by the fixed number `scale` (FCN-8s at-once scales its pool3/pool4 skips). */
export interface ScaleLayerAttrs { scale: number }
/** Ops with no attributes (Relu, Add, Softmax over the channel axis). */
export type NoAttrs = Record<string, never>;

export interface ConvLayer { name: string; op: "Conv"; inputs: [string]; attrs: ConvLayerAttrs }
export interface ConvTransposeLayer { name: string; op: "ConvTranspose"; inputs: [string]; attrs: ConvTransposeLayerAttrs }
export interface MaxPoolLayer { name: string; op: "MaxPool"; inputs: [string]; attrs: MaxPoolAttrs }
export interface ReluLayer { name: string; op: "Relu"; inputs: [string]; attrs?: NoAttrs }
/** Elementwise sum of two inputs of exactly the same shape. */
export interface AddLayer { name: string; op: "Add"; inputs: [string, string]; attrs?: NoAttrs }
export interface CropLayer { name: string; op: "Crop"; inputs: [x: string, like: string]; attrs?: CropLayerAttrs }
export interface DropoutLayer { name: string; op: "Dropout"; inputs: [string]; attrs?: DropoutLayerAttrs }
export interface ScaleLayer { name: string; op: "Scale"; inputs: [string]; attrs: ScaleLayerAttrs }
/** Softmax over the channel axis (axis 1). */
export interface SoftmaxLayer { name: string; op: "Softmax"; inputs: [string]; attrs?: NoAttrs }

/**
 * An element-wise activation (src/ops/activations.ts) with the attributes of its op function:
 * LeakyRelu/Elu { alpha }, Selu { alpha, gamma }, HardSigmoid { alpha, beta }, Clip { min, max }.
 */
export interface ActivationLayer {
  name: string; op: ActivationOp; inputs: [string];
  attrs?: LeakyReluAttrs | EluAttrs | SeluAttrs | HardSigmoidAttrs | ClipAttrs;
}

/**
 * PRelu layer: y = x ≥ 0 ? x : slope·x with a learned slope `<layer>.weight`, one per channel [C]
 * (or one shared [1] when `shared`), initialised to 0.25 as PyTorch's PReLU.
 */
export interface PreluLayerAttrs { shared?: boolean; trainable?: boolean }
export interface PreluLayer { name: string; op: "PRelu"; inputs: [string]; attrs?: PreluLayerAttrs }

/** The mean of each channel's plane: [N, C, H, W] → [N, C, 1, 1] (ONNX GlobalAveragePool). */
export interface GlobalAveragePoolLayer { name: string; op: "GlobalAveragePool"; inputs: [string]; attrs?: NoAttrs }
/** The maximum of each channel's plane: [N, C, H, W] → [N, C, 1, 1] (ONNX GlobalMaxPool). */
export interface GlobalMaxPoolLayer { name: string; op: "GlobalMaxPool"; inputs: [string]; attrs?: NoAttrs }

/** The mean over each window (ONNX AveragePool's attributes, countIncludePad among them). */
export interface AveragePoolLayer { name: string; op: "AveragePool"; inputs: [string]; attrs: AveragePoolAttrs }

/**
 * A layer op (src/nn/layer-ops.ts: Concat, Constant, …): `inputs` as many as the op takes, its
 * attributes those of the op's public function (ONNX's, in camelCase).
 */
export interface GenericLayer { name: string; op: LayerOpName; inputs: string[]; attrs?: LayerAttrs }

export type LayerSpec = GenericLayer | AveragePoolLayer | GlobalAveragePoolLayer | GlobalMaxPoolLayer | PreluLayer | ConvLayer | ConvTransposeLayer | MaxPoolLayer | ReluLayer | AddLayer | CropLayer | DropoutLayer | ScaleLayer | SoftmaxLayer | ActivationLayer;

/** The graph input: its name and shape [N, C, H, W] (or [N, C, L], or [N, C, D, H, W]). */
export interface GraphInput { name: string; shape: number[] }

/**
 * A network as JSON. `input` is the graph input Net.run(x) feeds and `output` names the layer whose
 * result Net.run returns. A graph with several inputs or outputs lists the others in
 * `extraInputs` (each fed by name through Net.runAll) and `extraOutputs` (layer names; runAll
 * returns every output by name).
 */
export interface GraphSpec {
  input: GraphInput;
  output: string;
  layers: LayerSpec[];
  /** Graph inputs after `input`, in order (ONNX's graph.input order). Default none. */
  extraInputs?: GraphInput[];
  /** Layers returned besides `output`, in order (ONNX's graph.output order). Default none. */
  extraOutputs?: string[];
}

/** Every graph input: `input`, then `extraInputs`. */
export function graphInputs(spec: GraphSpec): GraphInput[] {
  return [spec.input, ...(spec.extraInputs ?? [])];
}

/** Every graph output (a layer name): `output`, then `extraOutputs`. */
export function graphOutputs(spec: GraphSpec): string[] {
  return [spec.output, ...(spec.extraOutputs ?? [])];
}

// ---------------------------------------------------------------------------------------------
// Validation

const WINDOW_ATTRS = ["kernelShape", "strides", "pads", "dilations", "group", "autoPad"];
const PARAM_ATTRS = ["outChannels", "bias", "init", "trainable", "activation"];
const ATTRS: Record<BuiltinOp, readonly string[]> = {
  Conv: [...WINDOW_ATTRS, ...PARAM_ATTRS],
  ConvTranspose: [...WINDOW_ATTRS, "outputPadding", "outputShape", ...PARAM_ATTRS],
  MaxPool: ["kernelShape", "strides", "pads", "dilations", "autoPad", "ceilMode", "storageOrder"],
  Relu: [],
  Add: [],
  Crop: ["offsets"],
  Dropout: ["ratio"],
  Scale: ["scale"],
  Softmax: [],
  PRelu: ["shared", "trainable"],
  GlobalAveragePool: [],
  GlobalMaxPool: [],
  AveragePool: ["kernelShape", "strides", "pads", "dilations", "autoPad", "ceilMode", "countIncludePad"],
  ...ACTIVATION_ATTRS,
};
const INPUT_COUNT: Record<BuiltinOp, number> = {
  Conv: 1, ConvTranspose: 1, MaxPool: 1, Relu: 1, Add: 2, Crop: 2, Dropout: 1, Scale: 1, Softmax: 1, PRelu: 1, GlobalAveragePool: 1, GlobalMaxPool: 1, AveragePool: 1,
  ...Object.fromEntries(ACTIVATION_OPS.map((op) => [op, 1])) as Record<ActivationOp, number>,
};
const INPUT_ROLES: Partial<Record<BuiltinOp, string>> = { Add: "[a, b]", Crop: "[x, like]" };
const INITS: readonly WeightInit[] = ["he", "xavier", "zeros", "bilinear"];

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? JSON.stringify(v) : typeof v;
}

/** `graph: layer "name" (Op)` — every message about a layer starts with this. */
function where(layer: { name?: unknown; op?: unknown }, index: number): string {
  const name = typeof layer.name === "string" ? `"${layer.name}"` : `#${index}`;
  return `graph: layer ${name}${typeof layer.op === "string" ? ` (${layer.op})` : ""}`;
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new AttributeError(`${what}: unknown ${allowed.length ? `key "${key}"; expected ${allowed.join(", ")}` : `key "${key}"; expected none`}`);
    }
  }
}

/** Checks a layer op's attributes: names against its list, then its own check. */
function checkLayerOpAttrs(op: LayerOpName, attrs: unknown, at: string): void {
  const def = LAYER_OPS.get(op)!;
  if (attrs !== undefined && !isPlainObject(attrs)) throw new AttributeError(`${at}: attrs: expected a plain object, got ${kind(attrs)}`);
  const a = (attrs ?? {}) as LayerAttrs;
  for (const key of Object.keys(a)) {
    if (!def.attrs.includes(key)) throw new AttributeError(`${at}: attrs.${key}: unknown attribute; ${def.attrs.length ? `expected one of ${def.attrs.join(", ")}` : `${op} takes none`}`);
  }
  try {
    def.check?.(a);
  } catch (e) {
    namedError(e, at);
  }
}

function checkLayerAttrs(op: OpName, attrs: unknown, at: string): void {
  if (LAYER_OPS.has(op)) return checkLayerOpAttrs(op as LayerOpName, attrs, at);
  if (attrs === undefined) {
    if (op === "Conv" || op === "ConvTranspose") throw new AttributeError(`${at}: attrs required (outChannels and kernelShape at least)`);
    if (op === "MaxPool" || op === "AveragePool") throw new AttributeError(`${at}: attrs required (kernelShape at least)`);
    if (op === "Scale") throw new AttributeError(`${at}: attrs required ({ scale: number })`);
    return;
  }
  if (!isPlainObject(attrs)) throw new AttributeError(`${at}: attrs: expected a plain object, got ${kind(attrs)}`);
  const allowed = ATTRS[op as BuiltinOp];
  for (const key of Object.keys(attrs)) {
    if (!allowed.includes(key)) {
      throw new AttributeError(`${at}: attrs.${key}: unknown attribute; ${allowed.length ? `expected one of ${allowed.join(", ")}` : `${op} takes none`}`);
    }
  }
  const a = attrs;
  if (op === "Conv" || op === "ConvTranspose") {
    if (a.outChannels === undefined) throw new AttributeError(`${at}: attrs.outChannels: required (the layer's output channels), got nothing`);
    if (typeof a.outChannels !== "number" || !Number.isInteger(a.outChannels) || a.outChannels < 1) {
      throw new AttributeError(`${at}: attrs.outChannels: expected a positive integer, got ${show(a.outChannels)}`);
    }
    if (a.kernelShape === undefined) throw new AttributeError(`${at}: attrs.kernelShape: required (it gives the weight's shape), got nothing`);
    for (const flag of ["bias", "trainable"] as const) {
      if (a[flag] !== undefined && typeof a[flag] !== "boolean") throw new AttributeError(`${at}: attrs.${flag}: expected true or false, got ${show(a[flag])}`);
    }
    if (a.init !== undefined && !INITS.includes(a.init as WeightInit)) {
      throw new AttributeError(`${at}: attrs.init: expected one of ${INITS.join(", ")}, got ${show(a.init)}`);
    }
    if (a.activation !== undefined) checkFusedActivation(a.activation, `${at}: attrs.activation`);
  } else if (op === "MaxPool" || op === "AveragePool") {
    if (a.kernelShape === undefined) throw new AttributeError(`${at}: attrs.kernelShape: required, got nothing`);
  } else if (op === "Dropout") {
    if (a.ratio !== undefined && (typeof a.ratio !== "number" || !(a.ratio >= 0 && a.ratio < 1))) {
      throw new AttributeError(`${at}: attrs.ratio: expected a number in [0, 1), got ${show(a.ratio)}`);
    }
  } else if (op === "Scale") {
    if (typeof a.scale !== "number" || !Number.isFinite(a.scale)) {
      throw new AttributeError(`${at}: attrs.scale: expected a finite number, got ${a.scale === undefined ? "nothing" : show(a.scale)}`);
    }
  } else if (op === "PRelu") {
    for (const flag of ["shared", "trainable"] as const) {
      if (a[flag] !== undefined && typeof a[flag] !== "boolean") throw new AttributeError(`${at}: attrs.${flag}: expected true or false, got ${show(a[flag])}`);
    }
  } else if (ACTIVATION_OPS.includes(op as ActivationOp)) {
    try {
      activation(op as ActivationOp, a, op); // reads and checks the values (finite alpha, numeric bounds)
    } catch (e) {
      namedError(e, at);
    }
  } else if (op === "Crop") {
    if (a.offsets !== undefined) {
      const list = typeof a.offsets === "number" ? [a.offsets] : a.offsets;
      // Array.from reads a sparse array's holes as undefined (some() would skip them)
      if (!Array.isArray(list) || Array.from(list).some((v) => typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
        throw new AttributeError(`${at}: attrs.offsets: expected a non-negative integer or an array of them (one per spatial axis), got ${show(a.offsets)}`);
      }
    }
  }
}

/**
 * Checks a GraphSpec's structure and attributes (not its shapes: see inferShapes). Throws
 * AttributeError naming the layer for: a malformed spec, an unknown op, duplicate layer names, an
 * input naming neither the graph input nor an earlier layer, the wrong number of inputs for the op,
 * unknown or missing attributes, and an output naming no layer; ShapeError for a bad input shape.
 */
export function validateGraph(spec: unknown): asserts spec is GraphSpec {
  if (!isPlainObject(spec)) throw new AttributeError(`graph: expected a GraphSpec object { input, output, layers }, got ${kind(spec)}`);
  checkKeys(spec, ["input", "output", "layers", "extraInputs", "extraOutputs"], "graph");
  const input = spec.input;
  const checkInput = (v: unknown, at: string): void => {
    if (!isPlainObject(v)) throw new AttributeError(`${at}: expected { name, shape }, got ${v === undefined ? "nothing" : kind(v)}`);
    checkKeys(v, ["name", "shape"], at);
    if (typeof v.name !== "string" || v.name === "") throw new AttributeError(`${at}.name: expected a non-empty string, got ${kind(v.name)}`);
    checkInputShape(v.shape, `${at}.shape`);
  };
  checkInput(input, "graph.input");
  const extraInputs = spec.extraInputs;
  if (extraInputs !== undefined && !Array.isArray(extraInputs)) throw new AttributeError(`graph.extraInputs: expected an array of { name, shape }, got ${kind(extraInputs)}`);
  (extraInputs ?? []).forEach((v: unknown, i: number) => checkInput(v, `graph.extraInputs[${i}]`));
  if (!Array.isArray(spec.layers)) throw new AttributeError(`graph.layers: expected an array of layers, got ${spec.layers === undefined ? "nothing" : kind(spec.layers)}`);

  // every graph input by name: index -1 (the first), -2 (extraInputs[0]), … (layers count from 0)
  const seen = new Map<string, number>([[(input as { name: string }).name, -1]]);
  (extraInputs ?? []).forEach((v: { name: string }, i: number) => {
    const previous = seen.get(v.name);
    if (previous !== undefined) {
      throw new AttributeError(`graph.extraInputs[${i}].name: "${v.name}" is already ${previous === -1 ? "graph.input's name" : `graph.extraInputs[${-previous - 2}]'s name`}; every graph input needs its own name`);
    }
    seen.set(v.name, -2 - i);
  });
  const inputName = (name: string): string | undefined => {
    const at = seen.get(name);
    return at === undefined || at >= 0 ? undefined : at === -1 ? "graph.input" : `graph.extraInputs[${-at - 2}]`;
  };
  const later = new Map<string, number>();
  spec.layers.forEach((l: unknown, i: number) => {
    if (isPlainObject(l) && typeof l.name === "string" && !later.has(l.name)) later.set(l.name, i);
  });
  spec.layers.forEach((layer: unknown, i: number) => {
    if (!isPlainObject(layer)) throw new AttributeError(`graph: layers[${i}]: expected { name, op, inputs, attrs }, got ${kind(layer)}`);
    const at = where(layer, i);
    checkKeys(layer, ["name", "op", "inputs", "attrs"], at);
    if (typeof layer.name !== "string" || layer.name === "") throw new AttributeError(`graph: layers[${i}].name: expected a non-empty string, got ${kind(layer.name)}`);
    const previous = seen.get(layer.name);
    if (previous !== undefined) {
      throw new AttributeError(previous < 0
        ? `${at}: the name "${layer.name}" is already ${previous === -1 ? "the graph input's" : `a graph input's (${inputName(layer.name)})`}; every name must be unique`
        : `${at}: duplicate layer name (also layers[${previous}]); every layer name must be unique`);
    }
    if (typeof layer.op !== "string" || !OPS.includes(layer.op as OpName)) {
      throw new AttributeError(`${at}: unknown op ${kind(layer.op)}; expected one of ${OPS.join(", ")}`);
    }
    const op = layer.op as OpName;
    const inputs = layer.inputs;
    const def = LAYER_OPS.get(op);
    const [min, max] = def === undefined ? [INPUT_COUNT[op as BuiltinOp], INPUT_COUNT[op as BuiltinOp]] : typeof def.inputs === "number" ? [def.inputs, def.inputs] : def.inputs;
    const count = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    const plural = max !== 1;
    if (!Array.isArray(inputs)) throw new AttributeError(`${at}: inputs: expected an array of ${count} name${plural ? "s" : ""}, got ${inputs === undefined ? "nothing" : kind(inputs)}`);
    if (inputs.length < min || inputs.length > max) {
      const roles = def === undefined ? INPUT_ROLES[op as BuiltinOp] : def.roles;
      throw new AttributeError(`${at}: expected ${count} input${plural ? `s${roles ? ` ${roles}` : ""}` : ""}, got ${inputs.length}${inputs.length ? ` (${inputs.map(kind).join(", ")})` : ""}`);
    }
    inputs.forEach((name: unknown, j: number) => {
      if (typeof name !== "string") throw new AttributeError(`${at}: inputs[${j}]: expected a layer name, got ${kind(name)}`);
      if (seen.has(name)) return;
      const ahead = later.get(name);
      throw new AttributeError(ahead !== undefined
        ? `${at}: input "${name}" is layers[${ahead}], which does not come earlier; inputs must name the graph input or an earlier layer (so a graph cannot have cycles)`
        : `${at}: input "${name}" names neither ${extraInputs?.length ? `a graph input (${[input, ...extraInputs].map((v: { name: string }) => `"${v.name}"`).join(", ")})` : `the graph input "${(input as { name: string }).name}"`} nor an earlier layer (inputs must come earlier, so a graph cannot have cycles)`);
    });
    checkLayerAttrs(op, layer.attrs, at);
    seen.set(layer.name, i);
  });
  const checkOutput = (name: unknown, at: string): void => {
    if (typeof name !== "string") throw new AttributeError(`${at}: expected a layer name, got ${name === undefined ? "nothing" : kind(name)}`);
    if (!seen.has(name) || seen.get(name)! < 0) {
      const isInput = inputName(name);
      throw new AttributeError(`${at}: "${name}" names no layer${isInput === "graph.input" ? " (it is the graph input)" : isInput !== undefined ? ` (it is a graph input, ${isInput})` : ""}`);
    }
  };
  checkOutput(spec.output, "graph.output");
  const extraOutputs = spec.extraOutputs;
  if (extraOutputs !== undefined && !Array.isArray(extraOutputs)) throw new AttributeError(`graph.extraOutputs: expected an array of layer names, got ${kind(extraOutputs)}`);
  const outputs = new Map<string, string>([[spec.output as string, "graph.output"]]);
  (extraOutputs ?? []).forEach((name: unknown, i: number) => {
    const at = `graph.extraOutputs[${i}]`;
    checkOutput(name, at);
    const previous = outputs.get(name as string);
    if (previous !== undefined) throw new AttributeError(`${at}: "${name}" is already ${previous}; each output is listed once`);
    outputs.set(name as string, at);
  });
}

/**
 * Checks an input shape for the graph: positive integers (the layers check their own ranks: Conv
 * wants [N, C, L] or [N, C, H, W], a Gemm [M, K]…); `name` names the argument.
 */
export function checkInputShape(shape: unknown, name: string): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${name}: expected [N, C, H, W] (or [N, C, L], or the dims the first layer takes), got ${shape === undefined ? "nothing" : kind(shape)}`);
  // Array.from reads a sparse array's holes as undefined (forEach would skip them)
  Array.from(shape as unknown[]).forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > INT_MAX) throw new ShapeError(`${name}[${i}]: expected a positive integer (at most ${INT_MAX}), got ${show(d)}`);
  });
  if (shape.length < 1) throw new ShapeError(`${name}: expected [N, C, H, W] (or [N, C, L], or the dims the first layer takes), got ${describeShape(shape as number[])}`);
  return shape.slice() as number[];
}

// ---------------------------------------------------------------------------------------------
// Analysis: shapes, parameters, coordinate maps, crop offsets

/** What inferShapes and the coordinate maps find, for one input shape. */
export interface GraphAnalysis {
  /** The shape of every graph input and of every layer's output, in graph order. */
  shapes: Map<string, number[]>;
  /** Parameter shapes: `<layer>.weight` and `<layer>.bias` for Conv and ConvTranspose layers. */
  parameters: Map<string, number[]>;
  /** Every Crop layer's offsets, given or computed. */
  cropOffsets: Map<string, number[]>;
  /**
   * The coordinate map of every blob relative to the graph input, one per spatial axis:
   * blob coordinate = scale·input coordinate + shift (Caffe's convention, exact fractions).
   * An Add takes its first input's map (Caffe's walk likewise assumes the branches agree; in a
   * well-formed FCN they do, which is what the Crops before each Add ensure). A blob whose
   * spatial grid is no longer its input's (a Reshape, a Flatten, a constant) has none.
   */
  coordinateMaps: Map<string, AxisMap[]>;
}

/**
 * The shapes a graph is analysed for: the first input's shape (the others as declared), or a
 * record of shapes by graph input name (absent ones as declared).
 */
export type InputShapes = readonly number[] | Readonly<Record<string, readonly number[]>>;

/** Every graph input's shape, in graph order, from `given` (see InputShapes) and the declared ones. */
export function resolveInputShapes(spec: GraphSpec, given?: InputShapes): Map<string, number[]> {
  const inputs = graphInputs(spec);
  const shapes = new Map(inputs.map((v) => [v.name, v.shape.slice()]));
  if (given === undefined) return shapes;
  if (Array.isArray(given)) {
    shapes.set(spec.input.name, checkInputShape(given, "inferShapes(inputShape)"));
    return shapes;
  }
  if (!isPlainObject(given)) throw new ShapeError(`inferShapes(inputShape): expected a shape or a record of shapes by graph input name, got ${kind(given)}`);
  for (const [name, shape] of Object.entries(given)) {
    if (!shapes.has(name)) throw new ShapeError(`inferShapes(inputShape): "${name}" names no graph input (they are ${inputs.map((v) => `"${v.name}"`).join(", ")})`);
    shapes.set(name, checkInputShape(shape, `inferShapes(inputShape["${name}"])`));
  }
  return shapes;
}

/** Checks a conv layer's `activation`: { op (Relu or an activation op), attrs (the op's), form }. */
function checkFusedActivation(v: unknown, at: string): void {
  if (!isPlainObject(v)) throw new AttributeError(`${at}: expected { op, attrs?, form? }, got ${kind(v)}`);
  checkKeys(v, ["op", "attrs", "form"], at);
  if (typeof v.op !== "string" || !FUSABLE_OPS.includes(v.op)) throw new AttributeError(`${at}.op: expected one of ${FUSABLE_OPS.join(", ")}, got ${show(v.op)}`);
  if (v.form !== undefined && !EPILOGUE_FORMS.includes(v.form as never)) throw new AttributeError(`${at}.form: expected one of ${EPILOGUE_FORMS.map((f) => `"${f}"`).join(", ")}, got ${show(v.form)}`);
  if (v.op === "Relu") {
    if (v.attrs !== undefined && !(isPlainObject(v.attrs) && Object.keys(v.attrs).length === 0)) throw new AttributeError(`${at}.attrs: Relu takes none`);
    return;
  }
  try {
    activation(v.op as ActivationOp, v.attrs ?? {}, `${at} (${v.op})`);
  } catch (e) {
    namedError(e, at);
  }
}

/** Rethrows a package error with the layer named first, keeping its class. */
function namedError(e: unknown, at: string): never {
  if (e instanceof FcnWasmError) {
    const Kind = e.constructor as new (message: string) => FcnWasmError;
    throw new Kind(`${at}: ${e.message}`);
  }
  throw e;
}

function layerWindowMaps(w: Window, transposed: boolean): AxisMap[] {
  return w.kernel.map((k, i) => {
    const axis = { kernel: k, stride: w.strides[i], dilation: w.dilations[i], padBegin: w.padsBegin[i] };
    return transposed ? transposedWindowMap(axis) : windowMap(axis);
  });
}

/** Splits Conv / ConvTranspose layer attrs into the ONNX part and the parameter part. */
export function splitParamAttrs(attrs: ConvLayerAttrs | ConvTransposeLayerAttrs): { onnx: Record<string, unknown>; outChannels: number; bias: boolean; activation: FusedActivation | null } {
  const { outChannels, bias, init: _init, trainable: _trainable, activation: fused, ...onnx } = attrs;
  return { onnx, outChannels, bias: bias !== false, activation: fused ?? null };
}

/**
 * Validates `spec`, then walks it in order computing every layer's output shape with the same
 * shape math the ops use, the parameter shapes, each blob's coordinate map and each Crop's offsets
 * (computed from the maps where the spec gives none). `inputShape` defaults to spec.input.shape.
 * Errors name the layer: ShapeError for shapes that do not fit (Add of different shapes, a Crop
 * larger than its input, a convolution whose output would be empty…), AttributeError for bad
 * attribute values.
 */
export function analyzeGraph(spec: GraphSpec, inputShape?: InputShapes): GraphAnalysis {
  validateGraph(spec);
  const shapes = resolveInputShapes(spec, inputShape);
  const x0 = shapes.get(spec.input.name)!;
  const rank = Math.max(0, x0.length - 2);
  // Coordinate maps are relative to the first input; an extra input's relation to it is unknown,
  // so it has none (a Crop aligned to one needs explicit offsets).
  const maps = new Map<string, AxisMap[]>([[spec.input.name, new Array<AxisMap>(rank).fill(IDENTITY)]]);
  const parameters = new Map<string, number[]>();
  const cropOffsets = new Map<string, number[]>();

  spec.layers.forEach((layer, index) => {
    const at = where(layer, index);
    const x = shapes.get(layer.inputs[0])!;
    // a blob with no coordinate map (after a Reshape…) gives its consumers none either
    const xMap = maps.get(layer.inputs[0]) ?? [];
    const mapped = maps.has(layer.inputs[0]);
    let out: number[];
    let map: AxisMap[] | undefined = mapped ? xMap : undefined;
    try {
      const def = LAYER_OPS.get(layer.op);
      if (def !== undefined) {
        const a = (layer.attrs ?? {}) as LayerAttrs;
        const ins = layer.inputs.map((n) => shapes.get(n)!);
        out = def.shape(ins, a);
        for (const [kind, shape] of Object.entries(def.params?.(a) ?? {})) parameters.set(`${layer.name}.${kind}`, shape);
        if (def.coordinateMap !== undefined) {
          // the op's own map, composed onto its input's (when the input has one of the same axes)
          const own = ins.length > 0 && mapped ? def.coordinateMap(ins, out, a) : undefined;
          map = own !== undefined && own.length === xMap.length ? own.map((m, i) => compose(m, xMap[i])) : undefined;
        } else {
          const keeps = ins.length > 0 && mapped && (def.keepsCoordinates !== undefined
            ? def.keepsCoordinates(ins, out, a)
            : out.length === ins[0].length && out.slice(2).every((d, i) => d === ins[0][i + 2]));
          map = keeps ? xMap : undefined;
        }
      } else switch (layer.op) {
        case "Conv": {
          const { onnx, outChannels, bias } = splitParamAttrs(layer.attrs);
          checkSpatialRank(x.length - 2, "conv", `input "${layer.inputs[0]}" ${describeShape(x)}`);
          const group = typeof onnx.group === "number" ? onnx.group : 1;
          const kernel = readInts(onnx.kernelShape, x.length - 2, "attrs.kernelShape", 1, 1);
          const w = [outChannels, Math.max(1, Math.floor(x[1] / group)), ...kernel];
          const g = resolveConv(x, w, bias ? [outChannels] : null, onnx as ConvAttrs, "conv");
          parameters.set(`${layer.name}.weight`, w);
          if (bias) parameters.set(`${layer.name}.bias`, [outChannels]);
          out = g.outShape;
          map = mapped ? layerWindowMaps(g.window, false).map((m, i) => compose(m, xMap[i])) : undefined;
          break;
        }
        case "ConvTranspose": {
          const { onnx, outChannels, bias } = splitParamAttrs(layer.attrs);
          checkSpatialRank(x.length - 2, "convTranspose", `input "${layer.inputs[0]}" ${describeShape(x)}`);
          const group = typeof onnx.group === "number" ? onnx.group : 1;
          if (Number.isInteger(group) && group >= 1 && outChannels % group !== 0) {
            throw new ShapeError(`attrs.outChannels ${outChannels} must be divisible by group ${group}`);
          }
          const kernel = readInts(onnx.kernelShape, x.length - 2, "attrs.kernelShape", 1, 1);
          const w = [x[1], Math.max(1, outChannels / group), ...kernel];
          const g = resolveConvTranspose(x, w, bias ? [outChannels] : null, onnx as ConvTransposeAttrs, "convTranspose");
          parameters.set(`${layer.name}.weight`, w);
          if (bias) parameters.set(`${layer.name}.bias`, [outChannels]);
          out = g.outShape;
          map = mapped ? layerWindowMaps(g.window, true).map((m, i) => compose(m, xMap[i])) : undefined;
          break;
        }
        case "MaxPool": case "AveragePool": {
          const g = layer.op === "MaxPool" ? resolveMaxPool(x, layer.attrs, "maxPool") : resolveAveragePool(x, layer.attrs, "averagePool");
          out = g.outShape;
          map = mapped ? layerWindowMaps(g.window, false).map((m, i) => compose(m, xMap[i])) : undefined;
          break;
        }
        case "Add": {
          const y = shapes.get(layer.inputs[1])!;
          if (y.length !== x.length || y.some((d, i) => d !== x[i])) {
            throw new ShapeError(`inputs "${layer.inputs[0]}" ${describeShape(x)} and "${layer.inputs[1]}" ${describeShape(y)} must have the same shape (BroadcastAdd adds shapes that broadcast)`);
          }
          out = x.slice();
          break;
        }
        case "Crop": {
          const [xName, likeName] = layer.inputs;
          const like = shapes.get(likeName)!;
          if (like.length !== x.length) {
            throw new ShapeError(`x "${xName}" ${describeShape(x)} and like "${likeName}" ${describeShape(like)} must have the same rank`);
          }
          const given = layer.attrs?.offsets;
          if (given === undefined && (!mapped || !maps.has(likeName))) {
            throw new ShapeError(`attrs.offsets: needed here: "${mapped ? likeName : xName}" comes from a layer that changes the spatial grid in a way coordinate maps do not follow (a Reshape, a Flatten…) or from a second graph input, so the offsets cannot be computed`);
          }
          const offsets = given !== undefined
            ? readInts(given, x.length - 2, "attrs.offsets", 0, 0)
            : xMap.map((m, i) => cropOffsetFromMap(relativeMap(m, maps.get(likeName)![i]), i,
              `computing the offsets that align "${xName}" with "${likeName}"`));
          offsets.forEach((o, i) => {
            if (o + like[i + 2] > x[i + 2]) {
              throw new ShapeError(`the crop is larger than its input: axis ${i} offset ${o} + size ${like[i + 2]} (from "${likeName}" ${describeShape(like)}) exceeds "${xName}"'s size ${x[i + 2]} (${describeShape(x)})`);
            }
          });
          cropOffsets.set(layer.name, offsets);
          out = [x[0], x[1], ...like.slice(2)];
          map = mapped ? offsets.map((o, i) => compose(cropMap(o), xMap[i])) : undefined;
          break;
        }
        case "GlobalAveragePool": case "GlobalMaxPool": {
          out = resolveGlobalPool(x, layer.op === "GlobalMaxPool" ? "globalMaxPool" : "globalAveragePool").outShape;
          // one window covering the whole plane: the output pixel sits at the plane's centre
          map = mapped ? x.slice(2).map((n, i) => compose(windowMap({ kernel: n, stride: 1, dilation: 1, padBegin: 0 }), xMap[i])) : undefined;
          break;
        }
        case "PRelu":
          parameters.set(`${layer.name}.weight`, [layer.attrs?.shared ? 1 : x[1]]);
          out = x.slice();
          break;
        default: // Relu, Dropout, Scale, Softmax and the activations keep the shape
          out = x.slice();
          break;
      }
    } catch (e) {
      namedError(e, at);
    }
    shapes.set(layer.name, out!);
    if (map !== undefined && map.length === Math.max(0, out!.length - 2)) maps.set(layer.name, map);
  });
  return { shapes, parameters, cropOffsets, coordinateMaps: maps };
}

/**
 * The output shape of every layer (and of every graph input), in graph order, computed from the
 * input shape (default spec.input.shape; a record gives shapes by graph input name) with the
 * package's shape math. Validates the spec first.
 */
export function inferShapes(spec: GraphSpec, inputShape?: InputShapes): Map<string, number[]> {
  return analyzeGraph(spec, inputShape).shapes;
}

/** The shapes of every parameter, `<layer>.weight` / `<layer>.bias`, for the given input shape. */
export function parameterShapes(spec: GraphSpec, inputShape?: InputShapes): Map<string, number[]> {
  return analyzeGraph(spec, inputShape).parameters;
}

/**
 * The offsets (one per spatial axis) at which blob `from` must be cropped to align it with blob
 * `to`, from their coordinate maps (Caffe's coord_map.crop(from, to)): the map from `from` to `to`
 * must be a pure shift by a non-positive integer. `from` and `to` name the graph input or layers.
 */
export function cropOffset(spec: GraphSpec, from: string, to: string, inputShape?: InputShapes): number[] {
  const { coordinateMaps } = analyzeGraph(spec, inputShape);
  const a = coordinateMaps.get(from), b = coordinateMaps.get(to);
  if (a === undefined) throw new AttributeError(`cropOffset(from): "${from}" names no layer or graph input`);
  if (b === undefined) throw new AttributeError(`cropOffset(to): "${to}" names no layer or graph input`);
  return a.map((m, i) => cropOffsetFromMap(relativeMap(m, b[i]), i, `cropOffset("${from}", "${to}")`));
}

/**
 * Each blob's coordinate map relative to the graph input, as numbers: blob coordinate =
 * scale·input coordinate + shift, one { scale, shift } per spatial axis.
 */
export function coordinateMaps(spec: GraphSpec, inputShape?: InputShapes): Map<string, { scale: number; shift: number }[]> {
  const out = new Map<string, { scale: number; shift: number }[]>();
  for (const [name, axes] of analyzeGraph(spec, inputShape).coordinateMaps) {
    out.set(name, axes.map((m) => ({ scale: toNumber(m.scale), shift: toNumber(m.shift) })));
  }
  return out;
}

/**
 * A copy of `spec` in which every Crop layer carries explicit `offsets` (those given are kept, the
 * others computed from the coordinate maps at `inputShape`, default spec.input.shape). Offsets
 * depend on the input size only through `autoPad` / `outputShape`; with explicit pads they do not.
 */
export function withCropOffsets(spec: GraphSpec, inputShape?: InputShapes): GraphSpec {
  const { cropOffsets } = analyzeGraph(spec, inputShape);
  const copy = JSON.parse(JSON.stringify(spec)) as GraphSpec;
  for (const layer of copy.layers) {
    if (layer.op === "Crop") layer.attrs = { ...layer.attrs, offsets: cropOffsets.get(layer.name)! };
  }
  return copy;
}

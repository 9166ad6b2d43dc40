// How one ONNX operator maps onto Net's layer ops, both ways: `read` turns a node into layers at
// import (to-graph.ts), `write` turns a layer back into nodes at export (from-graph.ts). Each op's
// mapping lives in src/onnx/ops/<op>.ts and is listed in op-mappings.ts, so adding an operator
// does not touch the importer's or the exporter's core.
import type { LayerSpec } from "../nn/graph.js";
import type { Tensor } from "../tensor.js";
import type { NodeAttributes } from "./attributes.js";
import type { Constant } from "./constants.js";
import type { NodeProto } from "./proto.js";

/** What a mapping sees of the import in progress. */
export interface ImportContext {
  /** The model's default-domain opset. */
  readonly opset: number;
  readonly node: NodeProto;
  readonly attrs: NodeAttributes;
  /** The constant at node input i (initializer, Constant node, or folded), or undefined. */
  constant(i: number): Constant | undefined;
  /** Whether node input i is given (optional inputs may be absent or named ""). */
  has(i: number): boolean;
  /**
   * The Net blob of node input i: an activation's layer (or the graph input), or, for a constant,
   * a Constant layer made for it (once per constant). undefined: the input is absent.
   */
  operand(i: number): string | undefined;
  /** The Net blob of node input i when it is an activation (not a constant), else undefined. */
  activation(i: number): string | undefined;
  /** The shape of a Net blob, for the model's declared input shape. */
  shapeOf(blob: string): number[];
  /** Adds a layer; it writes ONNX tensor `output` (default: the node's first output). */
  push(layer: LayerSpec, output?: string): void;
  /** Parameters of a layer pushed, by full name (`<layer>.<kind>`). */
  weight(name: string, t: Tensor): void;
  /**
   * ONNX tensor `output` is this constant (the node was evaluated at load). Give its `dataType`
   * (INT64 for a shape list), so the folds of shape arithmetic downstream (folding/) compute in it.
   */
  setConstant(output: string, c: Constant): void;
  /** ONNX tensor `output` is the same as blob `blob` (the node only passes it on). */
  alias(output: string, blob: string): void;
  /** A fresh layer name derived from `base` (for extra layers a node expands into). */
  fresh(base: string): string;
}

/** What a mapping uses to write its layer. */
export interface ExportContext {
  /** The opset being written (the largest of every layer's minOpset). */
  readonly opset: number;
  /** The ONNX tensor holding a blob. */
  tensorOf(blob: string): string;
  shapeOf(blob: string): number[];
  /** A parameter of the net, by full name. */
  param(name: string): Tensor;
  /** Adds an initializer (float32 or int64); returns its (unique) name. */
  initializer(t: { dims: number[]; floats?: Float32Array; ints?: number[] }, name: string): string;
  /** Adds a node. */
  node(op: string, inputs: string[], output: string, attrs?: OnnxAttrs): void;
  /** The blob is the ONNX tensor `tensor` (nothing is written for it). */
  alias(blob: string, tensor: string): void;
}

/** Attribute values a node may carry: an int, ints, a float, floats, a string. */
export type OnnxAttrs = Record<string, number | number[] | { float: number } | { floats: number[] } | { string: string }>;

export interface OpMapping {
  /** The ONNX op types `read` handles. */
  readonly onnx?: readonly string[];
  /**
   * Maps a node: undefined when done, a reason it cannot ("" for an op type not supported at
   * all) for the importer's report.
   */
  read?(ctx: ImportContext): string | undefined;
  /** The Net layer ops `write` handles. */
  readonly layers?: readonly string[];
  /** The lowest opset that can express this layer. */
  minOpset?(layer: LayerSpec, shapeOf: (blob: string) => number[]): number;
  write?(layer: LayerSpec, ctx: ExportContext): void;
}

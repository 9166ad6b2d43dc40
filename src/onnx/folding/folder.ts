// What a load-time folder sees and gives: an ONNX node whose inputs are all known (constants, or
// for Shape the dims of an activation), evaluated with the ONNX semantics of the model's opset into
// constants for the node's outputs. Each op's folder is in this folder's files, indexed by op type
// in folders.ts.
import type { NodeAttributes } from "../attributes.js";
import type { Constant } from "../constants.js";
import type { NodeProto } from "../proto.js";
import type { ExternalData } from "../tensor-data.js";

export interface FoldContext {
  readonly opset: number;
  readonly node: NodeProto;
  readonly attrs: NodeAttributes;
  readonly external: ExternalData | undefined;
  /** Whether node input i is given (optional inputs may be absent or named ""). */
  has(i: number): boolean;
  /** The constant at node input i, or undefined (absent, or an activation). */
  constant(i: number): Constant | undefined;
  /** The dims of node input i when it is an activation, for Shape; undefined otherwise. */
  activationDims(i: number): number[] | undefined;
}

/** Evaluates a node: its outputs' constants in order, or why it cannot (for the importer's report). */
export type Folder = (ctx: FoldContext) => Constant[] | string;

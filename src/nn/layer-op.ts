// A layer op: everything Net needs to run an op that is a plain function of its inputs, so that
// adding an ONNX operator to Net is one entry (src/nn/layers/<op>.ts) instead of a case in the
// validator, the shape walk, the op-by-op path, the resident plan and the exporter. The built-in
// layers (Conv, ConvTranspose, MaxPool… in graph.ts / net.ts / plan.ts) have hand-made resident
// steps on wasm blocks; a layer op runs its public op function on copies of its input blocks in
// both paths, so the two paths agree bit for bit by construction, unless it gives a `resident`
// forward (kernels on the blocks themselves), which must then give the same bits.
import type { Tensor } from "../tensor.js";
import type { Runtime } from "../runtime/runtime.js";
import type { AxisMap } from "./coord-map.js";

/** A layer's attributes as GraphSpec holds them (ONNX's, in camelCase); absent = {}. */
export type LayerAttrs = Record<string, unknown>;

/**
 * A layer op's forward on the resident plan's blocks: byte offsets of the input blocks (in order),
 * the output block and the parameter blocks by kind. It must write exactly the bits `forward`
 * gives. Scratch comes from the arena inside withArena; any arena call may grow the memory, so
 * views are taken after it (rt.arena.f32).
 */
export type ResidentForward = (rt: Runtime, inputs: readonly number[], output: number, params: Readonly<Record<string, number>>) => void;

/** What a layer op's backward gives: dL/dinput per input (null: none flows there), dL/dparameter by kind. */
export interface LayerGradients {
  inputs: (Tensor | null)[];
  params?: Record<string, Tensor>;
}

export interface LayerOp {
  /** The GraphSpec op name (ONNX's op type where there is one). */
  readonly op: string;
  /** How many inputs: exactly n, or [min, max] (max Infinity: variadic). */
  readonly inputs: number | readonly [number, number];
  /** The inputs' roles for messages, e.g. "[x, like]". */
  readonly roles?: string;
  /** The attribute names the op takes. */
  readonly attrs: readonly string[];
  /**
   * Checks the attribute values (names are checked against `attrs` before), throwing
   * AttributeError; the message need not name the layer (the caller prefixes it).
   */
  check?(attrs: LayerAttrs): void;
  /** The output shape for these input shapes; ShapeError when they do not fit. */
  shape(inputs: readonly (readonly number[])[], attrs: LayerAttrs): number[];
  /** Shapes of the op's own parameters by kind (`<layer>.<kind>`), e.g. Constant's { value }. */
  params?(attrs: LayerAttrs): Record<string, number[]>;
  /**
   * Whether its parameters take gradients by default (attrs.trainable overrides). Default false.
   * A list of kinds: only those train by default (attrs.trainable turns them on or off); the
   * others never do (BatchNormalization's frozen statistics).
   */
  readonly trainable?: boolean | readonly string[];
  /** y = op(inputs); `params` by kind. Must not change its inputs. */
  forward(inputs: Tensor[], attrs: LayerAttrs, params: Record<string, Tensor>): Tensor;
  /**
   * Optional: the forward for these input shapes on resident blocks, without copies (planned once
   * per shapes), or undefined where it has no such path for them; the plan then runs `forward` on
   * copies of the blocks. It may take scratch from the arena's stack (the plan releases it). Backward always goes through `backward`.
   */
  resident?(inputs: readonly (readonly number[])[], attrs: LayerAttrs): ResidentForward | undefined;
  /**
   * dL/dinputs (and dL/dparams) from dL/dy, the forward's inputs and output. Absent: the op has
   * no gradient, and a net using it cannot train (UnsupportedError at `training = true`).
   */
  backward?(dy: Tensor, inputs: Tensor[], output: Tensor, attrs: LayerAttrs, params: Record<string, Tensor>): LayerGradients;
  /**
   * Whether the output's spatial coordinates are its first input's (Caffe's coordinate map
   * passes through: elementwise ops, channel Concat; Pad and Slice move the grid and give their
   * coordinateMap instead).
   * Default: when the output has the first input's rank and spatial sizes.
   */
  keepsCoordinates?(inputs: readonly (readonly number[])[], out: readonly number[], attrs: LayerAttrs): boolean;
  /**
   * The op's own coordinate map from its first input to its output, one AxisMap per spatial axis
   * (coord-map.ts: top = scale·bottom + shift; Pad shifts by its begin pads, a strided Slice
   * scales), or undefined when the output is no resampling of the input's grid. When present it
   * is used instead of keepsCoordinates, so a Crop after the op gets computed offsets.
   */
  coordinateMap?(inputs: readonly (readonly number[])[], out: readonly number[], attrs: LayerAttrs): AxisMap[] | undefined;
}

// ONNX ModelProto → GraphSpec + weights, for the graphs whose nodes map onto Net's layers (Conv,
// ConvTranspose, Relu, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, Add, Softmax over
// channels, Mul by a scalar as Scale (other Adds and Muls broadcast through the layer ops of
// ops/arithmetic.ts), the unary activations of src/ops/activations.ts, PRelu with a constant
// per-channel or shared slope; the layer ops' nodes through their mappings in src/onnx/ops/, e.g.
// Softmax over other axes). At load time it also takes weights from initializers and Constant
// nodes, evaluates every node whose inputs are constants (shape arithmetic: Shape of an
// activation is a constant for the input shape imported at; folding/), drops Identity and
// inference Dropout, folds BatchNormalization and constant bias Adds into the preceding conv
// (fold.ts), then fuses activations into the conv before them (fuse-activations.ts); a BatchNormalization with no conv to fold into becomes a BatchNormalization layer
// (src/onnx/ops/batch-normalization.ts). onnx-source.ts reads the file once; importOnnx maps it
// for one shape of the first graph input.
// Every node it cannot map is collected and reported at once in one UnsupportedError; nothing
// touches wasm memory here, so an error leaves nothing half-built.
import { FcnWasmError, UnsupportedError } from "../errors.js";
import { type Tensor, tensor } from "../tensor.js";
import type { ActivationLayer, GraphInput, GraphSpec, LayerSpec } from "../nn/graph.js";
import { NodeAttributes, windowAttrs } from "./attributes.js";
import { CONSTANT_OPS, type Constant, evaluateConstantNode } from "./constants.js";
import type { FoldContext } from "./folding/folder.js";
import { FOLDERS, foldNode } from "./folding/folders.js";
import type { OnnxSource } from "./onnx-source.js";
import { batchNormAffine, foldAffineIntoConv } from "./fold.js";
import { fuseActivations } from "./fuse-activations.js";
import { sliceAsCrop } from "./slice-to-crop.js";
import { activationLayerAttrs } from "./activation-attrs.js";
import { DataType, type ModelProto, type NodeProto } from "./proto.js";
import { inferShapes } from "../nn/graph.js";
import type { ImportContext } from "./op-mapping.js";
import { READERS } from "./op-mappings.js";
import { SliceMapping } from "./ops/slice.js";
import { readBinary } from "./ops/arithmetic.js";

export { type OnnxOptions, IR_VERSIONS, OPSETS } from "./onnx-source.js";

const CONV_ATTRS = ["kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"];
const CONV_TRANSPOSE_ATTRS = [...CONV_ATTRS, "output_padding", "output_shape"];
const MAX_POOL_ATTRS = ["kernel_shape", "strides", "pads", "dilations", "auto_pad", "ceil_mode", "storage_order"];
const AVERAGE_POOL_ATTRS = ["kernel_shape", "strides", "pads", "auto_pad", "count_include_pad", "ceil_mode", "dilations"];

/** A conv layer's parameters while folding: ONNX layout, bias null when absent. */
interface ConvParams { weight: Float32Array; dims: number[]; bias: Float32Array | null; group: number; transposed: boolean }

/** What could not be mapped: per op type, the nodes (and why, when the op type itself is supported). */
class Report {
  private readonly byOp = new Map<string, string[]>();
  readonly general: string[] = [];

  node(node: NodeProto, why?: string): void {
    const op = node.domain && node.domain !== "ai.onnx" ? `${node.domain}.${node.opType}` : node.opType;
    const list = this.byOp.get(op) ?? [];
    const name = node.name ? `"${node.name}"` : `output "${node.output[0] ?? "?"}"`;
    list.push(why === undefined ? name : `${name}: ${why}`);
    this.byOp.set(op, list);
  }

  /** Throws one UnsupportedError listing everything, when there is anything. */
  throwIfAny(): void {
    if (this.byOp.size === 0 && this.general.length === 0) return;
    const ops = [...this.byOp].map(([op, nodes]) => `${op} ×${nodes.length} (${nodes.length > 8 ? `${nodes.slice(0, 8).join("; ")}; and ${nodes.length - 8} more` : nodes.join("; ")})`);
    throw new UnsupportedError(`Net.fromOnnx: the model uses what fcn-wasm cannot run yet: ${[...this.general, ...ops].join("; ")}`);
  }
}

/** How often each tensor name is read (node inputs and graph outputs), for the folds' single-use check. */
function useCounts(model: ModelProto): Map<string, number> {
  const uses = new Map<string, number>();
  const use = (name: string): void => { if (name) uses.set(name, (uses.get(name) ?? 0) + 1); };
  for (const node of model.graph!.node) node.input.forEach(use);
  for (const out of model.graph!.output) use(out.name);
  return uses;
}

/** An imported graph: the spec, its weights, and whether any of it was computed from the input shape. */
export interface ImportedGraph {
  spec: GraphSpec;
  weights: Map<string, Tensor>;
  /**
   * True when the import read blob shapes that follow from the input shape (Shape of an activation
   * folded into a constant, a Slice resolved into a Crop or a Slice layer, a mapping asking for
   * shapes): the graph is then right for this input shape only, and another shape needs its own
   * import.
   */
  shapeDependent: boolean;
}

/** Why graph input `v` cannot be fed to Net: a non-float type. */
function inputProblems(v: OnnxSource["inputs"][number]): string[] {
  return v.elemType !== DataType.FLOAT ? [`graph input "${v.name}" has element type ${v.elemType}; Net runs float32 (1)`] : [];
}

/**
 * What can be checked of a model before it has input shapes (a graph input has dynamic dims):
 * every node's op type is one the import evaluates or maps, the graph inputs are float. Throws one
 * UnsupportedError listing every problem, as an import does.
 */
export function checkOnnxOpTypes(source: OnnxSource): void {
  const known = new Set<string>([...SUPPORTED, ...FOLDERS.keys(), ...CONSTANT_OPS]);
  const report = new Report();
  source.inputs.forEach((v) => report.general.push(...inputProblems(v)));
  for (const node of source.model.graph!.node) {
    if ((node.domain !== "" && node.domain !== "ai.onnx") || !known.has(node.opType)) report.node(node);
  }
  report.throwIfAny();
}

/**
 * Maps a parsed model (onnx-source.ts) onto a GraphSpec and weights for a first graph input of
 * shape `inputShape` (checked against the declared input by the caller); the other graph inputs
 * (extraInputs) take their shape in `extraShapes` (by name; required for those with open dims,
 * openExtraInputs), else their declared dims, the batch that of the first input (unless declared
 * fixed and other than the first input's). Shape arithmetic on the way is folded into constants
 * for these shapes (folding/).
 */
export function importOnnx(source: OnnxSource, inputShape: readonly number[], extraShapes: ReadonlyMap<string, readonly number[]> = new Map()): ImportedGraph {
  const { model, opset, external } = source;
  const graph = model.graph!;
  const report = new Report();
  const constants = new Map(source.initializers);
  const uses = useCounts(model);
  let shapeDependent = false;

  // the graph inputs: the first is the GraphSpec's `input` (what Net.run feeds), the others its `extraInputs`
  const inputs = source.inputs;
  inputs.forEach((v) => report.general.push(...inputProblems(v)));
  const shape = inputShape.slice();
  // an extra input's batch follows the first input's when it is symbolic or declared equal to the
  // first's fixed batch (so a re-import at another batch stays consistent); another fixed batch
  // (e.g. a [1, C, 1, 1] gate beside a symbolic N) stays
  const firstBatch = inputs[0].dims?.[0] ?? null;
  const graphInputs: GraphInput[] = inputs.map((v, i) => {
    const given = extraShapes.get(v.name);
    if (i === 0) return { name: v.name, shape };
    if (given !== undefined) return { name: v.name, shape: given.slice() };
    if (v.dims === null || v.dims.some((d, a) => d === null && a > 0)) throw new Error(`internal: graph input "${v.name}" has open dims and no shape to import at`);
    return { name: v.name, shape: v.dims.map((d, a) => (a === 0 && (d === null || d === firstBatch) ? shape[0] : d as number)) };
  });
  const extraInputs = graphInputs.slice(1);
  /** The graph mapped so far as a GraphSpec ending at blob `output` (for shape inference). */
  const partial = (output: string): GraphSpec => ({ input: graphInputs[0], output, layers, ...(extraInputs.length ? { extraInputs } : {}) });

  const blobs = new Map<string, string>(inputs.map((v) => [v.name, v.name])); // ONNX tensor → Net blob
  const producer = new Map<string, LayerSpec>();                       // Net blob → the layer writing it
  const params = new Map<string, ConvParams>();                        // conv layer → parameters
  const slopes = new Map<string, Float32Array>();                      // PRelu layer → its slope
  const failed = new Set<string>();                                    // outputs of nodes not mapped
  const unfoldedShapes = new Set<string>();                            // of those, shape arithmetic on a failed node
  const soleConvOutputs = new Set<string>();                           // ONNX tensors a fold may absorb (a conv's only use)
  const layers: LayerSpec[] = [];
  const extraWeights = new Map<string, Tensor>();                      // parameters of layers the op mappings push
  const constantBlobs = new Map<string, string>();                     // ONNX constant → the Constant layer made for it
  const names = new Set<string>([...inputs.map((v) => v.name), ...graph.node.flatMap((n) => n.output), ...constants.keys()]);
  const fresh = (base: string): string => {
    let name = base;
    for (let k = 1; names.has(name); k++) name = `${base}_${k}`;
    names.add(name);
    return name;
  };
  let shapeCache: { count: number; shapes: Map<string, number[]> } | null = null;
  /**
   * A blob's shape for the input shapes imported at (computed when asked, kept until a layer is
   * added), for what holds at every input shape (a rank, two activations of one shape).
   */
  const blobShape = (blob: string): number[] => {
    if (shapeCache === null || shapeCache.count !== layers.length) {
      shapeCache = { count: layers.length, shapes: layers.length ? inferShapes(partial(layers[layers.length - 1].name)) : new Map(graphInputs.map((v) => [v.name, v.shape])) };
    }
    const s = shapeCache.shapes.get(blob);
    if (s === undefined) throw new Error(`internal: no shape for blob "${blob}"`);
    return s.slice();
  };
  /** A blob's shape for the input shapes imported at, read by something true for these shapes only (a mapping's check or attribute). */
  const shapeOf = (blob: string): number[] => {
    shapeDependent = true;
    return blobShape(blob);
  };

  /**
   * The rank of blob `blob`; the first input's while the shapes are unknown (a graph input with
   * dynamic dims, reported on its own).
   */
  const rankOf = (blob: string): number => {
    try {
      return blobShape(blob).length;
    } catch (e) {
      if (e instanceof FcnWasmError) return shape.length;
      throw e;
    }
  };

  /** The single-use conv layer writing ONNX tensor `name`, or a reason it is not one. */
  const foldableConv = (name: string): ConvParams | string => {
    const blob = blobs.get(name);
    const layer = blob === undefined ? undefined : producer.get(blob);
    const p = layer === undefined ? undefined : params.get(layer.name);
    if (p === undefined) return "its input is not the output of a Conv or ConvTranspose";
    if (!soleConvOutputs.has(name)) return "the conv's output is also used elsewhere, so it cannot absorb this";
    return p;
  };

  for (const node of graph.node) {
    if (node.domain !== "" && node.domain !== "ai.onnx") { report.node(node); node.output.forEach((o) => failed.add(o)); continue; }
    const attrs = new NodeAttributes(node);
    const out = node.output[0] ?? "";
    if (CONSTANT_OPS.includes(node.opType)) {
      const c = evaluateConstantNode(node, external);
      if (typeof c === "string") { report.node(node, c); failed.add(out); } else constants.set(out, c);
      continue;
    }
    // a node downstream of one already reported: its own op type still counts, the rest would be noise
    if (node.input.some((i) => failed.has(i))) {
      // shape arithmetic after a failed node (Shape of it, and what computes on that) would have
      // folded: it is not reported on its own
      const wouldFold = FOLDERS.has(node.opType) && (node.opType === "Shape" || node.opType === "Size" || node.input.every((i) => !failed.has(i) || unfoldedShapes.has(i)));
      if (wouldFold) node.output.forEach((o) => unfoldedShapes.add(o));
      else if (!SUPPORTED.includes(node.opType)) report.node(node);
      node.output.forEach((o) => failed.add(o));
      continue;
    }
    // shape arithmetic (and any other node whose inputs are all constants) evaluated now
    const folded = foldNode(foldContext(node, attrs));
    if (folded !== null) {
      if (typeof folded === "string") {
        report.node(node, folded);
        node.output.forEach((o) => { failed.add(o); unfoldedShapes.add(o); }); // what computes on it is not reported again
      }
      else folded.forEach((c, i) => constants.set(node.output[i], c));
      continue;
    }
    const why = mapNode(node, attrs);
    if (why !== undefined) { report.node(node, why || undefined); node.output.forEach((o) => failed.add(o)); }
  }

  /** Maps one node; returns undefined when done, a reason (or "" for an unsupported op type) otherwise. */
  function mapNode(node: NodeProto, attrs: NodeAttributes): string | undefined {
    const out = node.output[0] ?? "";
    const x = blobs.get(node.input[0] ?? "");
    const constant = (i: number): Constant | undefined => (node.input[i] ? constants.get(node.input[i]) : undefined);
    const extraOutputsUsed = node.output.slice(1).some((o) => (uses.get(o) ?? 0) > 0);
    /** A node that only passes its input on: a fold may continue through it when it is the only use. */
    const passOn = (from: string): undefined => {
      blobs.set(out, blobs.get(from)!);
      if (soleConvOutputs.has(from) && uses.get(out) === 1) soleConvOutputs.add(out);
      return undefined;
    };
    const push = (layer: LayerSpec): string | undefined => {
      if (attrs.problems.length) return attrs.problems.join(", ");
      if ((layer.op === "Conv" || layer.op === "ConvTranspose") && uses.get(out) === 1) soleConvOutputs.add(out);
      layers.push(layer);
      producer.set(layer.name, layer);
      blobs.set(out, layer.name);
      return undefined;
    };
    switch (node.opType) {
      case "Slice": {
        if (x === undefined) return "its input is a constant";
        shapeDependent = true; // its bounds are resolved for this input's sizes
        const crop = sliceAsCrop(node, attrs, opset, x, partial(x), constant);
        // a spatial crop stays a Crop (it keeps the coordinate maps); any other slice is a Slice layer
        return typeof crop === "string" ? readMapping(node, attrs, SliceMapping.read!) : push(crop);
      }
      case "Identity": case "Dropout": {
        if (x === undefined) {
          const c = constant(0);
          if (c === undefined) return "its input is neither an activation nor a constant";
          constants.set(out, c);
          return undefined;
        }
        if (extraOutputsUsed) return "its mask output is used (inference Dropout has none)";
        if (node.opType === "Dropout") {
          // training mode drops and rescales: is_test = 0 before opset 7 (its default), a
          // training_mode input that is not a constant false from opset 12
          if (opset < 7 && attrs.int("is_test", 0) === 0) return "is_test = 0 (training mode) is not supported";
          if (opset >= 12 && node.input[2]) {
            const mode = constant(2);
            if (mode === undefined || mode.ints().some((v) => v !== 0)) return "training_mode is not a constant false (training mode is not supported)";
          }
          if (opset < 12 && attrs.names().includes("training_mode")) return "attribute training_mode is not supported here";
          if (attrs.problems.length) return attrs.problems.join(", ");
        }
        return passOn(node.input[0]); // inference: the identity
      }
      case "Conv": case "ConvTranspose": {
        const transposed = node.opType === "ConvTranspose";
        const w = constant(1), b = constant(2);
        if (x === undefined) return "its input X is a constant, not an activation";
        if (w === undefined) return "its weight W is not a constant (initializer or Constant node)";
        if (node.input[2] && b === undefined) return "its bias B is not a constant";
        const onnx = windowAttrs(attrs, transposed ? CONV_TRANSPOSE_ATTRS : CONV_ATTRS);
        // "If output_shape is specified pads values are ignored" (ConvTranspose's text)
        if (transposed && onnx.outputShape !== undefined) delete onnx.pads;
        const group = typeof onnx.group === "number" ? onnx.group : 1;
        if (!(group >= 1) || w.dims.length < 3) return `weight dims [${w.dims.join(", ")}] or group ${group} do not describe a convolution`;
        const outChannels = transposed ? w.dims[1] * group : w.dims[0];
        params.set(out, { weight: w.floats(), dims: w.dims, bias: b === undefined ? null : b.floats(), group, transposed });
        return push({
          name: out, op: node.opType, inputs: [x],
          attrs: { kernelShape: w.dims.slice(2), ...onnx, outChannels, bias: b !== undefined },
        } as LayerSpec);
      }
      case "Relu": case "GlobalAveragePool": case "GlobalMaxPool":
        if (x === undefined) return "its input is a constant";
        return push({ name: out, op: node.opType, inputs: [x] } as LayerSpec);
      case "MaxPool": {
        if (x === undefined) return "its input is a constant";
        if (extraOutputsUsed) return "its Indices output is used (not supported yet)";
        return push({ name: out, op: "MaxPool", inputs: [x], attrs: windowAttrs(attrs, MAX_POOL_ATTRS) as never });
      }
      case "AveragePool": {
        if (x === undefined) return "its input is a constant";
        // ceil_mode arrives in opset 10 and dilations in 19: earlier, they are no attributes of the op
        const known = AVERAGE_POOL_ATTRS.slice(0, opset >= 19 ? 7 : opset >= 10 ? 6 : 5);
        return push({ name: out, op: "AveragePool", inputs: [x], attrs: windowAttrs(attrs, known) as never });
      }
      case "Softmax": {
        if (x === undefined) return "its input is a constant";
        const axis = attrs.int("axis", opset >= 13 ? -1 : 1), rank = rankOf(x);
        // before opset 13 Softmax flattens the axes from `axis` on into one; from 13 it is one axis.
        // Over the channel axis alone it is Net's built-in Softmax; any other axes, a SoftmaxAxis layer.
        const channel = (axis === 1 || axis === 1 - rank) && (opset >= 13 || rank === 2);
        return channel ? push({ name: out, op: "Softmax", inputs: [x] }) : viaMapping(node, attrs);
      }
      case "Sigmoid": case "Tanh": case "LeakyRelu": case "Elu": case "Selu": case "Softplus": case "HardSigmoid": case "HardSwish": case "Clip": {
        if (x === undefined) return "its input is a constant";
        const a = activationLayerAttrs(node, attrs, opset, constant);
        if (typeof a === "string") return a;
        return push({ name: out, op: node.opType, inputs: [x], ...(a === null ? {} : { attrs: a }) } as ActivationLayer);
      }
      case "PRelu": {
        if (x === undefined) return "its input is a constant";
        const c = constant(1);
        if (c === undefined) return "its slope is not a constant";
        const values = c.floats(), dims = c.dims, rank = rankOf(x);
        if (dims.length > rank) return `slope [${dims.join(", ")}] has more axes than the activation (it would change the output's rank)`;
        // opset 6: a slope of C values is per channel; from 7 it broadcasts numpy-style, so per
        // channel is [C, 1, …] (rank − 1 axes, leading 1s allowed)
        const trimmed = dims.slice();
        while (trimmed.length > rank - 1 && trimmed[0] === 1) trimmed.shift();
        const perChannel = opset < 7 ? dims.length === 1 : trimmed.length === rank - 1 && trimmed.slice(1).every((d) => d === 1);
        if (values.length !== 1 && !perChannel) return `slope [${dims.join(", ")}] is neither one value nor one per channel ([C, 1, …] at opset ${opset})`;
        slopes.set(out, values);
        return push({ name: out, op: "PRelu", inputs: [x], ...(values.length === 1 ? { attrs: { shared: true } } : {}) });
      }
      case "BatchNormalization": {
        if (node.input.slice(1, 5).some((_, i) => constant(i + 1) === undefined) || node.input.length < 5) return "scale, B, mean and var must be constants";
        if (opset < 7 && attrs.int("is_test", 0) === 0) return "is_test = 0 (training mode) is not supported";
        if (opset < 9 && attrs.int("spatial", 1) === 0) return "spatial = 0 (per-activation statistics) is not supported";
        if (attrs.int("training_mode", 0) !== 0 || extraOutputsUsed) return "training mode (running statistics outputs) is not supported";
        const conv = foldableConv(node.input[0]);
        // folded into the conv before it when it can be; otherwise a BatchNormalization layer
        if (typeof conv === "string") return viaMapping(node, attrs);
        const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => constant(i)!.floats());
        const M = conv.transposed ? conv.dims[1] * conv.group : conv.dims[0];
        if ([gamma, beta, mean, variance].some((a) => a.length !== M)) return `its parameters need ${M} channels (the conv's outputs), got ${[gamma, beta, mean, variance].map((a) => a.length).join(", ")}`;
        const epsilon = attrs.float("epsilon", 1e-5);
        attrs.float("momentum", 0.9); // read, so a mistyped one is reported too
        if (attrs.problems.length) return attrs.problems.join(", ");
        const { scale, shift } = batchNormAffine(gamma, beta, mean, variance, epsilon);
        foldInto(node.input[0], conv, scale, shift);
        return passOn(node.input[0]);
      }
      case "Add": case "Mul": {
        // the special cases first: a same-shape Add of two activations (the built-in Add and its
        // resident step), a Mul by a scalar (Scale), a constant bias Add a conv absorbs; anything
        // else broadcasts through the BroadcastAdd / Mul layer ops (ops/arithmetic.ts)
        const special = readMapping(node, attrs, () => addOrMulSpecialCase(node, attrs));
        if (special === undefined) return undefined;
        return readMapping(node, attrs, readBinary);
      }
      default:
        return viaMapping(node, attrs);
    }
  }

  /** What a folder (folding/folder.ts) sees of the import: the constants, and the dims of activations for Shape. */
  function foldContext(node: NodeProto, attrs: NodeAttributes): FoldContext {
    const has = (i: number): boolean => Boolean(node.input[i]);
    return {
      opset, node, attrs, external, has,
      constant: (i) => (has(i) ? constants.get(node.input[i]) : undefined),
      activationDims(i) {
        const blob = has(i) ? blobs.get(node.input[i]) : undefined;
        return blob === undefined ? undefined : shapeOf(blob);
      },
    };
  }

  /** Maps a node through its OpMapping (op-mappings.ts); "" when there is none. */
  function viaMapping(node: NodeProto, attrs: NodeAttributes): string | undefined {
    const mapping = READERS.get(node.opType);
    if (mapping?.read === undefined) return "";
    return readMapping(node, attrs, mapping.read);
  }

  /** Runs an op mapping's `read` on a node; an FcnWasmError it throws becomes the node's reason. */
  function readMapping(node: NodeProto, attrs: NodeAttributes, read: (ctx: ImportContext) => string | undefined): string | undefined {
    if (attrs.problems.length) return attrs.problems.join(", ");
    try {
      return read(context(node, attrs));
    } catch (e) {
      if (e instanceof FcnWasmError) return e.message; // e.g. shapes that do not fit: reported with the node
      throw e;
    }
  }

  /**
   * Add/Mul as a built-in Add (two activations of one shape), a Scale (Mul by a scalar constant)
   * or a bias folded into the conv before it; undefined when mapped, else why not (the caller
   * then maps it as a broadcasting layer op).
   */
  function addOrMulSpecialCase(node: NodeProto, attrs: NodeAttributes): string | undefined {
    const out = node.output[0] ?? "";
    const constant = (i: number): Constant | undefined => (node.input[i] ? constants.get(node.input[i]) : undefined);
    const push = (layer: LayerSpec): undefined => {
      layers.push(layer);
      producer.set(layer.name, layer);
      blobs.set(out, layer.name);
      return undefined;
    };
    const [a, b] = [blobs.get(node.input[0] ?? ""), blobs.get(node.input[1] ?? "")];
    if (a !== undefined && b !== undefined) {
      if (attrs.names().length) return "attributes (legacy broadcasting)";
      if (node.opType === "Mul") return "a product of two activations";
      const sa = shapeOf(a), sb = shapeOf(b); // one shape at this input shape need not be one at every other
      if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) return "shapes differ";
      return push({ name: out, op: "Add", inputs: [a, b] });
    }
    const side = a !== undefined ? 0 : 1;
    const c = constant(1 - side), xb = side === 0 ? a : b;
    if (xb === undefined || c === undefined) return "its inputs are neither activations nor constants";
    const values = c.floats();
    const rank = blobShape(xb).length;
    let cDims = c.dims; // the constant's dims as numpy broadcasting aligns them
    if (attrs.names().length) {
      // opset < 7, `broadcast = 1`: a constant B's dims sit at A's axes from `axis` (default: the
      // trailing ones), i.e. numpy's alignment once B gets trailing 1s (so opset 6's
      // Add(conv, bias[C], broadcast = 1, axis = 1) still folds into the conv)
      if (opset >= 7 || side !== 0 || attrs.int("broadcast", 0) !== 1 || attrs.names().some((n) => n !== "broadcast" && n !== "axis")) return "attributes (legacy broadcasting)";
      const axis = attrs.int("axis", rank - cDims.length), start = axis < 0 ? axis + rank : axis;
      if (attrs.problems.length || start < 0 || start + cDims.length > rank) return "legacy broadcast axis";
      cDims = [...cDims, ...new Array<number>(rank - start - cDims.length).fill(1)];
    }
    if (cDims.length > rank) return "the constant has more axes than the activation";
    if (node.opType === "Mul") {
      if (values.length !== 1) return "a product with a non-scalar constant";
      return push({ name: out, op: "Scale", inputs: [xb], attrs: { scale: values[0] } });
    }
    const conv = foldableConv(node.input[side]);
    if (typeof conv === "string") return conv;
    const M = conv.transposed ? conv.dims[1] * conv.group : conv.dims[0];
    // a per-channel bias broadcasts as [M, 1, …, 1] (trailing-aligned, leading 1s allowed) or a scalar
    const dims = cDims.slice(), convRank = conv.dims.length;
    while (dims.length && dims[0] === 1 && dims.length > convRank - 1) dims.shift();
    const perChannel = dims.length === convRank - 1 && dims[0] === M && dims.slice(1).every((d) => d === 1);
    if (values.length !== 1 && !perChannel) return `constant [${c.dims.join(", ")}] is no per-channel bias of ${M} channels`;
    const shift = values.length === 1 ? new Float64Array(M).fill(values[0]) : Float64Array.from(values);
    foldInto(node.input[side], conv, new Float64Array(M).fill(1), shift);
    blobs.set(out, blobs.get(node.input[side])!);
    if (soleConvOutputs.has(node.input[side]) && uses.get(out) === 1) soleConvOutputs.add(out);
    return undefined;
  }

  /** The ImportContext an op mapping (op-mapping.ts) works through. */
  function context(node: NodeProto, attrs: NodeAttributes): ImportContext {
    const has = (i: number): boolean => Boolean(node.input[i]);
    return {
      opset, node, attrs, has, shapeOf, fresh,
      constant: (i) => (has(i) ? constants.get(node.input[i]) : undefined),
      activation: (i) => (has(i) ? blobs.get(node.input[i]) : undefined),
      operand(i) {
        if (!has(i)) return undefined;
        const name = node.input[i];
        const blob = blobs.get(name) ?? constantBlobs.get(name);
        if (blob !== undefined) return blob;
        const c = constants.get(name);
        if (c === undefined) throw new UnsupportedError(`input "${name}" is neither an activation of the graph inputs nor a constant`);
        const layer = fresh(name);
        layers.push({ name: layer, op: "Constant", inputs: [], attrs: { shape: c.dims.slice() } });
        extraWeights.set(`${layer}.value`, tensor(c.floats(), c.dims.slice()));
        constantBlobs.set(name, layer);
        return layer;
      },
      push(layer, output = node.output[0]) {
        layers.push(layer);
        producer.set(layer.name, layer);
        blobs.set(output, layer.name);
      },
      weight: (name, t) => { extraWeights.set(name, t); },
      setConstant: (output, c) => { constants.set(output, c); },
      alias: (output, blob) => { blobs.set(output, blob); },
    };
  }

  /** Replaces the conv's parameters by those of y = scale·conv(x) + shift. */
  function foldInto(name: string, conv: ConvParams, scale: ArrayLike<number>, shift: ArrayLike<number>): void {
    const { weight, bias } = foldAffineIntoConv(conv.weight, conv.dims, conv.bias, conv.group, conv.transposed, scale, shift);
    conv.weight = weight;
    conv.bias = bias;
    const layer = producer.get(blobs.get(name)!)!;
    (layer.attrs as { bias?: boolean }).bias = true;
  }

  // the graph outputs: the first is the GraphSpec's `output` (what Net.run returns), the others its
  // `extraOutputs`; each must be computed by a layer
  if (graph.output.length === 0) report.general.push("the graph has no output");
  const outputs: { onnx: string; blob: string }[] = [];
  for (const { name } of graph.output) {
    if (failed.has(name)) continue; // its node is reported
    const blob = blobs.get(name);
    if (blob === undefined || !producer.has(blob)) {
      report.general.push(`graph output "${name}" is ${blob !== undefined && inputs.some((v) => v.name === blob) ? "a graph input itself" : "not computed by any layer (a constant?)"}`);
      continue;
    }
    const twin = outputs.find((o) => o.blob === blob);
    if (twin !== undefined) { report.general.push(`graph outputs "${twin.onnx}" and "${name}" are the same tensor (Net names each output after its own layer)`); continue; }
    outputs.push({ onnx: name, blob });
  }
  report.throwIfAny();

  const weights = new Map<string, Tensor>();
  for (const [name, p] of params) {
    weights.set(`${name}.weight`, tensor(p.weight, p.dims));
    if (p.bias !== null) weights.set(`${name}.bias`, tensor(p.bias, [p.bias.length]));
  }
  for (const [name, slope] of slopes) weights.set(`${name}.weight`, tensor(slope, [slope.length]));
  for (const [name, t] of extraWeights) weights.set(name, t);
  const renamed = renameOutputs({ spec: { ...partial(outputs[0].blob), ...(outputs.length > 1 ? { extraOutputs: outputs.slice(1).map((o) => o.blob) } : {}) }, weights },
    new Map(outputs.filter((o) => o.blob !== o.onnx).map((o) => [o.blob, o.onnx])));
  const mapped = source.fusion.fuse ? fuseActivations(renamed, source.fusion.keep) : renamed;
  return { ...mapped, shapeDependent };
}

/**
 * Names each output layer after its ONNX graph output, so that runAll's keys are the model's
 * output names, where a node folded away (Identity, inference Dropout, a BatchNormalization or
 * bias Add folded into the conv before it) left the layer named after an earlier tensor. The new
 * names are free: every ONNX tensor name is unique, and a folded node's output made no layer.
 */
function renameOutputs(graph: { spec: GraphSpec; weights: Map<string, Tensor> }, rename: ReadonlyMap<string, string>): { spec: GraphSpec; weights: Map<string, Tensor> } {
  if (rename.size === 0) return graph;
  const to = (name: string): string => rename.get(name) ?? name;
  const { spec } = graph;
  const layers = spec.layers.map((l) => ({ ...l, name: to(l.name), inputs: l.inputs.map(to) }) as LayerSpec);
  const weights = new Map([...graph.weights].map(([name, t]) => {
    const dot = name.lastIndexOf(".");
    return [`${to(name.slice(0, dot))}${name.slice(dot)}`, t];
  }));
  return { spec: { ...spec, layers, output: to(spec.output), ...(spec.extraOutputs ? { extraOutputs: spec.extraOutputs.map(to) } : {}) }, weights };
}

/** The ONNX op types this importer maps (besides Constant and the folders of folding/folders.ts, evaluated at load). */
export const SUPPORTED = [
  ...READERS.keys(),
  "Conv", "ConvTranspose", "Relu", "MaxPool", "Add", "Mul", "Softmax", "BatchNormalization", "Identity", "Dropout", "Slice",
  "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "Softplus", "HardSigmoid", "HardSwish", "Clip", "PRelu", "GlobalAveragePool", "GlobalMaxPool", "AveragePool",
];

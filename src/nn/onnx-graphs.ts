// The graphs of a Net read from ONNX, one per input shape. An import folds shape arithmetic for
// one input shape (src/onnx/folding/), so a model whose graph read blob shapes (Shape → Reshape,
// a Slice resolved into a Crop, …) is imported again for every new input shape it runs on; one
// whose import read no shapes serves every shape its declared input takes. The parsed model is
// kept only while another import may be needed. Every run input is first checked against the
// declared input (rank, channels, fixed sizes; any batch) with a ShapeError naming it. The graph
// depends on the first graph input's shape and on the shapes of the other graph inputs
// (extraInputs) whose declared dims are open; the rest are imported at their declared dims and
// checked against them at every run.
import type { GraphSpec } from "./graph.js";
import { LAYER_OPS } from "./layer-ops.js";
import type { Tensor } from "../tensor.js";
import { ShapeError } from "../errors.js";
import { type OnnxInput, type OnnxSource, checkInputShape, describeDeclared, openExtraInputs } from "../onnx/onnx-source.js";
import { importOnnx } from "../onnx/to-graph.js";

/**
 * One import: its spec, and the weights of its fixed (not trainable) layer-op parameters, such as
 * Constant layers whose values may come from shape arithmetic; the trainable ones live in the Net
 * and are shared by all its graphs, so training keeps working across input shapes.
 */
export interface ShapeGraph { spec: GraphSpec; weights: Map<string, Tensor> }

/** The graph kept for a shape: its spec and the weights of its fixed layer-op parameters only. */
function kept(spec: GraphSpec, weights: Map<string, Tensor>): ShapeGraph {
  const fixed = new Map<string, Tensor>();
  for (const layer of spec.layers) {
    const def = LAYER_OPS.get(layer.op);
    if (def?.params === undefined || def.trainable === true) continue;
    // a list of trainable kinds: the others (e.g. running statistics) are fixed
    const learns = (kind: string): boolean => Array.isArray(def.trainable) && def.trainable.includes(kind);
    for (const [name, t] of weights) if (name.startsWith(`${layer.name}.`) && !learns(name.slice(layer.name.length + 1))) fixed.set(name, t);
  }
  return { spec, weights: fixed };
}

export class OnnxGraphs {
  /** The parsed model, or null once an import showed the graph does not depend on the input shape. */
  private source: OnnxSource | null;
  private readonly input: OnnxSource["input"];
  /** Every graph input's declared dims, by name (the first binds the graph; the others are checked). */
  private readonly inputs: ReadonlyMap<string, OnnxSource["input"]>;
  private readonly declared: string;
  /** The graph inputs after the first with open dims: their run shapes pick the graph too. */
  private readonly openExtras: readonly OnnxInput[];
  /** Imports made so far, by input shapes ("1x3x20x28", then "|2x8x5" per open extra input). */
  private readonly byShape = new Map<string, ShapeGraph>();
  /** The graph serving every shape, when the import depended on none. */
  private any: ShapeGraph | null = null;

  constructor(source: OnnxSource) {
    this.source = source;
    this.input = source.input;
    this.inputs = new Map(source.inputs.map((v) => [v.name, v]));
    this.declared = describeDeclared(source.input);
    this.openExtras = openExtraInputs(source);
  }

  /** Whether a graph input after the first has open dims (the net binds its graph at the first runAll). */
  get extrasOpen(): boolean {
    return this.openExtras.length > 0;
  }

  /** The first graph input's name (its shape picks the graph). */
  get inputName(): string {
    return this.input.name;
  }

  /** Checks a run's tensor shape for graph input `name` against its declared dims (ShapeError naming `what`). */
  checkInput(name: string, shape: readonly number[], what: string): void {
    const input = this.inputs.get(name);
    if (input !== undefined) checkInputShape(input, shape, what);
  }

  /** The graph input's name and declared dims, for messages: "x" [1, 3, ?, ?]. */
  describe(): string {
    return `"${this.input.name}" ${this.declared}`;
  }

  /**
   * The graph for first-input `shape` and, for graph inputs after the first with open dims, the
   * shapes in `extras` (by name; each checked against its declared input first; errors name
   * `what`, or `whatOf(name)` for an extra input), importing it when no earlier import serves these shapes.
   */
  graphFor(shape: readonly number[], what: string, extras: ReadonlyMap<string, readonly number[]> = new Map(), whatOf: (input: string) => string = () => what): ShapeGraph {
    checkInputShape(this.input, shape, what);
    if (this.any !== null) return this.any;
    const key = this.key(shape, extras, what, whatOf);
    const graph = this.byShape.get(key);
    if (graph !== undefined) return graph;
    // a new import: all its weights, for parameters the net may not have yet
    const imported = importOnnx(this.source!, shape, new Map(this.openExtras.map((v) => [v.name, extras.get(v.name)!])));
    this.record(key, imported.spec, imported.weights, imported.shapeDependent);
    return { spec: imported.spec, weights: imported.weights };
  }

  /** The key of an import: the first input's shape, then each open extra input's (checked; ShapeError when one has none). */
  key(shape: readonly number[], extras: ReadonlyMap<string, readonly number[]>, what: string, whatOf: (input: string) => string = () => what): string {
    let key = shape.join("x");
    for (const v of this.openExtras) {
      const s = extras.get(v.name);
      if (s === undefined) {
        throw new ShapeError(`${what}: graph input "${v.name}" ${describeDeclared(v)} has dynamic dims and no tensor to bind them: this net has ${this.inputs.size} graph inputs (${[...this.inputs.keys()].map((n) => `"${n}"`).join(", ")}); feed them all with net.runAll({ name: tensor, … })`);
      }
      checkInputShape(v, s, whatOf(v.name));
      key += `|${s.join("x")}`;
    }
    return key;
  }

  /** Records an import made outside (Net.fromOnnx's first) under its key (key()), as graphFor would have. */
  record(key: string, spec: GraphSpec, weights: Map<string, Tensor>, shapeDependent: boolean): void {
    const graph = kept(spec, weights);
    if (shapeDependent) this.byShape.set(key, graph);
    else {
      this.any = graph;
      this.source = null; // no other import will be needed: let the model go
      this.byShape.clear();
    }
  }
}

// Net: a GraphSpec made runnable. `run(x)` evaluates the layers in order on the package's ops and
// keeps what backward needs; `backward(dOut)` walks them in reverse, each layer's gradient being
// the backward op that sits beside its forward op (conv ↔ convTranspose, maxPool's argmax…),
// accumulating where a blob feeds several layers, and returns dLoss/dParameter for every
// trainable parameter. Missing weights are initialised from the layer's `init` (He, Xavier, zeros,
// or FCN's bilinear filter), deterministically from a seed.
// The parameters are live: an optimiser updates their data in place between steps. By default
// run() and backward() work on a resident NetPlan (plan.ts): every blob, and when training every
// gradient, in wasm memory for the input shape; `resident: false` runs op by op through the public
// ops, which the tests hold the plan to, bit for bit.
import { AttributeError, NotReadyError, ShapeError, UnsupportedError } from "../errors.js";
import { yieldToHost } from "../ops/async.js";
import { snapshotTensor } from "../ops/snapshot.js";
import { type DisposeMethod, disposableWithUsing } from "../disposable.js";
import { type Tensor, checkTensor, describeShape, tensor } from "../tensor.js";
import { runtime } from "../runtime/runtime.js";
import { conv, convGradients } from "../ops/conv.js";
import { convTranspose, convTransposeGradients } from "../ops/conv-transpose.js";
import { relu, reluBackward } from "../ops/relu.js";
import { type ActivationOp, activationBackward, activationForward } from "../ops/activations.js";
import { prelu, preluBackward } from "../ops/prelu.js";
import { globalAveragePool, globalAveragePoolBackward, globalMaxPool, globalMaxPoolBackward } from "../ops/global-pool.js";
import { averagePool, averagePoolBackward } from "../ops/average-pool.js";
import { maxPool, maxPoolBackward } from "../ops/max-pool.js";
import { add } from "../ops/add.js";
import { crop, cropBackward } from "../ops/crop.js";
import { softmax, softmaxBackward } from "./loss.js";
import { bilinearWeights, bilinearWeightsDense, trilinearWeights, trilinearWeightsDense } from "./bilinear.js";
import { RandomStream } from "../random.js";
import { fusedActivationBackward, fusedActivationForward } from "../ops/fused-activation.js";
import { type ActivationLayer, type ConvLayer, type ConvTransposeLayer, type GraphSpec, type LayerSpec, type WeightInit, analyzeGraph, checkInputShape, graphInputs, graphOutputs, splitParamAttrs, validateGraph } from "./graph.js";
import { isPlainObject, kindWithType } from "../values.js";
import { checkAttrNames } from "../attrs.js";
import { checkOutFits, outArray } from "../ops/output-array.js";
import { floatsChecksum } from "./checksum.js";
import { NetPlan } from "./plan.js";
import { type NetSummary, summarize } from "./summary.js";
import { LAYER_OPS } from "./layer-ops.js";
import type { LayerAttrs, LayerOp } from "./layer-op.js";
import { readNetOptions, readWeights } from "./net-arguments.js";
import { checkOnnxOpTypes, importOnnx } from "../onnx/to-graph.js";
import { type OnnxOptions, type OnnxSource, defaultInputShape, readOnnx } from "../onnx/onnx-source.js";
import { OnnxGraphs } from "./onnx-graphs.js";
import { graphToOnnx } from "../onnx/from-graph.js";

/** Options of Net.run and Net.runAsync. */
export interface RunOptions {
  /**
   * Write the output into this array (of exactly the output's size) and return a tensor over it,
   * instead of a new array: a loop over frames of one size keeps one array and skips the first
   * touch of fresh memory (README "Speed"). It may be the input's own data; nothing is written if
   * the run throws.
   */
  out?: Float32Array;
}

/** options.out of run/runAsync checked before any work (AttributeError for anything else). */
function runOut(options: unknown, what: string): Float32Array | undefined {
  const o = checkAttrNames(options, ["out"], what, "options");
  return outArray(o.out, `${what}(options.out)`);
}

export interface NetOptions {
  /** Seed of the weight initialisers and of dropout masks. Default 1. */
  seed?: number;
  /**
   * Run on a resident plan (default true): parameters, every layer output and, when training,
   * every gradient live in wasm memory, laid out once per input shape, and layers pass blocks,
   * not copies. false runs every layer through the public ops, copying in and out.
   */
  resident?: boolean;
  /**
   * Which blobs an inference run leaves readable through `blob(name)`: "all" (Net.fromGraph's
   * default) or a list of names, the graph input and output always (Net.fromOnnx's default: []).
   * With a list, the resident plan reuses the memory of every other blob once no later layer reads
   * it (a liveness-based memory plan: a chain holds about two activations at a time). A training
   * run (`training = true`) keeps every blob, as backward needs them.
   */
  keep?: "all" | readonly string[];
}

/** Frees a collected Net's resident memory. */
const plans = new FinalizationRegistry<NetPlan>((plan) => plan.dispose());

function initialWeight(init: WeightInit, shape: number[], layer: LayerSpec, random: () => number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  if (init === "zeros") return new Float32Array(n);
  if (init === "xavier") {
    const limit = Math.sqrt(3 / fanIn);
    return Float32Array.from({ length: n }, () => (random() * 2 - 1) * limit);
  }
  if (init === "he") {
    // N(0, 2 / fan-in) by Box–Muller
    const std = Math.sqrt(2 / fanIn);
    return Float32Array.from({ length: n }, () => std * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  }
  // bilinear: FCN's upsampling filter, for square (2-D) or cubic (3-D: trilinear) transposed-convolution kernels
  const [C, Mg, k, ...rest] = shape;
  const volume = shape.length === 5;
  if (layer.op !== "ConvTranspose" || !(shape.length === 4 || volume) || rest.some((v) => v !== k)) {
    throw new AttributeError(`Net: layer "${layer.name}": init 'bilinear' needs a ConvTranspose with a square 2-D or cubic 3-D kernel, got ${layer.op} weight ${describeShape(shape)}`);
  }
  if (Mg === 1) return (volume ? trilinearWeights(C, k) : bilinearWeights(C, k)).data.slice();
  if (Mg !== C) throw new AttributeError(`Net: layer "${layer.name}": init 'bilinear' needs group = C or as many outputs as inputs, got weight ${describeShape(shape)}`);
  return (volume ? trilinearWeightsDense(C, k) : bilinearWeightsDense(C, k)).data.slice();
}

/** What a layer's forward kept for its backward. */
interface Saved {
  inputs: Tensor[];
  output: Tensor;
  mask?: Float32Array;
  /** A conv with a fused activation: its output before the activation. */
  pre?: Tensor;
}

export class Net {
  /** The graph run now and its Crops' offsets (null: an ONNX model with dynamic dims not run yet). */
  private graph: { spec: GraphSpec; cropOffsets: Map<string, number[]> } | null = null;
  /** Set for a net read from ONNX: its graph per input shape (onnx-graphs.ts). */
  private onnx: OnnxGraphs | null = null;

  /**
   * The graph spec (for a net read from ONNX, the graph of the input shape it last ran on or was
   * bound to). An ONNX model whose input has dynamic dims has none until it runs or is given
   * `options.inputShape`: NotReadyError.
   */
  get spec(): GraphSpec {
    return this.bound("Net.spec").spec;
  }

  private bound(what: string): { spec: GraphSpec; cropOffsets: Map<string, number[]> } {
    if (this.graph === null) {
      if (this.onnx!.extrasOpen) {
        throw new NotReadyError(`${what}: this net was read from an ONNX model with several graph inputs, some with dynamic dims, so its graph is made for the shapes of the first tensors it runs on; runAll() it first`);
      }
      throw new NotReadyError(`${what}: this net was read from an ONNX model whose input ${this.onnx!.describe()} has dynamic dims, so its graph is made for the shape of the first tensor it runs on; run() it first, or give Net.fromOnnx(bytes, { inputShape })`);
    }
    return this.graph;
  }
  private isTraining = false;

  /**
   * True: Dropout drops and run() keeps what backward() needs (training); false: Dropout is the
   * identity (inference). Setting it true on a net with a layer that has no gradient (ArgMax…) is
   * an UnsupportedError naming the layer.
   */
  get training(): boolean {
    return this.isTraining;
  }

  set training(on: boolean) {
    if (on && this.graph !== null) {
      const stuck = this.graph.spec.layers.find((l) => { const d = LAYER_OPS.get(l.op); return d !== undefined && d.backward === undefined; });
      if (stuck !== undefined) throw new UnsupportedError(`Net.training: layer "${stuck.name}" (${stuck.op}) has no gradient, so this net cannot be trained`);
    }
    this.isTraining = on === true;
  }
  /** Milliseconds each layer took in the last run(). */
  readonly timings = new Map<string, number>();
  private readonly params = new Map<string, Tensor>();
  private readonly frozen = new Set<string>();
  /** Weight initialisation, then dropout masks; it seeks back when a run is replayed. */
  private readonly stream: RandomStream;
  private readonly random: () => number;
  /** The stream's draws before the last planned run (where a replay starts). */
  private drawsBeforeRun = 0;
  private saved: Map<string, Saved> | null = null;
  private readonly resident: boolean;
  /** Whether parameters()/trainableParameters() handed out the live tensors (plans then copy them in on every run). */
  private paramsShared = false;
  /** NetOptions.keep: the blobs an inference plan keeps ("all": no reuse). */
  private readonly keep: ReadonlySet<string> | "all";
  /** The plan for the last input shape, and whether the last run used it. */
  private plan: NetPlan | null = null;
  private planRan = false;
  /** dispose(), for `using net = Net.fromGraph(spec)` (present where the runtime has Symbol.dispose). */
  declare [Symbol.dispose]: DisposeMethod;

  private constructor(spec: GraphSpec | null, weights: Map<string, Tensor>, options: NetOptions) {
    const stream = new RandomStream(options.seed ?? 1);
    this.stream = stream;
    this.random = () => stream.next(); // not a method of the Net: the plan keeps it, not the Net
    this.resident = options.resident ?? true;
    this.keep = options.keep === undefined || options.keep === "all" ? "all" : new Set(options.keep);
    if (spec !== null) this.graph = this.adopt(spec, weights, false);
  }

  /**
   * Takes `spec` as the net's graph: its crop offsets, and its parameters from `weights` (copied)
   * or initialised. `shared` (another input shape's graph of an ONNX model): a trainable parameter
   * the net already has keeps its tensor, so training goes on across shapes; fixed ones (Constant
   * layers, maybe computed from the shape) take the new values. NetOptions.keep must name blobs of
   * the graph (AttributeError).
   */
  private adopt(spec: GraphSpec, weights: Map<string, Tensor>, shared: boolean): { spec: GraphSpec; cropOffsets: Map<string, number[]> } {
    const analysis = analyzeGraph(spec);
    if (this.keep !== "all") {
      const names = new Set([...graphInputs(spec).map((v) => v.name), ...spec.layers.map((l) => l.name)]);
      const unknown = [...this.keep].filter((k) => !names.has(k));
      if (unknown.length) throw new AttributeError(`Net options.keep: ${unknown.map((k) => `"${k}"`).join(", ")} ${unknown.length > 1 ? "are no blobs" : "is no blob"} of this graph`);
    }
    for (const name of weights.keys()) {
      if (!analysis.parameters.has(name)) throw new ShapeError(`Net.fromGraph(weights): "${name}" is not a parameter of this graph (it has ${[...analysis.parameters.keys()].join(", ") || "none"})`);
    }
    const sameShape = (t: Tensor | undefined, shape: readonly number[]): boolean => t !== undefined && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
    const reuse = (name: string, shape: readonly number[], frozen: boolean): boolean => {
      if (frozen) this.frozen.add(name); else this.frozen.delete(name);
      return shared && !frozen && sameShape(this.params.get(name), shape);
    };
    for (const layer of spec.layers) {
      const def = LAYER_OPS.get(layer.op);
      if (def?.params !== undefined) {
        const attrs = (layer.attrs ?? {}) as LayerAttrs;
        for (const kind of Object.keys(def.params(attrs))) {
          const name = `${layer.name}.${kind}`, shape = analysis.parameters.get(name)!;
          const given = weights.get(name);
          if (given !== undefined && !sameShape(given, shape)) {
            throw new ShapeError(`Net.fromGraph(weights): "${name}" should be ${describeShape(shape)}, got ${describeShape(given.shape)}`);
          }
          const learns = Array.isArray(def.trainable) ? def.trainable.includes(kind) : true; // a kind outside the list never learns
          const byDefault = Array.isArray(def.trainable) || def.trainable === true;
          const frozen = !learns || (attrs.trainable !== undefined ? attrs.trainable === false : !byDefault);
          if (reuse(name, shape, frozen)) continue;
          // own copy (training updates it in place); a layer op's parameter nobody gives starts at 0
          this.params.set(name, tensor(given === undefined ? new Float32Array(shape.reduce((a, b) => a * b, 1)) : Float32Array.from(given.data), shape));
        }
        continue;
      }
      if (layer.op !== "Conv" && layer.op !== "ConvTranspose" && layer.op !== "PRelu") continue;
      const init = layer.op === "PRelu" ? null : layer.attrs.init ?? "he";
      for (const kind of ["weight", "bias"] as const) {
        const name = `${layer.name}.${kind}`;
        const shape = analysis.parameters.get(name);
        if (shape === undefined) continue;
        if (reuse(name, shape, layer.attrs?.trainable === false)) continue;
        const given = weights.get(name);
        let data: Float32Array;
        if (given !== undefined) {
          if (!sameShape(given, shape)) {
            throw new ShapeError(`Net.fromGraph(weights): "${name}" should be ${describeShape(shape)}, got ${describeShape(given.shape)}`);
          }
          data = Float32Array.from(given.data); // own copy: training updates it in place
        } else {
          // PRelu's slope starts at 0.25, PyTorch's PReLU default
          data = kind === "bias" ? new Float32Array(shape[0]) : init === null ? new Float32Array(shape[0]).fill(0.25) : initialWeight(init, shape, layer, this.random);
        }
        this.params.set(name, tensor(data, shape));
      }
    }
    if (shared) {
      // fixed parameters of another shape's graph go (their graph brings them back); trainable
      // ones stay, with what training made of them
      for (const name of [...this.params.keys()]) {
        if (!analysis.parameters.has(name) && this.frozen.has(name)) { this.params.delete(name); this.frozen.delete(name); }
      }
    }
    return { spec, cropOffsets: analysis.cropOffsets };
  }

  /**
   * Builds a Net from a GraphSpec. `weights` (a Map or a record, e.g. from loadSafetensors) may
   * supply any parameter `<layer>.weight` / `<layer>.bias`; the rest are initialised. A name that
   * is no parameter of the graph, or a shape that differs, is a ShapeError; so is a weight that is
   * no well-formed Tensor. `weights` of another kind, or unknown or mistyped options, are
   * AttributeErrors (net-arguments.ts).
   */
  static fromGraph(spec: GraphSpec, weights?: Map<string, Tensor> | Record<string, Tensor>, options?: NetOptions): Net {
    validateGraph(spec);
    return new Net(spec, readWeights(weights), readNetOptions(options));
  }

  /**
   * Builds a Net from an ONNX model (the bytes of an .onnx file) whose nodes map onto Net's layers
   * (src/onnx/to-graph.ts): `run(x)` is the first graph input → the first graph output, `runAll`
   * feeds every graph input by its ONNX name and returns every graph output by its ONNX name.
   * Shape arithmetic is evaluated for one shape of the first graph input: `options.inputShape`,
   * else the declared one (a dynamic batch as 1); a model with other dynamic dims there is
   * imported at the shape of the first tensor it runs on, and again for each new shape if its
   * import read shapes (onnx-graphs.ts); other graph inputs take their declared shapes, or, where
   * those have dynamic dims but the batch, the shapes of the tensors the first runAll feeds. An
   * inference plan keeps `options.keep` readable (default []: the inputs and outputs only).
   * Throws OnnxFormatError for bytes that are no ModelProto, UnsupportedError listing every node
   * Net cannot run yet, AttributeError for a bad argument or a missing `options.externalData`
   * file, ShapeError for an inputShape the declared input does not take (so does a run).
   */
  static fromOnnx(bytes: Uint8Array, options?: OnnxOptions): Net {
    const { source, inputShape } = readOnnx(bytes, options);
    const shape = inputShape?.slice() ?? defaultInputShape(source);
    const netOptions = readNetOptions({ keep: options?.keep ?? [] });
    // a net that may import again later reads its own copy of the file (and of external data
    // files): the caller may reuse its buffers
    const own = (): OnnxSource => readOnnx(bytes.slice(), {
      ...options,
      ...(options?.externalData ? { externalData: Object.fromEntries(Object.entries(options.externalData).map(([name, file]) => [name, file.slice()])) } : {}),
    }).source;
    const net0 = new OnnxGraphs(source);
    if (shape === null || net0.extrasOpen) {
      // dims to be bound by the first run: what needs no shape is checked now
      checkOnnxOpTypes(source);
      const net = new Net(null, new Map(), netOptions);
      net.onnx = new OnnxGraphs(own());
      return net;
    }
    const { spec, weights, shapeDependent } = importOnnx(source, shape);
    const net = Net.fromGraph(spec, weights, netOptions);
    net.onnx = shapeDependent ? new OnnxGraphs(own()) : net0;
    net.onnx.record(net.onnx.key(shape, new Map(), "Net.fromOnnx"), spec, weights, shapeDependent);
    return net;
  }

  /**
   * The net as an ONNX model (the bytes of an .onnx file) for its declared input shapes, every graph
   * input and output in order (`input`, `extraInputs`; `output`, `extraOutputs`), with the
   * current parameters (src/onnx/from-graph.ts): IR 8, the lowest opset that expresses it, inference
   * form (Dropout left out). `Net.fromOnnx(net.toOnnx())` runs bit for bit like this net. Throws
   * UnsupportedError naming a layer ONNX cannot express exactly.
   */
  toOnnx(): Uint8Array {
    return graphToOnnx(this.bound("Net.toOnnx()").spec, this.params);
  }

  /** Every parameter by name (live tensors: optimisers update their data in place). */
  parameters(): Map<string, Tensor> {
    this.bound("Net.parameters()");
    this.paramsShared = true; // from now on every run copies them in: the caller may change them
    return new Map(this.params);
  }

  /** The parameters that backward returns gradients for (all but those of `trainable: false` layers). */
  trainableParameters(): Map<string, Tensor> {
    this.bound("Net.trainableParameters()");
    this.paramsShared = true;
    return new Map([...this.params].filter(([name]) => !this.frozen.has(name)));
  }

  /**
   * Evaluates the graph on x [N, C, H, W] and returns the output layer's tensor. It runs on a
   * resident plan made for x's shape on first use (a training plan once `training` is set).
   */
  run(input: Tensor, options?: RunOptions): Tensor {
    this.idle("run()");
    const out = runOut(options, "Net.run");
    this.bindFor(input, "Net.run(x)");
    const fed = this.onlyInput(input, "Net.run(x)");
    const what = () => "Net.run(x)";
    return this.forwardAll(fed, what, what)(this.spec.output, out);
  }

  /**
   * Evaluates the graph on a tensor per graph input, `inputs` by input name (`spec.input` and every
   * `spec.extraInputs` entry), and returns every graph output (`spec.output`, then
   * `spec.extraOutputs`) by layer name. Each tensor must have its input's declared rank and
   * channels (batch and spatial sizes may differ); a missing one, or one of another rank or
   * channel count, is a ShapeError naming the graph input; a name that is no graph input is an
   * AttributeError. Same plan, training state and backward() as run().
   */
  runAll(inputs: Record<string, Tensor>): Record<string, Tensor> {
    this.idle("runAll()");
    const fed = this.bindRecord(inputs, "Net.runAll");
    const read = this.forwardAll(fed, (name) => `Net.runAll(inputs[${JSON.stringify(name)}])`, () => "Net.runAll(inputs)");
    return Object.fromEntries(graphOutputs(this.spec).map((name) => [name, read(name)]));
  }

  /**
   * runAll(inputs) as runAsync(x) runs: the host's event loop gets a turn before each layer, the
   * inputs are copied in the call, the same outputs bit for bit. The net takes no other run
   * until it resolves; dispose() or a new ready() meanwhile rejects it (NotReadyError).
   */
  async runAllAsync(inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    this.idle("runAllAsync()");
    const fed = this.bindRecord(inputs, "Net.runAllAsync");
    for (const [name, t] of fed) fed.set(name, snapshotTensor(t)); // read after the call returns: take them now
    const what = () => "Net.runAllAsync(inputs)";
    const outputs = await this.forwardAllAsync(fed, (name) => `Net.runAllAsync(inputs[${JSON.stringify(name)}])`, what, "Net.runAllAsync", graphOutputs(this.spec));
    return Object.fromEntries(outputs);
  }

  /**
   * An ONNX net binds its graph for the record's shapes (the first input's, and those of inputs
   * after it with dynamic dims); then the record is checked against the graph's inputs.
   */
  private bindRecord(inputs: Record<string, Tensor>, what: string): Map<string, Tensor> {
    if (this.onnx !== null && isPlainObject(inputs) && inputs[this.onnx.inputName] !== undefined) {
      const whatOf = (name: string) => `${what}(inputs[${JSON.stringify(name)}])`;
      // the other inputs' shapes too: those with dynamic dims pick the graph with the first's
      const extras = new Map(Object.entries(inputs).filter(([name]) => name !== this.onnx!.inputName).map(([name, t]) => [name, checkTensor(t, whatOf(name))]));
      this.bindFor(inputs[this.onnx.inputName], whatOf(this.onnx.inputName), extras, whatOf);
    }
    return this.readInputRecord(inputs, what);
  }

  /** run(x)'s input as the record of every graph input; a net with several inputs needs runAll. */
  private onlyInput(input: Tensor, what: string): Map<string, Tensor> {
    const extra = this.spec.extraInputs ?? [];
    if (extra.length > 0) {
      throw new ShapeError(`${what}: graph input "${extra[0].name}" ${describeShape(extra[0].shape)} has no tensor: this net has ${extra.length + 1} graph inputs (${graphInputs(this.spec).map((v) => `"${v.name}"`).join(", ")}); feed them all with net.runAll({ name: tensor, … })`);
    }
    return new Map([[this.spec.input.name, input]]);
  }

  /**
   * runAll's record checked: a plain object of tensors, one per graph input (ShapeError naming the
   * missing one), no other key (AttributeError), each of its input's declared rank and channels.
   */
  private readInputRecord(inputs: unknown, what: string): Map<string, Tensor> {
    const declared = graphInputs(this.spec);
    const list = declared.map((v) => `"${v.name}" ${describeShape(v.shape)}`).join(", ");
    if (!isPlainObject(inputs)) throw new AttributeError(`${what}(inputs): expected a record of tensors by graph input name (${list}), got ${kindWithType(inputs)}`);
    for (const key of Object.keys(inputs)) {
      if (!declared.some((v) => v.name === key)) throw new AttributeError(`${what}(inputs): "${key}" names no graph input; the graph inputs are ${list}`);
    }
    const fed = new Map<string, Tensor>();
    for (const v of declared) {
      const t = inputs[v.name];
      const at = `${what}(inputs[${JSON.stringify(v.name)}])`;
      if (t === undefined) throw new ShapeError(`${at}: graph input "${v.name}" ${describeShape(v.shape)} has no tensor; runAll needs one for every graph input (${list})`);
      const shape = checkTensor(t, at);
      if (shape.length !== v.shape.length || (shape.length > 1 && shape[1] !== v.shape[1])) {
        const want = v.shape.length > 1 ? `rank ${v.shape.length} with ${v.shape[1]} channels` : `rank ${v.shape.length}`;
        throw new ShapeError(`${at}: graph input "${v.name}" is declared ${describeShape(v.shape)}, so it takes ${want}; got ${describeShape(shape)}`);
      }
      fed.set(v.name, t as Tensor);
    }
    return fed;
  }

  /**
   * Runs the graph on every graph input (resident plan or op by op) and returns a reader of the
   * run's blobs. `whatOf(input)` names an input in errors, `whatAll()` the call.
   */
  private forwardAll(inputs: Map<string, Tensor>, whatOf: (input: string) => string, whatAll: () => string): (blob: string, into?: Float32Array) => Tensor {
    if (this.resident) {
      const plan = this.prepare(inputs, whatOf, whatAll());
      this.drawsBeforeRun = this.stream.draws;
      plan.run(inputs, this.training, this.timings);
      this.planRan = true;
      return (name, into) => plan.blob(name, into) as Tensor;
    }
    this.planRan = false;
    this.analyzeInputs(this.inputShapes(inputs, whatOf), whatOf, whatAll()); // errors name the input, not a layer's op
    const blobs = new Map<string, Tensor>(inputs);
    const saved = new Map<string, Saved>();
    this.timings.clear();
    for (const layer of this.spec.layers) this.runLayer(layer, blobs, saved);
    this.saved = saved;
    return (name, into) => copiedInto(blobs.get(name) as Tensor, into, "Net.run(options.out)");
  }

  /** Each input tensor checked (ShapeError naming it), its shape by graph input name. */
  private inputShapes(inputs: ReadonlyMap<string, Tensor>, whatOf: (input: string) => string): Map<string, number[]> {
    return new Map([...inputs].map(([name, t]) => [name, checkTensor(t, whatOf(name)).slice()]));
  }

  /**
   * run(x), giving the host's event loop a turn before each layer: in a browser page the page
   * stays responsive between layers (each layer still keeps its thread busy while it runs, on the
   * pool with threads > 1). Bit-identical to run(x); x is copied in the call. The net takes no other run(), runAsync() or
   * backward() until it resolves; dispose() or a new ready() meanwhile rejects it (NotReadyError).
   */
  async runAsync(input: Tensor, options?: RunOptions): Promise<Tensor> {
    this.idle("runAsync()");
    const out = runOut(options, "Net.runAsync");
    const what = () => "Net.runAsync(x)";
    this.bindFor(input, what());
    this.onlyInput(input, what()); // a net with several inputs: named before x is copied
    input = snapshotTensor(input); // it is read after the call returns: take it now
    const fed = new Map([[this.spec.input.name, input]]);
    const [[, y]] = await this.forwardAllAsync(fed, what, what, "Net.runAsync", [this.spec.output], out);
    return y;
  }

  /**
   * forwardAll with a turn of the host's event loop before each layer (runAsync, runAllAsync),
   * returning the blobs named `outputs` (read before the net takes another run); `call` names the
   * method in errors.
   */
  private async forwardAllAsync(fed: Map<string, Tensor>, whatOf: (input: string) => string, whatAll: () => string, call: string, outputs: readonly string[], into?: Float32Array): Promise<[string, Tensor][]> {
    this.busy = true;
    try {
      if (this.resident) {
        await yieldToHost();
        const plan = this.prepare(fed, whatOf, whatAll());
        this.drawsBeforeRun = this.stream.draws;
        await plan.runAsync(fed, this.training, this.timings, yieldToHost);
        this.planRan = true;
        const ran = this.ranPlan(call);
        return outputs.map((name) => [name, ran.blob(name, into, `${call}(options.out)`) as Tensor]);
      }
      this.planRan = false;
      this.analyzeInputs(this.inputShapes(fed, whatOf), whatOf, whatAll());
      const rt = runtime();
      const blobs = new Map<string, Tensor>(fed);
      const saved = new Map<string, Saved>();
      this.timings.clear();
      for (const layer of this.spec.layers) {
        await yieldToHost();
        if (runtime() !== rt) throw new NotReadyError(`${call}: ready() or dispose() was called while it ran; run the net again`);
        this.runLayer(layer, blobs, saved);
      }
      this.saved = saved;
      return outputs.map((name) => [name, copiedInto(blobs.get(name) as Tensor, into, `${call}(options.out)`)]);
    } finally {
      this.busy = false;
    }
  }

  /** Whether a runAsync() is in progress (it owns the net's plan until it resolves). */
  private busy = false;

  private idle(what: string): void {
    if (this.busy) throw new UnsupportedError(`Net.${what}: a runAsync() of this net is still running; await it first`);
  }

  private runLayer(layer: LayerSpec, blobs: Map<string, Tensor>, saved: Map<string, Saved>): void {
    const t0 = performance.now();
    const inputs = layer.inputs.map((name) => blobs.get(name) as Tensor);
    const { output, mask, pre } = this.forward(layer, inputs);
    blobs.set(layer.name, output);
    saved.set(layer.name, { inputs, output, mask, pre });
    this.timings.set(layer.name, performance.now() - t0);
  }

  /**
   * Every blob's shape for inputs of `shapes` (by graph input name), with errors that name the
   * input as `whatOf(name)` (Net.run(x)…) or the call as `what`: a shape the graph cannot take,
   * or one its parameters were not made for.
   */
  private analyzeInputs(shapes: ReadonlyMap<string, readonly number[]>, whatOf: (input: string) => string, what: string): Map<string, number[]> {
    if (this.onnx !== null) {
      // an ONNX net: the graph for the first input's shape; every input checked against its declared dims
      const first = this.onnx.inputName;
      this.bindShape(shapes.get(first) as readonly number[], whatOf(first), shapes, whatOf);
      for (const [name, shape] of shapes) this.onnx.checkInput(name, shape, whatOf(name));
    }
    const record: Record<string, number[]> = {};
    for (const { name } of graphInputs(this.spec)) record[name] = checkInputShape(shapes.get(name) as readonly number[], whatOf(name));
    const { shapes: all, parameters } = analyzeGraph(this.spec, record);
    const several = this.spec.extraInputs?.length;
    const given = several
      ? `inputs of shapes ${[...shapes].map(([n, s]) => `"${n}" ${describeShape(s)}`).join(", ")} need`
      : `an input of shape ${describeShape(record[this.spec.input.name])} needs`;
    const made = several
      ? `inputs ${graphInputs(this.spec).map((v) => `"${v.name}" ${describeShape(v.shape)}`).join(", ")}`
      : `input ${describeShape(this.spec.input.shape)}`;
    for (const [name, want] of parameters) {
      const have = (this.params.get(name) as Tensor).shape;
      if (have.length !== want.length || have.some((d, i) => d !== want[i])) {
        throw new ShapeError(`${what}: ${given} parameter "${name}" to be ${describeShape(want)}, but the net's is ${describeShape(have)} (made for ${made})`);
      }
    }
    return all;
  }

  /**
   * Makes the graph of an ONNX model for first-input `shape` (and the shapes of graph inputs after
   * the first with dynamic dims, in `extras`) the net's graph (checked and imported by onnx-graphs.ts).
   */
  private bindShape(shape: readonly number[], what: string, extras?: ReadonlyMap<string, readonly number[]>, whatOf?: (input: string) => string): void {
    const graph = this.onnx!.graphFor(shape, what, extras, whatOf);
    if (this.graph?.spec === graph.spec) return;
    validateGraph(graph.spec);
    this.graph = this.adopt(graph.spec, graph.weights, true);
    if (this.training) this.training = true; // the new graph's layers must all have gradients
  }

  /**
   * An ONNX net: binds the graph for the first graph input's tensor `x` before anything reads the
   * spec (run, runAll, runAsync); a tensor that is none is left to the caller's checks.
   */
  private bindFor(x: unknown, what: string, extras?: ReadonlyMap<string, readonly number[]>, whatOf?: (input: string) => string): void {
    if (this.onnx === null) return;
    this.bindShape(checkTensor(x, what), what, extras, whatOf);
  }

  /** The resident plan for these inputs' shapes (a new one when a shape or the runtime changed). */
  private prepare(inputs: ReadonlyMap<string, Tensor>, whatOf: (input: string) => string, what: string): NetPlan {
    const shapes = this.inputShapes(inputs, whatOf);
    let plan = this.plan;
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
    const stale = plan === null || plan.evicted || plan.rt !== runtime() || (this.training && !plan.training) ||
      [...shapes].some(([name, shape]) => !same(plan!.inputShapes.get(name) ?? [], shape));
    if (stale) {
      this.dispose();
      plan = this.newPlan(shapes, this.training, whatOf, what);
    }
    this.timings.clear();
    this.saved = null;
    this.planRan = false;
    return plan as NetPlan;
  }

  /** Lays out a plan for input `shapes` (the net's current plan; the caller disposed the old one). */
  private newPlan(inputShapes: ReadonlyMap<string, readonly number[]>, training: boolean, whatOf: (input: string) => string, what: string): NetPlan {
    const shapes = this.analyzeInputs(inputShapes, whatOf, what); // named errors for a wrong input
    const plan = new NetPlan({ spec: this.spec, shapes, params: this.params, frozen: this.frozen, cropOffsets: this.graph!.cropOffsets, random: this.random, keep: this.keep, paramsShared: () => this.paramsShared }, inputShapes, training);
    this.plan = plan;
    plans.register(this, plan, plan);
    return plan;
  }

  /**
   * The plan of the last run. If the arena evicted it since (runtime/eviction.ts), a new one
   * replays that run: the same input, the same dropout draws (the stream seeks back), on the same
   * parameters; if they have changed since that run (an optimiser step), a replay would give other
   * numbers than the run did, so it is a NotReadyError asking for a new run() instead.
   */
  private ranPlan(what: string): NetPlan {
    const plan = this.plan as NetPlan;
    if (!plan.evicted) return plan;
    const replay = plan.replay as NonNullable<NetPlan["replay"]>;
    if (floatsChecksum([...this.params.values()].map((t) => t.data)) !== replay.params) {
      throw new NotReadyError(`${what}: the memory holding the last run was reclaimed (README "Memory") and the parameters have changed since that run, so it cannot be recomputed; run() the net again`);
    }
    const after = this.stream.draws;
    this.dispose();
    const replaying = () => "Net: replaying the last run";
    const fresh = this.newPlan(plan.inputShapes, plan.training, replaying, replaying());
    this.stream.seek(this.drawsBeforeRun);
    fresh.run(replay.inputs, replay.dropout, new Map());
    this.stream.seek(after);
    this.planRan = true;
    return fresh;
  }

  /**
   * Gives the plan's blocks back to fcn-wasm's memory zone, where later plans and op calls reuse
   * them (a WebAssembly memory never shrinks). What the last run kept goes with it: blob() is
   * undefined and backward() needs a new run(), which plans again.
   */
  dispose(): void {
    if (this.plan === null) return;
    this.saved = null; // its lazy reads point into the plan's blocks
    plans.unregister(this.plan);
    this.plan.dispose();
    this.plan = null;
    this.planRan = false;
  }

  /** What backward needs of the last run, read out of the plan on first use after a planned run. */
  private lastRun(): Map<string, Saved> | null {
    if (this.saved === null && this.planRan && this.plan !== null) {
      const plan = () => this.ranPlan("Net: reading the last run"); // the lazy reads below may come after an eviction
      const copies = new Map<string, Tensor>();
      const blob = (name: string) => {
        let t = copies.get(name);
        if (t === undefined) {
          const p = plan();
          if (!p.keeps(name)) {
            throw new UnsupportedError(`Net: blob "${name}" of the last run was not kept: this net's inference plan reuses the memory of blobs no later layer reads (NetOptions.keep). Keep it with { keep: ["${name}"] } (or "all"), or set net.training = true before run() to call backward()`);
          }
          copies.set(name, (t = p.blob(name) as Tensor));
        }
        return t;
      };
      this.saved = new Map(this.spec.layers.map((layer) => [layer.name, {
        get inputs() { return layer.inputs.map(blob); },
        get output() { return blob(layer.name); },
      } as Saved]));
    }
    return this.saved;
  }

  /** A layer op's parameters by kind. */
  private opParams(layer: LayerSpec, def: LayerOp): Record<string, Tensor> {
    return Object.fromEntries(Object.keys(def.params?.((layer.attrs ?? {}) as LayerAttrs) ?? {}).map((kind) => [kind, this.params.get(`${layer.name}.${kind}`) as Tensor]));
  }

  /** A Conv / ConvTranspose layer's conv and bias (before a fused activation). */
  private convOutput(layer: ConvLayer | ConvTransposeLayer, x: Tensor): Tensor {
    const { onnx, bias } = splitParamAttrs(layer.attrs);
    const b = bias ? this.param(layer, "bias") : null;
    return layer.op === "Conv" ? conv(x, this.param(layer, "weight"), b, onnx) : convTranspose(x, this.param(layer, "weight"), b, onnx);
  }

  private forward(layer: LayerSpec, inputs: Tensor[]): { output: Tensor; mask?: Float32Array; pre?: Tensor } {
    const [x, second] = inputs;
    const def = LAYER_OPS.get(layer.op);
    if (def !== undefined) return { output: def.forward(inputs, (layer.attrs ?? {}) as LayerAttrs, this.opParams(layer, def)) };
    switch (layer.op) {
      case "Conv":
      case "ConvTranspose": {
        const z = this.convOutput(layer, x);
        const { activation } = splitParamAttrs(layer.attrs);
        if (activation === null) return { output: z };
        // a fused activation: the separate layers' formulas on the conv's output (the resident
        // plan runs the conv engine's epilogue, with the same bits); z is kept for backward
        const y = new Float32Array(z.data.length);
        fusedActivationForward(activation, z.data, y, `layer "${layer.name}"`);
        return { output: tensor(y, z.shape.slice()), pre: z };
      }
      case "Relu": return { output: relu(x) };
      case "MaxPool": return { output: maxPool(x, layer.attrs) };
      case "Add": return { output: add(x, second) };
      case "Crop": return { output: crop(x, { offsets: this.offsets(layer), shape: second.shape.slice(2) }) };
      case "Scale": return { output: scaled(x, layer.attrs.scale) };
      case "Softmax": return { output: softmax(x) };
      case "PRelu": return { output: prelu(x, this.param(layer, "weight")) };
      case "GlobalAveragePool": return { output: globalAveragePool(x) };
      case "GlobalMaxPool": return { output: globalMaxPool(x) };
      case "AveragePool": return { output: averagePool(x, layer.attrs) };
      default: return { output: activationForward(layer.op as ActivationOp, x, layer.attrs as ActivationLayer["attrs"]) };
      case "Dropout": {
        if (!this.training) return { output: x };
        const ratio = layer.attrs?.ratio ?? 0.5;
        const keep = 1 / (1 - ratio);
        const xd = x.data;
        const mask = Float32Array.from({ length: xd.length }, () => (this.random() >= ratio ? keep : 0));
        const y = new Float32Array(xd.length);
        for (let i = 0; i < y.length; i++) y[i] = xd[i] * mask[i];
        return { output: tensor(y, x.shape.slice()), mask };
      }
    }
  }

  /**
   * Back-propagates dLoss/dOutput through the last run() and returns dLoss/dParameter for every
   * trainable parameter that the given outputs depend on. `dOut` is the gradient of the first
   * graph output (the shape run() returned), or a record of gradients by graph output name (what
   * runAll() returned; an absent output's gradient is zero). A name that is no graph output is an
   * AttributeError, a gradient of another shape than its output a ShapeError naming it.
   */
  backward(dOut: Tensor | Record<string, Tensor>): Map<string, Tensor> {
    this.idle("backward()");
    if (this.planRan && this.plan !== null && this.plan.rt !== runtime()) {
      throw new NotReadyError("Net.backward: ready() loaded a new runtime since the last run(); run() again first");
    }
    if (this.planRan && this.plan !== null && this.plan.training) {
      const plan = this.ranPlan("Net.backward");
      return plan.backward(this.readSeeds(dOut, (name) => plan.blobShape(name) as number[]));
    }
    const saved = this.lastRun();
    if (saved === null) throw new ShapeError("Net.backward: call run() first; backward uses what the last run kept");
    const seeds = this.readSeeds(dOut, (name) => (saved.get(name) as Saved).output.shape);
    const grads = new Map<string, Float32Array>([...seeds].map(([name, t]) => [name, Float32Array.from(t.data)]));
    const accumulate = (name: string, g: Tensor) => {
      const have = grads.get(name);
      if (have === undefined) grads.set(name, Float32Array.from(g.data));
      else {
        const gd = g.data;
        for (let i = 0; i < have.length; i++) have[i] += gd[i];
      }
    };
    const paramGrads = new Map<string, Tensor>();
    for (let li = this.spec.layers.length - 1; li >= 0; li--) {
      const layer = this.spec.layers[li];
      const g = grads.get(layer.name);
      if (g === undefined) continue; // does not reach the output
      const s = saved.get(layer.name) as Saved;
      const dy = tensor(g, s.output.shape.slice()), dyOut = dy;
      const [x] = s.inputs;
      const def = LAYER_OPS.get(layer.op);
      if (def !== undefined) {
        if (def.backward === undefined) throw new UnsupportedError(`Net.backward: layer "${layer.name}" (${layer.op}) has no gradient`);
        const r = def.backward(dy, s.inputs, s.output, (layer.attrs ?? {}) as LayerAttrs, this.opParams(layer, def));
        r.inputs.forEach((dx, i) => { if (dx !== null) accumulate(layer.inputs[i], dx); });
        for (const [kind, dp] of Object.entries(r.params ?? {})) {
          if (!this.frozen.has(`${layer.name}.${kind}`)) paramGrads.set(`${layer.name}.${kind}`, dp);
        }
        continue;
      }
      switch (layer.op) {
        case "Conv":
        case "ConvTranspose": {
          const { onnx, bias, activation } = splitParamAttrs(layer.attrs);
          const w = this.param(layer, "weight");
          let dy = dyOut;
          if (activation !== null) {
            // through the fused activation first, at the conv's output (recomputed after a plan's
            // inference run, which keeps only the activation's)
            const z = s.pre ?? this.convOutput(layer, x);
            const dz = new Float32Array(g.length);
            fusedActivationBackward(activation, z.data, g, dz, `layer "${layer.name}"`);
            dy = tensor(dz, dyOut.shape.slice());
          }
          // No dx for a layer fed by a graph input (nothing consumes it), no dw for a frozen one.
          const want = { dx: !graphInputs(this.spec).some((v) => v.name === layer.inputs[0]), dw: !this.frozen.has(`${layer.name}.weight`) };
          const r = layer.op === "Conv" ? convGradients(dy, x, w, onnx, want) : convTransposeGradients(dy, x, w, onnx, want);
          if (r.dx !== null) accumulate(layer.inputs[0], r.dx);
          if (r.dw !== null) {
            paramGrads.set(`${layer.name}.weight`, r.dw);
            if (bias) paramGrads.set(`${layer.name}.bias`, r.db);
          }
          break;
        }
        case "Relu": accumulate(layer.inputs[0], reluBackward(dy, x)); break;
        case "MaxPool": accumulate(layer.inputs[0], maxPoolBackward(dy, x, layer.attrs)); break;
        case "Add": accumulate(layer.inputs[0], dy); accumulate(layer.inputs[1], dy); break;
        case "Crop": accumulate(layer.inputs[0], cropBackward(dy, x.shape, { offsets: this.offsets(layer), shape: s.inputs[1].shape.slice(2) })); break;
        case "Scale": accumulate(layer.inputs[0], scaled(dy, layer.attrs.scale)); break;
        case "Softmax": accumulate(layer.inputs[0], softmaxBackward(dy, s.output)); break;
        case "GlobalAveragePool": accumulate(layer.inputs[0], globalAveragePoolBackward(dy, x)); break;
        case "GlobalMaxPool": accumulate(layer.inputs[0], globalMaxPoolBackward(dy, x)); break;
        case "AveragePool": accumulate(layer.inputs[0], averagePoolBackward(dy, x, layer.attrs)); break;
        case "PRelu": {
          const { dx, dslope } = preluBackward(dy, x, this.param(layer, "weight"));
          accumulate(layer.inputs[0], dx);
          if (!this.frozen.has(`${layer.name}.weight`)) paramGrads.set(`${layer.name}.weight`, dslope);
          break;
        }
        default: accumulate(layer.inputs[0], activationBackward(layer.op as ActivationOp, dy, x, layer.attrs as ActivationLayer["attrs"])); break;
        case "Dropout": {
          if (s.mask === undefined) { accumulate(layer.inputs[0], dy); break; }
          const dx = new Float32Array(g.length);
          for (let i = 0; i < dx.length; i++) dx[i] = g[i] * s.mask[i];
          accumulate(layer.inputs[0], tensor(dx, dy.shape.slice()));
          break;
        }
      }
    }
    return paramGrads;
  }

  /**
   * backward's argument as gradients by graph output name, each checked against its output's
   * shape (`shapeOf`): a tensor is the first output's gradient; a record (a plain object whose
   * `shape` is no array) gives any of the outputs by name.
   */
  private readSeeds(dOut: unknown, shapeOf: (output: string) => readonly number[]): Map<string, Tensor> {
    const check = (t: unknown, output: string, at: string, what: string): Tensor => {
      const shape = checkTensor(t, at), want = shapeOf(output);
      if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(`${at}: expected ${what} ${describeShape(want)}, got ${describeShape(shape)}`);
      }
      return t as Tensor;
    };
    if (!isPlainObject(dOut) || Array.isArray(dOut.shape)) {
      return new Map([[this.spec.output, check(dOut, this.spec.output, "Net.backward(dOut)", "the output's shape")]]);
    }
    const outputs = graphOutputs(this.spec);
    const seeds = new Map<string, Tensor>();
    for (const [name, t] of Object.entries(dOut)) {
      if (!outputs.includes(name)) throw new AttributeError(`Net.backward(grads): "${name}" names no graph output; the outputs are ${outputs.map((o) => `"${o}"`).join(", ")}`);
      if (t === undefined) continue; // absent: zero
      seeds.set(name, check(t, name, `Net.backward(grads[${JSON.stringify(name)}])`, `output "${name}"'s shape`));
    }
    return seeds;
  }

  /**
   * Every layer with its output shape, parameter count and multiply-accumulates for `inputShape`
   * (default: the last run's input shape, else the spec's), and the resident bytes its plan holds.
   */
  summary(inputShape?: readonly number[]): NetSummary {
    const first = inputShape === undefined ? undefined : checkInputShape(inputShape, "net.summary(inputShape)");
    let spec: GraphSpec, params = this.params;
    if (this.onnx === null || first === undefined) spec = this.spec;
    else {
      // an ONNX model's graph for that shape: a net not bound yet binds to it (it has no plan to
      // lose); a bound one looks at it without making it the graph it runs
      if (this.graph === null) this.bindShape(first, "net.summary(inputShape)");
      const graph = this.onnx.graphFor(first, "net.summary(inputShape)");
      spec = graph.spec;
      params = new Map([...graph.weights, ...this.params]);
    }
    // every graph input's shape: the first from inputShape (else the last run's), the others the last run's (else declared)
    const shapes = new Map(graphInputs(spec).map((v) => [v.name, this.plan?.inputShapes.get(v.name) ?? v.shape]));
    if (first !== undefined) shapes.set(spec.input.name, first);
    const s = summarize(spec, params, Object.fromEntries(shapes), this.training ? "all" : this.keep);
    const plan = this.plan;
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
    if (plan !== null && !plan.evicted && [...shapes].every(([name, shape]) => same(plan.inputShapes.get(name) ?? [], shape))) s.plannedBytes = plan.bytes;
    return s;
  }

  /**
   * A layer's output from the last run() (for inspection and drawing), or undefined. After an
   * inference run of a net with NetOptions.keep a list, a blob not kept is an UnsupportedError
   * naming it (its memory went to a later layer).
   */
  blob(name: string): Tensor | undefined {
    return this.lastRun()?.get(name)?.output;
  }

  private param(layer: LayerSpec, kind: "weight" | "bias"): Tensor {
    return this.params.get(`${layer.name}.${kind}`) as Tensor;
  }

  private offsets(layer: LayerSpec): number[] {
    return this.graph!.cropOffsets.get(layer.name) as number[];
  }
}

disposableWithUsing(Net);

/** x·scale with scale as float32 (what toOnnx writes for Scale and fromOnnx reads back). */
function scaled(x: Tensor, scale: number): Tensor {
  scale = Math.fround(scale);
  const xd = x.data;
  const y = new Float32Array(xd.length);
  for (let i = 0; i < y.length; i++) y[i] = xd[i] * scale;
  return tensor(y, x.shape.slice());
}

/** `t` itself, or with `into` (a run's options.out, checked to fit) a tensor over a copy of it there. */
function copiedInto(t: Tensor, into: Float32Array | undefined, what: string): Tensor {
  if (into === undefined) return t;
  checkOutFits(into, t.shape, runtime(), what);
  into.set(t.data);
  return tensor(into, t.shape.slice());
}

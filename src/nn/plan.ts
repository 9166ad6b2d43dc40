// A Net laid out in wasm memory for one set of input shapes (one per graph input): every parameter and every layer output gets
// a resident block, planned once per input shape, and the layers run on those blocks through the
// same kernels as the ops, with nothing copied in or out between layers. A run copies in the
// inputs and the parameters (one memcpy each: optimisers and users change parameters in place, so
// the plan never trusts a stale copy) and copies out only what is asked for: the outputs, or a
// blob by name. Every blob has its own block for the plan's life, so every graph output (an
// intermediate layer among them) is still there when the run ends.
// A training plan adds, per blob, a gradient block (dL/dblob), dropout masks, and per trainable
// parameter a gradient block; backward walks the layers in reverse on those blocks. A blob read by
// several layers sums their contributions: the first writes its gradient block, later ones write
// a scratch block that is then added in (the order of the op-by-op path, so both agree).
// Scratch (im2col bands, GEMM packing, sub-pixel phases) comes from the arena's stack above the
// resident zone; it reaches its high-water mark on the first run and is reused.
// Forms derived from a parameter (a convolution's or transposed convolution's packed weights or Winograd's U,
// whether they are finite) are resident too, made again only after the parameters were copied in again.
// A plan is derived state (the Net owns the parameters): under memory pressure the arena may
// evict it (runtime/eviction.ts). It keeps a copy of its last inputs then, so that its Net can
// replay the run when backward() or blob() needs what the run left in the blocks.
import { NotReadyError } from "../errors.js";
import { type Runtime, runtime } from "../runtime/runtime.js";
import { floatsChecksum } from "./checksum.js";
import type { Evictable } from "../runtime/eviction.js";
import { type Tensor, tensor } from "../tensor.js";
import { checkOutFits } from "../ops/output-array.js";
import { type ConvGeometry, resolveConv, resolveConvTranspose, resolveMaxPool } from "../shape.js";
import { chooseConvAlgorithm, convForward } from "../ops/conv-engine/forward.js";
import { convDerivedWeightBytes, convReadsPackedWeights, deriveConvWeights } from "../ops/conv-engine/packed-weights.js";
import { type Epilogue, epilogueFor } from "../ops/conv-engine/epilogue.js";
import { fusedActivationBackward, fusedActivationForward } from "../ops/fused-activation.js";
import { type ConvTransposeAlgorithm, chooseAlgorithm, packTransposedWeights, packedBuffers, packedWeightBytes, runTransposed } from "../ops/conv-transpose/algorithm.js";
import type { TransposedBuffers } from "../ops/conv-transpose/buffers.js";
import { allFinite } from "../ops/finite.js";
import { planConvGradients, runConvGradients } from "../ops/conv-gradients.js";
import { cropInto, resolveCrop, uncropInto } from "../ops/crop.js";
import { maxPool3d, maxPoolBackward3d } from "../ops/max-pool-3d.js";
import { product, runWindowKernel, withArena, withoutSplit } from "../ops/run.js";
import { SplitTuner } from "./split-tuner.js";
import { softmax, softmaxBackward } from "./loss.js";
import { type ActivationOp, activation, mapActivation, mapActivationBackward } from "../ops/activations.js";
import { preluBackwardInto, preluInto, resolvePrelu } from "../ops/prelu.js";
import { globalAveragePoolBackwardInto, globalAveragePoolInto, globalMaxPoolBackwardInto, globalMaxPoolInto, resolveGlobalPool } from "../ops/global-pool.js";
import { averagePoolBackwardInto, averagePoolInto, resolveAveragePoolGeometry } from "../ops/average-pool.js";
import { type GraphSpec, type LayerSpec, graphInputs, graphOutputs, splitParamAttrs } from "./graph.js";
import { LAYER_OPS } from "./layer-ops.js";
import { inferenceSlots } from "./liveness.js";
import type { LayerAttrs, LayerOp } from "./layer-op.js";

interface Block {
  ptr: number;
  shape: number[];
  size: number;
}

/** What the plan needs from its Net: shapes, parameters and which are frozen, crop offsets, dropout's random source. */
export interface PlanSource {
  spec: GraphSpec;
  shapes: Map<string, number[]>;
  params: Map<string, Tensor>;
  frozen: ReadonlySet<string>;
  cropOffsets: Map<string, number[]>;
  random: () => number;
  /**
   * Whether the parameters may have changed since the plan last copied them in: true once the Net
   * has handed out its live parameter tensors (parameters(), trainableParameters()), which their
   * holder may write at any time. Until then nothing can change them, and a run skips the copy.
   */
  paramsShared: () => boolean;
  /** Blobs an inference run must leave readable besides the input and output ("all": every blob, no reuse). */
  keep: ReadonlySet<string> | "all";
}

/** One layer on resident blocks: its forward, and (training plans) its backward. */
interface Step {
  layer: LayerSpec;
  forward: (training: boolean) => void;
  backward: () => void;
}

export class NetPlan implements Evictable {
  readonly rt: Runtime;
  /** The first graph input's shape. */
  readonly inputShape: number[];
  /** Every graph input's shape by name, in graph order. */
  readonly inputShapes: ReadonlyMap<string, number[]>;
  /** Whether the plan holds gradients (backward) and dropout masks. */
  readonly training: boolean;
  /** Bytes of resident memory held. */
  readonly bytes: number;
  private readonly params = new Map<string, Block>();
  private readonly blobs = new Map<string, Block>();
  /** Training: dL/dblob per blob that can reach the output, and dL/dparameter per trainable parameter. */
  private readonly grads = new Map<string, Block>();
  private readonly paramGrads = new Map<string, Block>();
  /** Training: each Dropout layer's mask of the last run (keep scale or 0 per element). */
  private readonly masks = new Map<string, Block>();
  /** Training: where a non-first gradient contribution goes before it is added in. */
  private scratch: Block | null = null;
  /** Blobs whose gradient block holds a first contribution in the current backward. */
  private readonly written = new Set<string>();
  private readonly steps: Step[] = [];
  /** Whether each step is split over the pool: tried both ways in the first runs (split-tuner.ts). */
  private tuner!: SplitTuner;
  private readonly owned: number[] = [];
  private disposed = false;
  /** Whether the last run had dropout on (its masks are what backward must use). */
  private dropoutOn = false;
  /** The blobs a run leaves readable (null: all; a compact inference plan reuses the others' blocks). */
  private kept: ReadonlySet<string> | null = null;
  /** Whether the parameters have been copied in (see PlanSource.paramsShared). */
  private paramsIn = false;
  /** How many times the parameters have been copied in: derived forms made at another count are stale. */
  private paramsVersion = 0;
  /** Bytes of the resident blocks of derived forms (packed weights). */
  private derivedBytes = 0;
  /** Whether a run has filled the blocks. */
  private ran = false;
  /** True once the arena evicted the plan: its Net plans anew at its next use. */
  evicted = false;
  /**
   * After an eviction: what the last run was given, to replay it (null: it never ran), and the
   * fingerprint of the parameters it ran on (a replay on other parameters would give other numbers).
   */
  replay: { inputs: Map<string, Tensor>; dropout: boolean; params: number } | null = null;

  constructor(private readonly source: PlanSource, inputShapes: ReadonlyMap<string, readonly number[]>, training: boolean) {
    this.rt = runtime();
    this.inputShapes = new Map([...inputShapes].map(([name, shape]) => [name, shape.slice()]));
    this.inputShape = this.inputShapes.get(source.spec.input.name) as number[];
    this.training = training;
    const { spec, shapes, params } = source;
    let bytes = 0;
    const reserve = (shape: number[], what: string): Block => {
      const size = product(shape);
      const ptr = this.rt.arena.allocResident(size * 4, what);
      this.owned.push(ptr);
      bytes += size * 4;
      return { ptr, shape, size };
    };
    try {
      for (const [name, t] of params) this.params.set(name, reserve(t.shape.slice(), `Net plan: parameter ${name}`));
      if (!training && source.keep !== "all") {
        // inference, compact: blobs whose lives do not overlap share a block (liveness.ts)
        const { slots, slotOf } = inferenceSlots(spec, shapes, this.inputShapes, source.keep);
        const ptrs = slots.map((size, i) => reserve([size], `Net plan: activation block ${i} (${size} floats)`).ptr);
        const at = (name: string, shape: number[]): Block => ({ ptr: ptrs[slotOf.get(name)!], shape, size: product(shape) });
        for (const [name, shape] of this.inputShapes) this.blobs.set(name, at(name, shape));
        for (const layer of spec.layers) this.blobs.set(layer.name, at(layer.name, shapes.get(layer.name) as number[]));
        this.kept = new Set([...this.inputShapes.keys(), ...graphOutputs(spec), ...source.keep]);
      } else {
        for (const [name, shape] of this.inputShapes) this.blobs.set(name, reserve(shape, `Net plan: input ${name}`));
        for (const layer of spec.layers) {
          const shape = shapes.get(layer.name) as number[];
          // At inference Dropout is the identity: its output aliases its input.
          if (layer.op === "Dropout" && !training) this.blobs.set(layer.name, this.blobs.get(layer.inputs[0]) as Block);
          else this.blobs.set(layer.name, reserve(shape, `Net plan: output of layer "${layer.name}"`));
        }
      }
      if (training) {
        let largest = 0;
        for (const layer of spec.layers) {
          const shape = shapes.get(layer.name) as number[];
          this.grads.set(layer.name, reserve(shape, `Net plan: gradient of layer "${layer.name}"`));
          largest = Math.max(largest, product(shape));
          if (layer.op === "Dropout") this.masks.set(layer.name, reserve(shape, `Net plan: dropout mask of "${layer.name}"`));
        }
        this.scratch = reserve([largest], "Net plan: gradient scratch");
        for (const [name, t] of params) {
          if (!source.frozen.has(name)) this.paramGrads.set(name, reserve(t.shape.slice(), `Net plan: gradient of ${name}`));
        }
      }
      this.reserve = reserve;
      for (const layer of spec.layers) this.steps.push(this.step(layer));
      this.tuner = new SplitTuner(this.steps.length, this.rt.pool !== null);
      this.reserve = null;
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.bytes = bytes + this.derivedBytes;
    this.rt.arena.evictable.add(this);
  }

  /** While the steps are made: reserves a resident block the plan owns. */
  private reserve: ((shape: number[], what: string) => Block) | null = null;

  /** A block of `shape` a step keeps for itself (a fused conv's pre-activation while training). */
  private extra(layer: string, what: string, shape: number[]): Block {
    return this.reserve!(shape.slice(), `Net plan: ${what} of layer "${layer}"`);
  }

  /** The block a gradient contribution to `blob` goes to, and what to do once it is written. */
  private gradTarget(blob: string): { ptr: number; done: () => void } {
    const g = this.grads.get(blob) as Block;
    if (!this.written.has(blob)) {
      this.written.add(blob);
      return { ptr: g.ptr, done: () => {} };
    }
    const s = this.scratch as Block;
    return { ptr: s.ptr, done: () => this.rt.kernels.f32_add__simd(g.ptr, 1, s.ptr, 1, g.ptr, g.size) };
  }

  /** Whether `blob` takes a gradient (the graph inputs do not: nothing consumes it). */
  private wantsGrad(blob: string): boolean {
    return this.grads.has(blob);
  }

  /**
   * A layer op (layer-op.ts) on resident blocks: its `resident` forward on the blocks when it has
   * one for these shapes, else its public op function on copies of the input blocks, the result
   * written to the output block; backward likewise on copies. The op-by-op path calls the same
   * functions (and the resident forwards give their bits), so both agree bit for bit.
   */
  private opStep(layer: LayerSpec, def: LayerOp): Step {
    const attrs = (layer.attrs ?? {}) as LayerAttrs;
    const y = this.blobs.get(layer.name) as Block;
    const kinds = Object.keys(def.params?.(attrs) ?? {});
    const params = () => Object.fromEntries(kinds.map((k) => [k, this.read(this.params.get(`${layer.name}.${k}`) as Block)]));
    const inputs = () => layer.inputs.map((name) => this.read(this.blobs.get(name) as Block));
    // a resident forward runs on the blocks themselves (no copies); else the op on copies
    const resident = def.resident?.(layer.inputs.map((name) => (this.blobs.get(name) as Block).shape), attrs);
    const inputPtrs = layer.inputs.map((name) => (this.blobs.get(name) as Block).ptr);
    const paramPtrs = Object.fromEntries(kinds.map((k) => [k, (this.params.get(`${layer.name}.${k}`) as Block).ptr]));
    return {
      layer,
      forward: resident !== undefined
        ? () => withArena(this.rt, (rt) => resident(rt, inputPtrs, y.ptr, paramPtrs))
        : () => this.write(y, def.forward(inputs(), attrs, params())),
      backward: () => {
        const r = def.backward!(this.read(this.grads.get(layer.name) as Block), inputs(), this.read(y), attrs, params());
        r.inputs.forEach((dx, i) => {
          if (dx !== null) this.toInput(layer.inputs[i], (to) => this.rt.arena.f32(to, dx.data.length).set(dx.data));
        });
        for (const [kind, dp] of Object.entries(r.params ?? {})) {
          const g = this.paramGrads.get(`${layer.name}.${kind}`);
          if (g !== undefined) this.rt.arena.f32(g.ptr, g.size).set(dp.data);
        }
      },
    };
  }

  /**
   * A transposed convolution's weights in the form `algorithm` reads (sub-pixel phase weights, or
   * wᵀ packed for the GEMM of GEMM + col2im), in a resident block of the plan, and whether w is
   * finite (sub-pixel's exactness check, algorithm.ts exactAlgorithm): made on the first run after
   * the parameters were copied in, so not on every run (an inference net copies them in once).
   */
  private packedWeights(name: string, g: ConvGeometry, algorithm: ConvTransposeAlgorithm, w: Block): () => Partial<TransposedBuffers> {
    if (algorithm === "depthwise") return () => ({});
    const subpixel = algorithm === "subpixel", winograd = algorithm === "subpixel-winograd";
    const bytes = packedWeightBytes(g, algorithm);
    const ptr = this.rt.arena.allocResident(bytes, `Net plan: packed weights of layer "${name}"`);
    this.owned.push(ptr);
    this.derivedBytes += bytes;
    let version = -1, finite = true;
    return () => {
      if (version !== this.paramsVersion) {
        packTransposedWeights(this.rt, g, algorithm, w.ptr, ptr);
        if (subpixel || winograd) finite = allFinite(this.rt, w.ptr, w.size);
        version = this.paramsVersion;
      }
      // the sub-pixel paths ask whether w is finite (algorithm.ts exactAlgorithm): answered once per version
      return { ...packedBuffers(algorithm, ptr), ...(subpixel || winograd ? { wFinite: () => finite } : {}) };
    };
  }

  /**
   * A convolution's weights in the form its algorithm reads (packed for im2col + GEMM, or Winograd's
   * U; packed-weights.ts) in a resident block of the plan, made again on the first run after the
   * parameters were copied in, as packedWeights' are; 0 (none) where the conv runs the direct
   * depthwise kernel.
   */
  private packedConvWeights(name: string, g: ConvGeometry, w: Block): () => number {
    const algorithm = chooseConvAlgorithm(g);
    if (!convReadsPackedWeights(algorithm)) return () => 0;
    const bytes = convDerivedWeightBytes(g, algorithm);
    const ptr = this.rt.arena.allocResident(bytes, `Net plan: packed weights of layer "${name}"`);
    this.owned.push(ptr);
    this.derivedBytes += bytes;
    let version = -1;
    return () => {
      if (version !== this.paramsVersion) {
        deriveConvWeights(this.rt, g, algorithm, w.ptr, ptr);
        version = this.paramsVersion;
      }
      return ptr;
    };
  }

  /** The closures that run `layer` on resident blocks; geometry resolved here, once. */
  private step(layer: LayerSpec): Step {
    const rt = this.rt;
    const def = LAYER_OPS.get(layer.op);
    if (def !== undefined) return this.opStep(layer, def);
    const x = this.blobs.get(layer.inputs[0]) as Block;
    const y = this.blobs.get(layer.name) as Block;
    const dy = (): Block => this.grads.get(layer.name) as Block;
    const inputName = layer.inputs[0];
    const none = () => {};
    switch (layer.op) {
      case "Conv":
      case "ConvTranspose": {
        const { onnx, bias, activation } = splitParamAttrs(layer.attrs);
        const wName = `${layer.name}.weight`, bName = `${layer.name}.bias`;
        const w = this.params.get(wName) as Block, b = bias ? this.params.get(bName) as Block : null;
        const isConv = layer.op === "Conv";
        const g = isConv ? resolveConv(x.shape, w.shape, b?.shape ?? null, onnx) : resolveConvTranspose(x.shape, w.shape, b?.shape ?? null, onnx);
        const algorithm = isConv ? null : chooseAlgorithm(g);
        const packed = isConv ? null : this.packedWeights(layer.name, g, algorithm!, w);
        const packedConv = isConv ? this.packedConvWeights(layer.name, g, w) : null;
        const conv = (to: number, epilogue: Epilogue | null) => {
          if (isConv) convForward(rt, g, x.ptr, w.ptr, b?.ptr ?? 0, to, undefined, epilogue, packedConv!());
          else runTransposed(rt, algorithm!, { g, x: x.ptr, w: w.ptr, b: b?.ptr ?? 0, y: to, epilogue, ...packed!() });
        };
        // A fused activation: at inference in the conv's output pass (the engine's epilogue) where
        // its f has a wasm kernel, else after the conv on the output block (the op-by-op formulas).
        // A training plan keeps the conv's output z in a block of its own for backward, which goes
        // through the activation's gradient at z into dz, then the conv's gradients.
        const epilogue = activation === null ? null : epilogueFor(activation, `layer "${layer.name}"`) ?? null;
        const z = activation !== null && this.training ? this.extra(layer.name, "pre-activation", y.shape) : null;
        const dz = activation !== null && this.training ? this.extra(layer.name, "pre-activation gradient", y.shape) : null;
        const view = (ptr: number) => rt.arena.f32(ptr, y.size);
        const forward = () => withArena(rt, () => {
          if (activation === null) conv(y.ptr, null);
          else if (z !== null) {
            conv(z.ptr, null);
            fusedActivationForward(activation, view(z.ptr), view(y.ptr));
          } else if (epilogue !== null) conv(y.ptr, epilogue);
          else {
            conv(y.ptr, null);
            fusedActivationForward(activation, view(y.ptr), view(y.ptr));
          }
        });
        const gradients = planConvGradients(layer.op, g);
        const backward = () => withArena(rt, () => {
          if (activation !== null) fusedActivationBackward(activation, view(z!.ptr), view(dy().ptr), view(dz!.ptr));
          const t = this.wantsGrad(inputName) ? this.gradTarget(inputName) : null;
          runConvGradients(rt, gradients, {
            dy: activation !== null ? dz!.ptr : dy().ptr, x: x.ptr, w: w.ptr, dx: t?.ptr ?? 0,
            dw: this.paramGrads.get(wName)?.ptr ?? 0, db: this.paramGrads.get(bName)?.ptr ?? 0,
          });
          t?.done();
        });
        return { layer, forward, backward };
      }
      case "Relu":
        return {
          layer,
          forward: () => rt.kernels.f32_relu__simd(x.ptr, y.ptr, x.size),
          backward: () => this.toInput(inputName, (dx) => rt.kernels.f32_relu_backward__simd(x.ptr, dy().ptr, dx, x.size)),
        };
      case "MaxPool": {
        // 3-D: the op's two separable passes (max-pool-3d.ts), on the blocks
        const { window } = resolveMaxPool(x.shape, layer.attrs, "maxPool");
        const planes = x.shape[0] * x.shape[1];
        const inPlane = product(window.image), outPlane = product(window.grid);
        const volume = window.rank === 3;
        return {
          layer,
          forward: () => withArena(rt, () => {
            if (volume) maxPool3d(rt, window, planes, x.ptr, y.ptr);
            else runWindowKernel(rt, "f32_max_pool__simd", window, planes, x.ptr, inPlane, y.ptr, outPlane);
          }),
          backward: () => this.toInput(inputName, (dx) => withArena(rt, () => {
            if (volume) maxPoolBackward3d(rt, window, planes, x.ptr, dy().ptr, dx);
            else runWindowKernel(rt, "f32_max_pool_backward__scalar", window, planes, x.ptr, inPlane, dx, inPlane, dy().ptr, outPlane);
          })),
        };
      }
      case "Crop": {
        const like = this.blobs.get(layer.inputs[1]) as Block;
        const c = resolveCrop(x.shape, { offsets: this.source.cropOffsets.get(layer.name) as number[], shape: like.shape.slice(2) }, "crop");
        return {
          layer,
          forward: () => cropInto(rt, c, x.ptr, y.ptr),
          backward: () => this.toInput(inputName, (dx) => uncropInto(rt, c, dy().ptr, dx)),
        };
      }
      case "Add": {
        const other = this.blobs.get(layer.inputs[1]) as Block; // the graph checks equal shapes
        return {
          layer,
          forward: () => rt.kernels.f32_add__simd(x.ptr, 1, other.ptr, 1, y.ptr, y.size),
          backward: () => {
            for (const name of layer.inputs) this.toInput(name, (dx) => this.copy(dy().ptr, dx, y.size));
          },
        };
      }
      case "Scale": {
        const scale = Math.fround(layer.attrs.scale); // a float32 factor, as ONNX's Mul constant (net.ts scaled())
        const scaled = (from: number, to: number) => {
          const f = rt.arena.f32(from, x.size), t = rt.arena.f32(to, x.size);
          for (let i = 0; i < t.length; i++) t[i] = f[i] * scale;
        };
        return { layer, forward: () => scaled(x.ptr, y.ptr), backward: () => this.toInput(inputName, (dx) => scaled(dy().ptr, dx)) };
      }
      case "Softmax":
        return {
          layer,
          forward: () => this.write(y, softmax(this.read(x))),
          backward: () => this.toInput(inputName, (dx) => {
            const g = softmaxBackward(this.read(dy()), this.read(y)).data; // before the view: reads may commit
            rt.arena.f32(dx, x.size).set(g);
          }),
        };
      case "GlobalAveragePool":
      case "GlobalMaxPool":
      case "AveragePool": {
        // the loops of the op functions, on views of the resident blocks
        const view = (ptr: number, size: number) => rt.arena.f32(ptr, size);
        type Loop = (from: Float32Array, to: Float32Array) => void;
        let into: { forward: Loop; backward: Loop };
        if (layer.op === "AveragePool") {
          const { g } = resolveAveragePoolGeometry(x.shape, layer.attrs, "averagePool");
          into = { forward: (a, b) => averagePoolInto(g, a, b), backward: (a, b) => averagePoolBackwardInto(g, a, b) };
        } else if (layer.op === "GlobalMaxPool") {
          const g = resolveGlobalPool(x.shape, "globalMaxPool");
          into = { forward: (a, b) => globalMaxPoolInto(g, a, b), backward: (a, b) => globalMaxPoolBackwardInto(g, view(x.ptr, x.size), a, b) };
        } else {
          const g = resolveGlobalPool(x.shape, "globalAveragePool");
          into = { forward: (a, b) => globalAveragePoolInto(g, a, b), backward: (a, b) => globalAveragePoolBackwardInto(g, a, b) };
        }
        return {
          layer,
          forward: () => into.forward(view(x.ptr, x.size), view(y.ptr, y.size)),
          backward: () => this.toInput(inputName, (dx) => into.backward(view(dy().ptr, y.size), view(dx, x.size))),
        };
      }
      case "PRelu": {
        const wName = `${layer.name}.weight`;
        const w = this.params.get(wName) as Block;
        const g = resolvePrelu(x.shape, w.shape, "prelu");
        const view = (ptr: number, size = x.size) => rt.arena.f32(ptr, size);
        const scratch = new Float32Array(w.size); // the slope gradient of a frozen slope goes nowhere
        return {
          layer,
          forward: () => preluInto(g, view(x.ptr), view(w.ptr, w.size), view(y.ptr)),
          backward: () => {
            const dw = this.paramGrads.get(wName);
            // dx is computed even for the graph input (then into the scratch block), as the slope needs the same pass
            const t = this.wantsGrad(inputName) ? this.gradTarget(inputName) : null;
            const dx = t === null ? new Float32Array(x.size) : view(t.ptr);
            preluBackwardInto(g, view(x.ptr), view(w.ptr, w.size), view(dy().ptr), dx, dw === undefined ? scratch : view(dw.ptr, dw.size));
            t?.done();
          },
        };
      }
      default: {
        // an activation: the loops of its op function, on views of the resident blocks
        const p = activation(layer.op as ActivationOp, layer.attrs, layer.op);
        const view = (ptr: number) => rt.arena.f32(ptr, x.size);
        return {
          layer,
          // the wasm kernel where the formula has one (same bits), else the JS loop
          forward: p.kernel !== undefined
            ? () => rt.kernels.f32_activation__simd(p.kernel!.op, x.ptr, y.ptr, x.size, p.kernel!.p0, p.kernel!.p1)
            : () => mapActivation(p, view(x.ptr), view(y.ptr)),
          backward: () => this.toInput(inputName, (dx) => mapActivationBackward(p, view(x.ptr), view(dy().ptr), view(dx))),
        };
      }
      case "Dropout": {
        if (!this.training) return { layer, forward: none, backward: none }; // y aliases x
        const ratio = layer.attrs?.ratio ?? 0.5;
        const keep = 1 / (1 - ratio);
        const mask = this.masks.get(layer.name) as Block;
        const times = (a: number, m: number, to: number) => {
          const av = rt.arena.f32(a, x.size), mv = rt.arena.f32(m, x.size), tv = rt.arena.f32(to, x.size);
          for (let i = 0; i < tv.length; i++) tv[i] = av[i] * mv[i];
        };
        return {
          layer,
          forward: (training) => {
            if (!training) return this.copy(x.ptr, y.ptr, x.size);
            // the mask stream of the op-by-op path: one draw per element, in order
            const mv = rt.arena.f32(mask.ptr, mask.size);
            for (let i = 0; i < mv.length; i++) mv[i] = this.source.random() >= ratio ? keep : 0;
            times(x.ptr, mask.ptr, y.ptr);
          },
          backward: () => this.toInput(inputName, (dx) => (this.dropoutOn ? times(dy().ptr, mask.ptr, dx) : this.copy(dy().ptr, dx, x.size))),
        };
      }
    }
  }

  /** Runs `write(dx)` for the gradient of input `name`, if it takes one, and accumulates. */
  private toInput(name: string, write: (dx: number) => void): void {
    if (!this.wantsGrad(name)) return;
    const t = this.gradTarget(name);
    write(t.ptr);
    t.done();
  }

  private copy(from: number, to: number, size: number): void {
    new Uint8Array(this.rt.memory.buffer).copyWithin(to, from, from + size * 4);
  }

  /** Every use after dispose() is an error: the blocks may already hold another plan's data. */
  private live(what: string): void {
    if (this.disposed) throw new NotReadyError(`Net plan: ${what} after dispose(); run() the net again to plan anew`);
    this.rt.arena.evictable.touch(this);
  }

  /** A copy of block b: into `into` (options.out of a run, checked to fit it), else a new array. */
  private read(b: Block, into?: Float32Array, what = "Net.run(options.out)"): Tensor {
    if (into !== undefined) checkOutFits(into, b.shape, this.rt, what);
    return tensor(this.rt.arena.take(b.ptr, b.size, into), b.shape.slice());
  }

  private write(b: Block, t: Tensor): void {
    this.rt.arena.commit();
    this.rt.arena.f32(b.ptr, b.size).set(t.data);
  }

  /**
   * Runs the graph on `inputs` (a tensor per graph input, by name, of the planned shapes);
   * `timings` receives each layer's milliseconds. `training` turns dropout on (a training plan only).
   */
  run(inputs: ReadonlyMap<string, Tensor>, training: boolean, timings: Map<string, number>): void {
    this.start(inputs, training);
    this.steps.forEach((_, i) => this.forwardStep(i, timings));
  }

  /** Step i's forward, split over the pool or not as the tuner says, timed into `timings` and the tuner. */
  private forwardStep(i: number, timings: Map<string, number>): void {
    const { layer, forward } = this.steps[i];
    const arm = this.tuner.arm(i);
    const t0 = performance.now();
    if (arm === "single") withoutSplit(() => forward(this.dropoutOn));
    else forward(this.dropoutOn);
    const ms = performance.now() - t0;
    this.tuner.record(i, arm, ms);
    timings.set(layer.name, ms);
  }

  /**
   * run(), awaiting `pause()` before each layer (so a page's event loop runs between layers).
   * Throws NotReadyError if the plan is disposed or the runtime replaced meanwhile.
   */
  async runAsync(inputs: ReadonlyMap<string, Tensor>, training: boolean, timings: Map<string, number>, pause: () => Promise<void>): Promise<void> {
    this.start(inputs, training);
    // Other code runs between layers (and may reserve resident memory): not evicted meanwhile.
    this.rt.arena.evictable.pin(this, 1);
    try {
      for (let i = 0; i < this.steps.length; i++) {
        await pause();
        this.live("runAsync()");
        if (runtime() !== this.rt) throw new NotReadyError("Net.runAsync: ready() or dispose() was called while it ran; run the net again");
        this.forwardStep(i, timings);
      }
    } finally {
      this.rt.arena.evictable.pin(this, -1);
    }
  }

  private start(inputs: ReadonlyMap<string, Tensor>, training: boolean): void {
    this.live("run()");
    if (!this.paramsIn || this.source.paramsShared()) {
      for (const [name, block] of this.params) this.write(block, this.source.params.get(name) as Tensor);
      this.paramsIn = true;
      this.paramsVersion++;
    }
    for (const { name } of graphInputs(this.source.spec)) this.write(this.blobs.get(name) as Block, inputs.get(name) as Tensor);
    this.dropoutOn = training && this.training;
    this.ran = true;
  }

  /**
   * Back-propagates dL/doutput (by graph output name, of the outputs' shapes; an absent output's is
   * zero) through the last run (a training plan) and returns dL/dparameter for every trainable
   * parameter that a given output depends on.
   */
  backward(seeds: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
    this.live("backward()");
    this.written.clear();
    for (const [name, dOut] of seeds) {
      this.write(this.grads.get(name) as Block, dOut);
      this.written.add(name);
    }
    const out = new Map<string, Tensor>();
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const { layer, backward } = this.steps[i];
      if (!this.written.has(layer.name)) continue; // does not reach the output
      backward();
      for (const [name, g] of this.paramGrads) {
        if (name.startsWith(`${layer.name}.`) && !name.slice(layer.name.length + 1).includes(".")) out.set(name, this.read(g));
      }
    }
    return out;
  }

  /** The shape of a blob (undefined for no such blob). */
  blobShape(name: string): number[] | undefined {
    return this.blobs.get(name)?.shape.slice();
  }

  /** Whether blob(name) holds the last run's value (false: its block was reused by a later layer). */
  keeps(name: string): boolean {
    return this.blobs.has(name) && (this.kept === null || this.kept.has(name));
  }

  /** A copy of a blob of the last run (undefined for no such blob or one not kept), into `into` if given. */
  blob(name: string, into?: Float32Array, what = "Net.run(options.out)"): Tensor | undefined {
    this.live(`blob("${name}")`);
    const b = this.blobs.get(name);
    return b === undefined || !this.keeps(name) ? undefined : this.read(b, into, what);
  }

  /**
   * Called by the arena under memory pressure: keeps a copy of the last run's inputs (for its Net
   * to replay the run if it needs the blocks), then gives the memory back.
   */
  evict(): void {
    if (this.disposed) return;
    if (this.ran) {
      const inputs = new Map([...this.inputShapes.keys()].map((name) => [name, this.read(this.blobs.get(name) as Block)]));
      const params = floatsChecksum([...this.params.values()].map((b) => this.rt.arena.f32(b.ptr, b.size)));
      this.replay = { inputs, dropout: this.dropoutOn, params };
    }
    this.dispose();
    this.evicted = true;
  }

  /** Gives the resident memory back (idempotent). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rt.arena.evictable.remove(this);
    for (const ptr of this.owned) this.rt.arena.freeResident(ptr);
    this.owned.length = 0;
  }
}

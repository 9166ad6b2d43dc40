// An inference plan: a Net laid out in wasm memory for one input shape. Every parameter and every
// layer output gets a resident block, planned once per input shape; the layers then run on
// those blocks through the same kernels as the ops, with nothing copied in or out between
// layers. A run copies in the input and the parameters (one memcpy each: optimisers and users
// change parameters in place, so the plan never trusts a stale copy), and copies out only what
// is asked for: the output, or a blob by name.
// Scratch (im2col bands, GEMM packing, sub-pixel phases) still comes from the arena's stack
// above the resident zone; it reaches its high-water mark on the first run and is reused.
import { type Runtime, runtime } from "../runtime/runtime.js";
import { type Tensor, tensor } from "../tensor.js";
import { resolveConv, resolveConvTranspose, resolveMaxPool } from "../shape.js";
import { convForward } from "../ops/conv.js";
import { chooseAlgorithm, runTransposed } from "../ops/conv-transpose/algorithm.js";
import { resolveCrop } from "../ops/crop.js";
import { windowParams } from "../runtime/params.js";
import { product, withArena } from "../ops/run.js";
import { softmax } from "./loss.js";
import { type GraphSpec, type LayerSpec, splitParamAttrs } from "./graph.js";

interface Block {
  ptr: number;
  shape: number[];
  size: number;
}

/** What the plan needs from its Net: shapes, parameters and crop offsets. */
export interface PlanSource {
  spec: GraphSpec;
  shapes: Map<string, number[]>;
  params: Map<string, Tensor>;
  cropOffsets: Map<string, number[]>;
}

export class InferencePlan {
  readonly rt: Runtime;
  readonly inputShape: number[];
  /** Resident blocks of the parameters and of every blob (the graph input included). */
  private readonly params = new Map<string, Block>();
  private readonly blobs = new Map<string, Block>();
  /** One closure per layer, in graph order, running it on the resident blocks. */
  private readonly steps: { name: string; run: () => void }[] = [];
  /** Every block this plan owns (a Dropout's output aliases its input and owns nothing). */
  private readonly owned: number[] = [];
  /** Bytes of resident memory held. */
  readonly bytes: number;
  private disposed = false;

  constructor(private readonly source: PlanSource, inputShape: readonly number[]) {
    this.rt = runtime();
    this.inputShape = inputShape.slice();
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
      this.blobs.set(spec.input.name, reserve(this.inputShape, `Net plan: input ${spec.input.name}`));
      for (const layer of spec.layers) {
        const shape = shapes.get(layer.name) as number[];
        if (layer.op === "Dropout") this.blobs.set(layer.name, this.blobs.get(layer.inputs[0]) as Block); // identity at inference
        else this.blobs.set(layer.name, reserve(shape, `Net plan: output of layer "${layer.name}"`));
        this.steps.push({ name: layer.name, run: this.step(layer) });
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.bytes = bytes;
  }

  /** The closure that runs `layer` on resident blocks; geometry resolved here, once. */
  private step(layer: LayerSpec): () => void {
    const rt = this.rt;
    const x = this.blobs.get(layer.inputs[0]) as Block;
    const y = this.blobs.get(layer.name) as Block;
    const param = (kind: "weight" | "bias") => this.params.get(`${layer.name}.${kind}`) as Block;
    switch (layer.op) {
      case "Conv": {
        const { onnx, bias } = splitParamAttrs(layer.attrs);
        const w = param("weight"), b = bias ? param("bias") : null;
        const g = resolveConv(x.shape, w.shape, b?.shape ?? null, onnx);
        return () => withArena(() => convForward(rt, g, x.ptr, w.ptr, b?.ptr ?? 0, y.ptr));
      }
      case "ConvTranspose": {
        const { onnx, bias } = splitParamAttrs(layer.attrs);
        const w = param("weight"), b = bias ? param("bias") : null;
        const g = resolveConvTranspose(x.shape, w.shape, b?.shape ?? null, onnx);
        const algorithm = chooseAlgorithm(g);
        return () => withArena(() => runTransposed(rt, algorithm, { g, x: x.ptr, w: w.ptr, b: b?.ptr ?? 0, y: y.ptr }));
      }
      case "Relu":
        return () => rt.kernels.f32_relu__simd(x.ptr, y.ptr, x.size);
      case "MaxPool": {
        const { window } = resolveMaxPool(x.shape, layer.attrs);
        const planes = x.shape[0] * x.shape[1];
        return () => rt.kernels.f32_max_pool__fast(windowParams(rt.params, window, planes, x.ptr, y.ptr));
      }
      case "Crop": {
        const like = this.blobs.get(layer.inputs[1]) as Block;
        const c = resolveCrop(x.shape, { offsets: this.source.cropOffsets.get(layer.name) as number[], shape: like.shape.slice(2) }, "crop");
        return () => rt.kernels.f32_crop__simd(x.ptr, y.ptr, c.planes, c.H, c.W, c.top, c.left, c.OH, c.OW);
      }
      case "Add": {
        const other = this.blobs.get(layer.inputs[1]) as Block; // the graph checks equal shapes
        return () => rt.kernels.f32_add__simd(x.ptr, 1, other.ptr, 1, y.ptr, y.size);
      }
      case "Scale": {
        const scale = layer.attrs.scale;
        return () => {
          const xs = rt.arena.f32(x.ptr, x.size), ys = rt.arena.f32(y.ptr, y.size);
          for (let i = 0; i < ys.length; i++) ys[i] = xs[i] * scale;
        };
      }
      case "Softmax":
        return () => this.write(y, softmax(this.read(x)));
      case "Dropout":
        return () => {}; // the identity at inference: y aliases x
    }
  }

  private read(b: Block): Tensor {
    return tensor(this.rt.arena.take(b.ptr, b.size), b.shape.slice());
  }

  private write(b: Block, t: Tensor): void {
    this.rt.arena.commit();
    this.rt.arena.f32(b.ptr, b.size).set(t.data);
  }

  /** Runs the graph on `input`; `timings` receives each layer's milliseconds. */
  run(input: Tensor, timings: Map<string, number>): void {
    for (const [name, block] of this.params) this.write(block, this.source.params.get(name) as Tensor);
    this.write(this.blobs.get(this.source.spec.input.name) as Block, input);
    for (const { name, run } of this.steps) {
      const t0 = performance.now();
      run();
      timings.set(name, performance.now() - t0);
    }
  }

  /** A copy of a blob of the last run. */
  blob(name: string): Tensor | undefined {
    const b = this.blobs.get(name);
    return b === undefined ? undefined : this.read(b);
  }

  /** Gives the resident memory back (idempotent). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const ptr of this.owned) this.rt.arena.freeResident(ptr);
    this.owned.length = 0;
  }
}

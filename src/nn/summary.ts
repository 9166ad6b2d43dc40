// net.summary(): every layer with its output shape, parameter count and multiply-accumulates, and
// the bytes the resident plan lays out for the input shape (parameters, convolutions' and
// transposed convolutions' packed weights or Winograd's U, every layer's output, and, for a training plan, every gradient) — what a user
// checks before running a model.
import type { Tensor } from "../tensor.js";
import { type GraphSpec, type InputShapes, analyzeGraph, graphInputs, splitParamAttrs } from "./graph.js";
import { resolveConv, resolveConvTranspose } from "../shape.js";
import { chooseConvAlgorithm } from "../ops/conv-engine/forward.js";
import { convDerivedWeightBytes } from "../ops/conv-engine/packed-weights.js";
import { chooseAlgorithm, packedWeightBytes } from "../ops/conv-transpose/algorithm.js";
import { inferenceSlots } from "./liveness.js";
import { describeFusedActivation } from "../ops/fused-activation.js";

export interface LayerSummary {
  name: string;
  op: string;
  outShape: number[];
  /** Parameter elements of the layer (weights, biases, constants). */
  params: number;
  /** Multiply-accumulates of one run: the convolutions' and matrix products' (0 for the rest). */
  macs: number;
  /** A conv's fused activation (run in its output pass), e.g. "Relu", "x*Sigmoid(x)", "Clip(min=0, max=6)". */
  activation?: string;
}

export interface NetSummary {
  layers: LayerSummary[];
  /**
   * Resident bytes of the plan for this input shape: the plan's own count when it is laid out (a
   * training plan adds gradients, dropout masks and a scratch block), else the inference layout:
   * parameters, convolutions' and transposed convolutions' packed weights (plan.ts keeps them per parameter
   * version), the input and every layer's output, or with NetOptions.keep a list, the shared
   * activation blocks of the liveness plan.
   */
  plannedBytes: number;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export function summarize(spec: GraphSpec, params: ReadonlyMap<string, Tensor>, inputShape: InputShapes, keep: ReadonlySet<string> | "all" = "all"): NetSummary {
  const { shapes } = analyzeGraph(spec, inputShape);
  let planned = graphInputs(spec).reduce((n, v) => n + size(shapes.get(v.name)!), 0);
  /** Floats of the convolutions' and transposed convolutions' packed weights (in either layout; Winograd's U for a conv on that path). */
  let packed = 0;
  const layers = spec.layers.map((layer): LayerSummary => {
    const out = shapes.get(layer.name)!;
    let count = 0;
    for (const [name, t] of params) if (name.startsWith(`${layer.name}.`) && !name.slice(layer.name.length + 1).includes(".")) count += size(t.shape);
    let macs = 0;
    const x = shapes.get(layer.inputs[0]);
    if ((layer.op === "Conv" || layer.op === "ConvTranspose") && x !== undefined) {
      const w = params.get(`${layer.name}.weight`)!.shape;
      // conv: every output element sums (C/group)·∏k products; convTranspose: every input element
      // scatters (M/group)·∏k of them — w[1]·∏k in both layouts ([M, C/g, k…] and [C, M/g, k…])
      macs = layer.op === "Conv" ? size(out) * size(w.slice(1)) : size(x) * size(w.slice(1));
      if (layer.op === "ConvTranspose") {
        const g = resolveConvTranspose(x, w, null, splitParamAttrs(layer.attrs).onnx, "summary");
        packed += packedWeightBytes(g, chooseAlgorithm(g)) / 4;
      } else {
        const g = resolveConv(x, w, null, splitParamAttrs(layer.attrs).onnx, "summary");
        packed += convDerivedWeightBytes(g, chooseConvAlgorithm(g)) / 4;
      }
    } else if (layer.op === "Gemm" || layer.op === "MatMul") {
      // every output element sums K products; K is A's (the first input's) inner size in both
      // forms (a weight parameter, or a second input)
      const a = shapes.get(layer.inputs[0])!;
      const trans = (layer.attrs as { transA?: unknown } | undefined)?.transA;
      const k = layer.op === "Gemm" ? (trans ? a[0] : a[1]) : a[a.length - 1];
      macs = size(out) * k;
    }
    // the inference plan's blocks: the parameters and an output per layer (Dropout aliases its input)
    planned += (layer.op === "Dropout" ? 0 : size(out)) + count;
    const fused = (layer.op === "Conv" || layer.op === "ConvTranspose") ? layer.attrs.activation : undefined;
    return { name: layer.name, op: layer.op, outShape: out.slice(), params: count, macs, ...(fused ? { activation: describeFusedActivation(fused) } : {}) };
  });
  if (keep !== "all") {
    // parameters, then the liveness plan's blocks (plan.ts lays out the same)
    planned = 0;
    for (const t of params.values()) planned += size(t.shape);
    const inputs = new Map(graphInputs(spec).map((v) => [v.name, shapes.get(v.name)!]));
    for (const slot of inferenceSlots(spec, shapes, inputs, keep).slots) planned += slot;
  }
  return { layers, plannedBytes: 4 * (planned + packed) };
}

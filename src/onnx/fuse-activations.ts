// Load-time fusion of activations into the conv before them (after the BatchNormalization and
// bias folds): a Conv or ConvTranspose layer whose output only feeds
//   an activation f                        → the conv with activation { op: f }           (Relu, Clip, LeakyRelu, HardSigmoid, HardSwish…)
//   Mul(x, f(x))                           → { op: f, form: "x*f(x)" }                     (SiLU / Swish: f = Sigmoid)
//   Div(Mul(x, f(Add(x, 3))), 6)           → { op: f, form: "x*f(x+3)/6" }                 (hard-swish written out: f = Clip(0, 6))
// becomes one layer that applies the activation in the conv's output pass
// (ops/conv-engine/epilogue.ts), with the same bits as the separate layers. f must have a wasm
// kernel (Relu, or an activation of ops/activations.ts with `kernel`); others stay separate.
// The fused layer takes the name of the chain's last layer, so the blob users see after the
// activation keeps its ONNX name; the conv's own output (and the chain's inner tensors) are no
// blobs any more. A conv output, or an inner tensor, that is a graph output or a kept blob
// (OnnxOptions.keep) is not fused, nor is anything when keep is "all".
import type { Tensor } from "../tensor.js";
import { type GraphSpec, type LayerSpec, graphOutputs } from "../nn/graph.js";
import { epilogueFor } from "../ops/conv-engine/epilogue.js";
import type { EpilogueForm, FusedActivation } from "../ops/fused-activation.js";
import { ACTIVATION_OPS } from "../ops/activations.js";

/** The graph with its conv → activation chains fused (new spec and weights; the given ones are not changed). */
export function fuseActivations(graph: { spec: GraphSpec; weights: Map<string, Tensor> }, keep: "all" | readonly string[]): { spec: GraphSpec; weights: Map<string, Tensor> } {
  if (keep === "all") return graph;
  const { spec } = graph;
  const weights = new Map(graph.weights);
  const layers: LayerSpec[] = spec.layers.map((l) => ({ ...l, inputs: l.inputs.slice() }) as LayerSpec);
  const protectedNames = new Set([...graphOutputs(spec), ...keep]);
  // readers of each blob, one entry per input slot (a layer reading a blob twice is listed twice)
  const readers = new Map<string, LayerSpec[]>();
  for (const l of layers) for (const i of l.inputs) readers.set(i, [...(readers.get(i) ?? []), l]);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const only = (blob: string): LayerSpec | undefined => {
    const r = readers.get(blob) ?? [];
    return r.length === 1 && !protectedNames.has(blob) ? r[0] : undefined;
  };
  /** The value of a Constant layer holding one number (any shape of one element), else undefined. */
  const scalar = (blob: string): number | undefined => {
    const l = byName.get(blob);
    const t = l?.op === "Constant" ? weights.get(`${blob}.value`) : undefined;
    return t !== undefined && t.data.length === 1 ? t.data[0] : undefined;
  };
  /** f as a fused activation, when `l` is Relu or an activation with a wasm kernel reading only `from`. */
  const fusable = (l: LayerSpec | undefined, from: string, form: EpilogueForm): FusedActivation | undefined => {
    if (l === undefined || l.inputs.length !== 1 || l.inputs[0] !== from) return undefined;
    if (l.op !== "Relu" && !ACTIVATION_OPS.includes(l.op as never)) return undefined;
    const attrs = (l.attrs ?? {}) as Record<string, number>;
    const a: FusedActivation = { op: l.op as FusedActivation["op"], ...(Object.keys(attrs).length ? { attrs: { ...attrs } } : {}), ...(form === "f(x)" ? {} : { form }) };
    return epilogueFor(a, `layer "${l.name}"`) === undefined ? undefined : a;
  };
  /** The other input of a two-input layer besides `blob`. */
  const other = (l: LayerSpec, blob: string): string | undefined =>
    l.inputs.length === 2 && (l.inputs[0] === blob) !== (l.inputs[1] === blob) ? l.inputs[l.inputs[0] === blob ? 1 : 0] : undefined;
  const removed = new Set<LayerSpec>();

  for (const conv of layers) {
    if ((conv.op !== "Conv" && conv.op !== "ConvTranspose") || conv.attrs.activation !== undefined) continue;
    if (protectedNames.has(conv.name)) continue;
    const r = readers.get(conv.name) ?? [];
    let fused: { activation: FusedActivation; chain: LayerSpec[]; constants: string[] } | undefined;
    if (r.length === 1) {
      const a = fusable(r[0], conv.name, "f(x)");
      if (a !== undefined) fused = { activation: a, chain: [r[0]], constants: [] };
    } else if (r.length === 2) {
      const mul = r.find((l) => l.op === "Mul"), first = r.find((l) => l !== mul);
      if (mul !== undefined && first !== undefined) {
        // x·f(x): Mul(x, f(x)), f reading x
        const a = fusable(first, conv.name, "x*f(x)");
        if (a !== undefined && only(first.name) === mul && other(mul, conv.name) === first.name) fused = { activation: a, chain: [first, mul], constants: [] };
        // x·f(x + 3)/6: Add(x, 3) → f → Mul(x, ·) → Div(·, 6)
        const three = first.op === "BroadcastAdd" ? other(first, conv.name) : undefined;
        if (fused === undefined && three !== undefined && scalar(three) === 3) {
          const f = only(first.name);
          const a2 = fusable(f, first.name, "x*f(x+3)/6");
          const div = only(mul.name);
          const six = div?.op === "Div" && div.inputs[0] === mul.name ? div.inputs[1] : undefined;
          if (a2 !== undefined && only(f!.name) === mul && other(mul, conv.name) === f!.name && six !== undefined && scalar(six) === 6) {
            fused = { activation: a2, chain: [first, f!, mul, div!], constants: [three, six] };
          }
        }
      }
    }
    if (fused === undefined) continue;
    const last = fused.chain[fused.chain.length - 1];
    // the conv takes the chain's last name: its parameters move with it
    for (const kind of ["weight", "bias"]) {
      const t = weights.get(`${conv.name}.${kind}`);
      if (t === undefined) continue;
      weights.delete(`${conv.name}.${kind}`);
      weights.set(`${last.name}.${kind}`, t);
    }
    const at = layers.indexOf(conv);
    layers[at] = { ...conv, name: last.name, attrs: { ...conv.attrs, activation: fused.activation } } as LayerSpec;
    for (const l of fused.chain) removed.add(l);
    // a Constant layer (3, 6) no other layer reads goes too
    for (const c of fused.constants) {
      if ((readers.get(c) ?? []).every((l) => fused!.chain.includes(l)) && !protectedNames.has(c)) {
        removed.add(byName.get(c)!);
        weights.delete(`${c}.value`);
      }
    }
  }
  if (removed.size === 0) return graph;
  return { spec: { ...spec, layers: layers.filter((l) => !removed.has(l)) }, weights };
}

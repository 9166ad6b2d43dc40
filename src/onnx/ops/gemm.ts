// Gemm and MatMul ↔ Net's Gemm and MatMul layers.
// Gemm: A an activation, B and C constants (B → `<layer>.weight`, C → `<layer>.bias`); alpha, beta,
// transA, transB as in every opset; opset 6's `broadcast` flag is read and needs no handling (a
// valid model's C broadcasts either way); C is optional from opset 11, so a Gemm without bias is
// written at 11. With B an activation (PyTorch's `mm`/`addmm` of two inputs), the node becomes
// the layers that say the formula: Transpose of A or B where asked, the two-input MatMul, a Mul by
// alpha (when not 1) and a BroadcastAdd of beta·C (a constant; when given and beta is not 0).
// MatMul: a constant B becomes the one-input layer's `<layer>.weight`; two activations (or a
// constant A, made a Constant layer) the two-input, parameterless layer. MatMul-1 reads as later ones.
import type { LayerSpec } from "../../nn/graph.js";
import type { ImportContext } from "../op-mapping.js";
import { GemmLayer } from "../../nn/layers/gemm.js";
import { MatMulLayer } from "../../nn/layers/matmul.js";
import { tensor } from "../../tensor.js";
import type { OpMapping } from "../op-mapping.js";

export const GemmMapping: OpMapping = {
  onnx: ["Gemm"],
  read(ctx) {
    const { node, attrs } = ctx;
    const a = ctx.activation(0);
    if (a === undefined) return "its input A is a constant, not an activation";
    const b = ctx.constant(1);
    if (b === undefined) return gemmOfActivations(ctx, a);
    const c = ctx.has(2) ? ctx.constant(2) : undefined;
    if (ctx.has(2) && c === undefined) return "its input C is not a constant";
    const alpha = attrs.float("alpha", 1), beta = attrs.float("beta", 1);
    const transA = attrs.int("transA", 0) !== 0, transB = attrs.int("transB", 0) !== 0;
    attrs.int("broadcast", 0); // opset 6: read, so a mistyped one is reported
    if (attrs.problems.length) return attrs.problems.join(", ");
    const layerAttrs = {
      weightShape: b.dims.slice(), ...(c !== undefined ? { biasShape: c.dims.slice() } : {}),
      ...(alpha !== 1 ? { alpha } : {}), ...(beta !== 1 ? { beta } : {}), ...(transA ? { transA } : {}), ...(transB ? { transB } : {}),
    };
    GemmLayer.check!(layerAttrs);
    GemmLayer.shape([ctx.shapeOf(a)], layerAttrs); // shapes that do not fit: reported with the node
    const name = node.output[0];
    ctx.push({ name, op: "Gemm", inputs: [a], attrs: layerAttrs });
    ctx.weight(`${name}.weight`, tensor(b.floats(), b.dims.slice()));
    if (c !== undefined) ctx.weight(`${name}.bias`, tensor(c.floats(), c.dims.slice()));
    return undefined;
  },
  layers: ["Gemm"],
  minOpset: (layer) => ((layer.attrs as { biasShape?: number[] }).biasShape === undefined ? 11 : 7),
  write(layer, ctx) {
    const a = layer.attrs as { biasShape?: number[]; alpha?: number; beta?: number; transA?: boolean | number; transB?: boolean | number };
    const inputs = [ctx.tensorOf(layer.inputs[0])];
    for (const kind of a.biasShape === undefined ? ["weight"] : ["weight", "bias"]) {
      const t = ctx.param(`${layer.name}.${kind}`);
      inputs.push(ctx.initializer({ dims: t.shape.slice(), floats: t.data }, `${layer.name}.${kind}`));
    }
    ctx.node("Gemm", inputs, layer.name, {
      alpha: { float: a.alpha ?? 1 }, beta: { float: a.beta ?? 1 }, transA: a.transA ? 1 : 0, transB: a.transB ? 1 : 0,
    });
  },
};

/** Gemm with B an activation, as Transpose / MatMul / Mul / BroadcastAdd layers (see the header). */
function gemmOfActivations(ctx: ImportContext, a: string): string | undefined {
  const { node, attrs } = ctx;
  const b = ctx.activation(1);
  if (b === undefined) return "its input B is neither an activation nor a constant";
  const c = ctx.has(2) ? ctx.constant(2) : undefined, cBlob = ctx.has(2) ? ctx.activation(2) : undefined;
  if (ctx.has(2) && c === undefined && cBlob === undefined) return "its input C is neither an activation nor a constant";
  const alpha = attrs.float("alpha", 1), beta = attrs.float("beta", 1);
  const transA = attrs.int("transA", 0) !== 0, transB = attrs.int("transB", 0) !== 0;
  attrs.int("broadcast", 0); // opset 6: read, so a mistyped one is reported
  if (attrs.problems.length) return attrs.problems.join(", ");
  const out = node.output[0];
  const scale = alpha !== 1, bias = ctx.has(2) && beta !== 0;
  /** Pushes a layer writing `out` when it is the last one, else a fresh blob; returns its name. */
  const push = (layer: Omit<LayerSpec, "name">, tag: string, last: boolean): string => {
    const name = last ? out : ctx.fresh(`${out}_${tag}`);
    ctx.push({ name, ...layer } as LayerSpec, name === out ? undefined : name);
    return name;
  };
  const constant = (values: Float32Array, dims: number[], tag: string): string => {
    const name = push({ op: "Constant", inputs: [], attrs: { shape: dims } }, tag, false);
    ctx.weight(`${name}.value`, tensor(values, dims));
    return name;
  };
  for (const [blob, what] of [[a, "A"], [b, "B"]]) {
    if (ctx.shapeOf(blob).length !== 2) return `its input ${what} has shape [${ctx.shapeOf(blob).join(", ")}]; Gemm takes matrices`;
  }
  const left = transA ? push({ op: "Transpose", inputs: [a], attrs: { perm: [1, 0] } }, "At", false) : a;
  const right = transB ? push({ op: "Transpose", inputs: [b], attrs: { perm: [1, 0] } }, "Bt", false) : b;
  MatMulLayer.shape([ctx.shapeOf(left), ctx.shapeOf(right)], {}); // inner dims that differ: reported with the node
  let y = push({ op: "MatMul", inputs: [left, right] }, "AB", !scale && !bias);
  if (scale) y = push({ op: "Mul", inputs: [y, constant(Float32Array.of(alpha), [1], "alpha")] }, "alphaAB", !bias);
  if (bias) {
    // beta·C (a constant: rounded to float32 once; an activation: a Mul layer unless beta is 1),
    // then added: C broadcasts to [M, N] as BroadcastAdd's numpy rule says
    const betaC = c !== undefined
      ? constant(Float32Array.from(c.floats(), (v) => beta * v), c.dims.slice(), "betaC")
      : beta === 1 ? cBlob! : push({ op: "Mul", inputs: [cBlob!, constant(Float32Array.of(beta), [1], "beta")] }, "betaC", false);
    push({ op: "BroadcastAdd", inputs: [y, betaC] }, "", true);
  }
  return undefined;
}

export const MatMulMapping: OpMapping = {
  onnx: ["MatMul"],
  read(ctx) {
    const { node } = ctx;
    const a = ctx.activation(0), b = ctx.activation(1);
    if (a === undefined && b === undefined) return "both inputs are constants (constant folding of MatMul is not supported yet)";
    const name = node.output[0];
    let layer: LayerSpec;
    if (a !== undefined && b === undefined) {
      const w = ctx.constant(1);
      if (w === undefined) return "its input B is neither an activation nor a constant";
      layer = { name, op: "MatMul", inputs: [a], attrs: { weightShape: w.dims.slice() } };
      MatMulLayer.shape([ctx.shapeOf(a)], layer.attrs!);
      ctx.push(layer);
      ctx.weight(`${name}.weight`, tensor(w.floats(), w.dims.slice()));
      return undefined;
    }
    const left = ctx.operand(0)!, right = ctx.operand(1)!; // a constant A becomes a Constant layer
    MatMulLayer.shape([ctx.shapeOf(left), ctx.shapeOf(right)], {});
    ctx.push({ name, op: "MatMul", inputs: [left, right] });
    return undefined;
  },
  layers: ["MatMul"],
  minOpset: () => 7,
  write(layer, ctx) {
    const inputs = layer.inputs.map((blob) => ctx.tensorOf(blob));
    if (inputs.length === 1) {
      const t = ctx.param(`${layer.name}.weight`);
      inputs.push(ctx.initializer({ dims: t.shape.slice(), floats: t.data }, `${layer.name}.weight`));
    }
    ctx.node("MatMul", inputs, layer.name);
  },
};

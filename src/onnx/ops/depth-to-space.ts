// DepthToSpace and SpaceToDepth ↔ Net's layers of the same names. DepthToSpace's `mode` arrives in
// opset 11 (default DCR); before it the op is DCR only, so a CRD layer needs opset 11 to be written
// and a `mode` attribute in an older model is reported.
import type { OpMapping } from "../op-mapping.js";
import { dataInputProblem, extraAttributes } from "./inputs.js";

export const DepthToSpaceMapping: OpMapping = {
  onnx: ["DepthToSpace", "SpaceToDepth"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const problem = dataInputProblem(ctx);
    if (problem !== undefined) return problem;
    const x = ctx.activation(0)!;
    if (!attrs.has("blocksize")) return "attribute blocksize is required";
    const blocksize = attrs.int("blocksize", 0);
    const layerAttrs: Record<string, unknown> = { blocksize };
    if (node.opType === "DepthToSpace" && attrs.has("mode")) {
      if (opset < 11) return `attribute mode arrives in opset 11 (the model's is ${opset}: DepthToSpace is DCR only there)`;
      const mode = attrs.string("mode");
      if (mode !== undefined && mode !== "DCR" && mode !== "CRD") return `attribute mode: expected "DCR" or "CRD", got "${mode}"`;
      if (mode !== undefined) layerAttrs.mode = mode;
    }
    const extra = extraAttributes(ctx, node.opType === "DepthToSpace" ? ["blocksize", "mode"] : ["blocksize"]);
    if (extra !== undefined) return extra;
    if (attrs.problems.length) return attrs.problems.join(", ");
    ctx.push({ name: node.output[0], op: node.opType as "DepthToSpace", inputs: [x], attrs: layerAttrs });
    return undefined;
  },
  layers: ["DepthToSpace", "SpaceToDepth"],
  minOpset: (layer) => ((layer.attrs as { mode?: string } | undefined)?.mode === "CRD" ? 11 : 7),
  write(layer, ctx) {
    const a = (layer.attrs ?? {}) as { blocksize: number; mode?: string };
    const attrs: Record<string, number | { string: string }> = { blocksize: a.blocksize };
    if (layer.op === "DepthToSpace" && ctx.opset >= 11) attrs.mode = { string: a.mode ?? "DCR" };
    ctx.node(layer.op, [ctx.tensorOf(layer.inputs[0])], layer.name, attrs);
  },
};

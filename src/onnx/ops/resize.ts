// Resize (opsets 10–19) and Upsample (7, 9) ↔ Net's Resize layer (src/ops/resize.ts), whose
// scales or sizes cover the spatial axes only and must be constants at import.
//   Upsample-7: scales attribute; Upsample-9 and Resize-10: [X, scales] — asymmetric coordinates,
//     no nearest_mode (see simpleNearest); Resize-11/12: [X, roi, scales, sizes?] with scales an
//     empty tensor when sizes are given; 13: roi and scales optional (""); 18: axes,
//     keep_aspect_ratio_policy, antialias; 19: half_pixel_symmetric.
// Export writes the lowest opset that says the same thing: 10 for asymmetric with scales (linear,
// or nearest in the rounding Resize-10 had), 19 for half_pixel_symmetric, else 11.
import type { LayerSpec } from "../../nn/graph.js";
import { type ResizeAttrs, resizePlan } from "../../ops/resize.js";
import type { ImportContext, OpMapping, OnnxAttrs } from "../op-mapping.js";

const COORDINATE_MODES = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"];

/**
 * The nearest rounding of Resize-10 and Upsample, whose text says none: onnxruntime (the one
 * definition there is; ONNX's old resize_downsample_nearest data agrees) truncates x_original on
 * an axis that scales up and takes its ceiling on one that scales down. On an axis of scale 1
 * x_original is an integer, where both agree. One rounding for the layer, so mixed directions are
 * not supported.
 */
function simpleNearest(spatial: readonly number[]): "floor" | "ceil" | undefined {
  if (spatial.every((s) => s >= 1)) return "floor";
  if (spatial.every((s) => s <= 1)) return "ceil";
  return undefined;
}

/** Scales or sizes for every axis → the layer's spatial ones; N and C must stay as they are. */
function spatialOnly(values: number[], shape: readonly number[], kind: "scales" | "sizes"): number[] | string {
  if (values.length !== shape.length) return `${kind} has ${values.length} values for an input of rank ${shape.length}`;
  const keep = kind === "scales" ? [1, 1] : shape.slice(0, 2);
  for (const axis of [0, 1]) {
    if (values[axis] !== keep[axis]) {
      return `${kind} [${values.join(", ")}] resizes the ${axis === 0 ? "batch (N)" : "channel (C)"} axis (${kind}[${axis}] = ${values[axis]}); only the spatial axes can be resized`;
    }
  }
  return values.slice(2);
}

function readUpsample(ctx: ImportContext): string | undefined {
  const { node, attrs, opset } = ctx;
  if (opset < 7) return "Upsample before opset 7 (height_scale/width_scale attributes) is not supported";
  if (opset >= 10) return `Upsample is deprecated from opset 10 (the model's opset is ${opset}); use Resize`;
  const mode = attrs.string("mode") ?? "nearest";
  let scales: number[];
  if (opset < 9) {
    const a = attrs.get("scales");
    if (a === undefined) return "attribute scales is required";
    scales = a.floats.slice();
  } else {
    const c = ctx.constant(1);
    if (c === undefined) return "input scales must be a constant";
    scales = Array.from(c.floats());
  }
  const x = ctx.activation(0);
  if (x === undefined) return "input X must be an activation (a constant input is not supported)";
  if (mode !== "nearest" && mode !== "linear") return `mode "${mode}" is not supported (Upsample has nearest and linear)`;
  const spatial = spatialOnly(scales, ctx.shapeOf(x), "scales");
  if (typeof spatial === "string") return spatial;
  const below = spatial.find((s) => !(s >= 1));
  if (below !== undefined) return `scale ${below} is below 1 (Upsample's scales must be ≥ 1)`;
  const attrsOut: ResizeAttrs = { mode, coordinateTransformationMode: "asymmetric", scales: spatial };
  if (mode === "nearest") attrsOut.nearestMode = "floor";
  resizePlan(ctx.shapeOf(x), attrsOut, "Resize"); // throws what does not fit (reported with the node)
  ctx.push({ name: node.output[0], op: "Resize", inputs: [x], attrs: attrsOut as Record<string, unknown> });
  return undefined;
}

function readResize(ctx: ImportContext): string | undefined {
  const { node, attrs, opset } = ctx;
  const x = ctx.activation(0);
  if (x === undefined) return "input X must be an activation (a constant input is not supported)";
  const shape = ctx.shapeOf(x), rank = shape.length;
  if (rank < 3) return `input of rank ${rank}: only [N, C, spatial…] inputs are supported`;
  const mode = attrs.string("mode") ?? "nearest";
  if (mode === "cubic") return "mode \"cubic\" is not supported yet (nearest and linear are)";
  if (mode !== "nearest" && mode !== "linear") return `mode "${mode}" is not an ONNX Resize mode`;
  const coord = opset >= 11 ? attrs.string("coordinate_transformation_mode") ?? "half_pixel" : "asymmetric";
  if (coord === "tf_crop_and_resize" || coord === "tf_half_pixel_for_nn") return `coordinate_transformation_mode "${coord}" is not supported yet`;
  if (!COORDINATE_MODES.includes(coord) || (coord === "half_pixel_symmetric" && opset < 19)) {
    return `coordinate_transformation_mode "${coord}" is not an ONNX Resize-${opset} mode`;
  }
  if (attrs.int("antialias", 0) !== 0) return `antialias = ${attrs.int("antialias", 0)} is not supported yet`;
  if (attrs.int("exclude_outside", 0) !== 0) return `exclude_outside = ${attrs.int("exclude_outside", 0)} applies to cubic only, which is not supported`;
  const nearestAttr = attrs.string("nearest_mode") ?? "round_prefer_floor";
  if (!["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"].includes(nearestAttr)) return `nearest_mode "${nearestAttr}" is not an ONNX mode`;
  const policy = attrs.string("keep_aspect_ratio_policy") ?? "stretch";
  if (!["stretch", "not_larger", "not_smaller"].includes(policy)) return `keep_aspect_ratio_policy "${policy}" is not an ONNX policy`;
  if (attrs.problems.length) return attrs.problems.join(", ");

  // axes (18+): which axes scales/sizes name; the others keep their size
  const axesAttr = opset >= 18 ? attrs.ints("axes") : undefined;
  const axes = axesAttr?.map((a) => (a < 0 ? a + rank : a)) ?? Array.from({ length: rank }, (_, i) => i);
  if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) return `axes [${axesAttr!.join(", ")}] are not distinct axes of a rank-${rank} input`;
  const expand = (values: number[], fill: (axis: number) => number, kind: string): number[] | string => {
    if (values.length !== axes.length) return `${kind} has ${values.length} values for ${axes.length} axes`;
    const all = Array.from({ length: rank }, (_, i) => fill(i));
    axes.forEach((a, i) => { all[a] = values[i]; });
    return all;
  };

  const scalesIndex = opset >= 11 ? 2 : 1;
  const scalesC = ctx.has(scalesIndex) ? ctx.constant(scalesIndex) : undefined;
  if (ctx.has(scalesIndex) && scalesC === undefined) return "input scales must be a constant";
  const sizesC = opset >= 11 && ctx.has(3) ? ctx.constant(3) : undefined;
  if (opset >= 11 && ctx.has(3) && sizesC === undefined) return "input sizes must be a constant (a Shape→…→Concat chain must fold to one)";
  const scalesGiven = scalesC !== undefined && scalesC.dims.reduce((p, d) => p * d, 1) > 0;
  const sizesGiven = sizesC !== undefined && sizesC.dims.reduce((p, d) => p * d, 1) > 0;
  if (scalesGiven === sizesGiven) return scalesGiven ? "both scales and sizes are given" : "neither scales nor sizes is given";

  const out: ResizeAttrs = { mode, coordinateTransformationMode: coord as ResizeAttrs["coordinateTransformationMode"] };
  let spatialScales: number[] | undefined;
  if (scalesGiven) {
    const all = expand(Array.from(scalesC!.floats()), () => 1, "scales");
    if (typeof all === "string") return all;
    const spatial = spatialOnly(all, shape, "scales");
    if (typeof spatial === "string") return spatial;
    out.scales = spatialScales = spatial;
  } else {
    const all = expand(sizesC!.ints(), (i) => shape[i], "sizes");
    if (typeof all === "string") return all;
    if (policy === "stretch") {
      const spatial = spatialOnly(all, shape, "sizes");
      if (typeof spatial === "string") return spatial;
      out.sizes = spatial;
    } else {
      // not_larger / not_smaller: one scale s = min / max over `axes` of sizes / in, and
      // out = round_half_up(s · in) on those axes; the layer says floor(s · in), so it must agree
      const ratios = axes.map((a) => all[a] / shape[a]);
      const s = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
      const scales = shape.map((_, i) => (axes.includes(i) ? s : 1));
      const spatial = spatialOnly(scales, shape, "scales");
      if (typeof spatial === "string") return `keep_aspect_ratio_policy "${policy}": ${spatial}`;
      const bad = axes.find((a) => Math.floor(s * shape[a]) !== Math.floor(s * shape[a] + 0.5));
      if (bad !== undefined) return `keep_aspect_ratio_policy "${policy}" rounds axis ${bad} up (${s} · ${shape[bad]}), which the Resize layer cannot express`;
      out.scales = spatialScales = spatial;
    }
  }
  if (mode === "nearest") {
    if (opset >= 11) out.nearestMode = nearestAttr as ResizeAttrs["nearestMode"];
    else {
      const rounding = simpleNearest(spatialScales!);
      if (rounding === undefined) return `nearest with scales [${spatialScales!.join(", ")}] going up on some axes and down on others (Resize-10's rounding differs per axis)`;
      out.nearestMode = rounding;
    }
  }
  resizePlan(shape, out, "Resize"); // e.g. a size of 0, a scale that empties an axis: reported with the node
  ctx.push({ name: node.output[0], op: "Resize", inputs: [x], attrs: out as Record<string, unknown> });
  return undefined;
}

/** The lowest opset that expresses the layer exactly. */
function resizeMinOpset(layer: LayerSpec): number {
  const a = layer.attrs as ResizeAttrs;
  const coord = a.coordinateTransformationMode ?? "half_pixel";
  if (coord === "half_pixel_symmetric") return 19;
  if (coord !== "asymmetric" || a.scales === undefined) return 11;
  if ((a.mode ?? "nearest") === "linear") return 10;
  const scales = typeof a.scales === "number" ? [a.scales] : a.scales;
  return simpleNearest(scales) === (a.nearestMode ?? "round_prefer_floor") ? 10 : 11;
}

export const ResizeMapping: OpMapping = {
  onnx: ["Resize", "Upsample"],
  read: (ctx) => (ctx.node.opType === "Upsample" ? readUpsample(ctx) : readResize(ctx)),
  layers: ["Resize"],
  minOpset: resizeMinOpset,
  write(layer, ctx) {
    const a = layer.attrs as ResizeAttrs;
    const x = layer.inputs[0], r = ctx.shapeOf(x).length - 2;
    const mode = a.mode ?? "nearest";
    const perAxis = (v: number | readonly number[]): number[] => (typeof v === "number" ? new Array<number>(r).fill(v) : v.slice());
    // scales are float32 in ONNX: a scale that is no float32 value is written rounded to one
    const scales = a.scales === undefined ? undefined
      : ctx.initializer({ dims: [r + 2], floats: Float32Array.from([1, 1, ...perAxis(a.scales)]) }, `${layer.name}.scales`);
    const attrs: OnnxAttrs = { mode: { string: mode } };
    if (ctx.opset < 11) {
      ctx.node("Resize", [ctx.tensorOf(x), scales!], layer.name, attrs);
      return;
    }
    attrs.coordinate_transformation_mode = { string: a.coordinateTransformationMode ?? "half_pixel" };
    if (mode === "nearest") attrs.nearest_mode = { string: a.nearestMode ?? "round_prefer_floor" };
    const sizes = a.sizes === undefined ? undefined
      : ctx.initializer({ dims: [r + 2], ints: [...ctx.shapeOf(x).slice(0, 2), ...perAxis(a.sizes)] }, `${layer.name}.sizes`);
    // 11–12: roi and scales are required inputs (empty tensors when unused); 13+: "" leaves them out
    const empty = (name: string) => (ctx.opset >= 13 ? "" : ctx.initializer({ dims: [0], floats: new Float32Array(0) }, `${layer.name}.${name}`));
    const inputs = [ctx.tensorOf(x), empty("roi"), scales ?? empty("scales")];
    if (sizes !== undefined) inputs.push(sizes);
    ctx.node("Resize", inputs, layer.name, attrs);
  },
};

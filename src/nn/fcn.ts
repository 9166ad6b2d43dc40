// FCN-32s / 16s / 8s (Long, Shelhamer & Darrell) as GraphSpecs, in the layout and with the layer
// names of the reference Caffe nets (fcn.berkeleyvision.org: voc-fcn32s, voc-fcn16s,
// voc-fcn8s-atonce), so VGG16 and FCN weights converted to `<layer>.weight` / `<layer>.bias` load
// by name. The Crop offsets are not typed in: they come from the coordinate maps (graph.ts), as
// Caffe's net specification computes them, and are therefore right for any widths.
import { AttributeError } from "../errors.js";
import type { ConvTransposeLayer, GraphSpec, LayerSpec } from "./graph.js";
import { withCropOffsets } from "./graph.js";

export type FcnVariant = "32s" | "16s" | "8s";

export interface FcnOptions {
  /** '32s': one ×32 upsampling; '16s': fuses pool4; '8s': fuses pool4 and pool3. */
  variant: FcnVariant;
  /** Number of classes (21 for PASCAL VOC). */
  classes: number;
  /** Output channels of the five VGG16 blocks. Default [64, 128, 256, 512, 512]. */
  widths?: number[];
  /** Channels of fc6 and fc7 (7×7 and 1×1 convolutions). Default 4096. */
  fc?: number;
  /**
   * false (default): upsampling layers are fixed bilinear depthwise transposed convolutions
   * (group = classes, weight [classes, 1, k, k], trainable: false, as the reference nets' lr_mult 0).
   * true: dense [classes, classes, k, k] transposed convolutions initialised bilinear (on the
   * channel diagonal) and learned.
   */
  learnUpsampling?: boolean;
  /**
   * Scale the pool4 and pool3 skips by 0.01 and 0.0001 before scoring them (Scale layers
   * scale_pool4, scale_pool3), as voc-fcn8s-atonce does so that all streams train at once.
   * Default: true for '8s', false for '16s' (voc-fcn16s has none); no effect on '32s'.
   */
  scaleSkips?: boolean;
  /** The graph input's shape (any size works at run time). Default [1, 3, 224, 224]. */
  inputShape?: number[];
}

const VGG_BLOCKS = [2, 2, 3, 3, 3];
const DEFAULT_WIDTHS = [64, 128, 256, 512, 512];

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new AttributeError(`${name}: expected a positive integer, got ${Array.isArray(v) ? "an array" : String(v)}`);
  return v;
}

/**
 * Builds FCN-32s, FCN-16s or FCN-8s as a GraphSpec (input "data", output "score"):
 *
 * - VGG16: conv1_1 … conv5_3 (3×3, pads 1; conv1_1 pads 100 so that any input size survives the
 *   7×7 fc6), each followed by relu<b>_<i>; pool1 … pool5 2×2 stride-2 max pools with ceilMode
 *   (Caffe's rounding); fc6 (7×7, pads 0) relu6 drop6 (Dropout 0.5), fc7 (1×1) relu7 drop7.
 * - score_fr: 1×1 → classes.
 * - 32s: upscore (k64 s32) → score (Crop to the input).
 * - 16s: upscore2 (k4 s2); score_pool4 (1×1 on pool4), score_pool4c (Crop to upscore2),
 *   fuse_pool4 (Add); upscore16 (k32 s16) → score.
 * - 8s: as 16s to fuse_pool4, then upscore_pool4 (k4 s2); score_pool3, score_pool3c, fuse_pool3;
 *   upscore8 (k16 s8) → score. With scaleSkips, scale_pool4 (×0.01) and scale_pool3 (×0.0001)
 *   feed score_pool4 and score_pool3.
 *
 * Score layers have `init: 'zeros'` (FCN zero-initialises them), VGG layers `init: 'he'`,
 * upsampling layers `init: 'bilinear'` and no bias. Crop offsets are computed from the coordinate
 * maps: with VGG16 geometry 5 (score_pool4c), 9 (score_pool3c), 31 (score, 8s); 5, 27 (16s); 19 (32s).
 */
export function fcn(options: FcnOptions): GraphSpec {
  if (options === null || typeof options !== "object") throw new AttributeError(`fcn(options): expected { variant, classes, … }, got ${options === null ? "null" : typeof options}`);
  const allowed = ["variant", "classes", "widths", "fc", "learnUpsampling", "scaleSkips", "inputShape"];
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new AttributeError(`fcn(options.${key}): unknown option; expected one of ${allowed.join(", ")}`);
  }
  const { variant } = options;
  if (variant !== "32s" && variant !== "16s" && variant !== "8s") {
    throw new AttributeError(`fcn(options.variant): expected '32s', '16s' or '8s', got ${JSON.stringify(variant)}`);
  }
  const classes = positiveInt(options.classes, "fcn(options.classes)");
  const widths = options.widths ?? DEFAULT_WIDTHS;
  if (!Array.isArray(widths) || widths.length !== 5) {
    throw new AttributeError(`fcn(options.widths): expected 5 block widths (VGG16 has 5 blocks), got ${Array.isArray(widths) ? widths.length : typeof widths}`);
  }
  widths.forEach((w, i) => positiveInt(w, `fcn(options.widths[${i}])`));
  const fc = positiveInt(options.fc ?? 4096, "fcn(options.fc)");
  const learn = options.learnUpsampling ?? false;
  const scaleSkips = options.scaleSkips ?? variant === "8s";
  for (const flag of ["learnUpsampling", "scaleSkips"] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== "boolean") throw new AttributeError(`fcn(options.${flag}): expected true or false, got ${String(options[flag])}`);
  }

  const layers: LayerSpec[] = [];
  let top = "data";
  const conv = (name: string, input: string, outChannels: number, k: number, pad: number, init: "he" | "zeros"): string => {
    layers.push({ name, op: "Conv", inputs: [input], attrs: { outChannels, kernelShape: [k, k], pads: [pad, pad, pad, pad], init } });
    return name;
  };
  const relu = (name: string, input: string): string => {
    layers.push({ name, op: "Relu", inputs: [input] });
    return name;
  };
  const upsample = (name: string, input: string, factor: number): string => {
    const layer: ConvTransposeLayer = {
      name, op: "ConvTranspose", inputs: [input],
      attrs: {
        outChannels: classes, kernelShape: [2 * factor, 2 * factor], strides: [factor, factor],
        ...(learn ? {} : { group: classes }), bias: false, init: "bilinear", trainable: learn,
      },
    };
    layers.push(layer);
    return name;
  };
  const crop = (name: string, x: string, like: string): string => {
    layers.push({ name, op: "Crop", inputs: [x, like] }); // offsets filled in by withCropOffsets
    return name;
  };
  /** score_pool<b>: optionally scaled, scored, cropped to `like` and added to it. */
  const fuse = (block: number, like: string, scale: number): string => {
    let skip = `pool${block}`;
    if (scaleSkips) {
      layers.push({ name: `scale_pool${block}`, op: "Scale", inputs: [skip], attrs: { scale } });
      skip = `scale_pool${block}`;
    }
    const scored = conv(`score_pool${block}`, skip, classes, 1, 0, "zeros");
    const cropped = crop(`score_pool${block}c`, scored, like);
    layers.push({ name: `fuse_pool${block}`, op: "Add", inputs: [like, cropped] });
    return `fuse_pool${block}`;
  };

  VGG_BLOCKS.forEach((count, b) => {
    for (let i = 1; i <= count; i++) {
      const name = `${b + 1}_${i}`;
      top = relu(`relu${name}`, conv(`conv${name}`, top, widths[b], 3, b === 0 && i === 1 ? 100 : 1, "he"));
    }
    layers.push({ name: `pool${b + 1}`, op: "MaxPool", inputs: [top], attrs: { kernelShape: [2, 2], strides: [2, 2], ceilMode: true } });
    top = `pool${b + 1}`;
  });
  top = relu("relu6", conv("fc6", top, fc, 7, 0, "he"));
  layers.push({ name: "drop6", op: "Dropout", inputs: [top], attrs: { ratio: 0.5 } });
  top = relu("relu7", conv("fc7", "drop6", fc, 1, 0, "he"));
  layers.push({ name: "drop7", op: "Dropout", inputs: [top], attrs: { ratio: 0.5 } });
  top = conv("score_fr", "drop7", classes, 1, 0, "zeros");

  if (variant === "32s") {
    top = upsample("upscore", top, 32);
  } else {
    top = fuse(4, upsample("upscore2", top, 2), 0.01);
    if (variant === "16s") {
      top = upsample("upscore16", top, 16);
    } else {
      top = fuse(3, upsample("upscore_pool4", top, 2), 0.0001);
      top = upsample("upscore8", top, 8);
    }
  }
  crop("score", top, "data");
  const spec: GraphSpec = { input: { name: "data", shape: options.inputShape?.slice() ?? [1, 3, 224, 224] }, output: "score", layers };
  return withCropOffsets(spec);
}

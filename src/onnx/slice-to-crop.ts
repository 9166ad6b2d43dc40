// An ONNX Slice of an activation over its spatial axes, with constant starts/ends (attributes
// before opset 10, inputs from 10) and steps 1, as Net's Crop layer: offsets = the starts, and as
// Crop's `like` input any earlier blob of the sliced spatial size (Crop reads only like's size).
// This is how net.toOnnx() writes a Crop, so exported FCNs load back.
import { FcnWasmError } from "../errors.js";
import { inferShapes, type GraphSpec, type LayerSpec } from "../nn/graph.js";
import type { NodeAttributes } from "./attributes.js";
import type { Constant } from "./constants.js";
import type { NodeProto } from "./proto.js";

/**
 * The Crop layer for Slice `node` whose data input is blob `x`, or why it cannot be one (a string
 * for the importer's report). `spec` is the graph mapped so far (for the blob shapes).
 */
export function sliceAsCrop(node: NodeProto, attrs: NodeAttributes, opset: number, x: string, spec: GraphSpec,
  constant: (i: number) => Constant | undefined): LayerSpec | string {
  let starts: number[] | undefined, ends: number[] | undefined, axes: number[] | undefined, steps: number[] | undefined;
  if (opset < 10) {
    [starts, ends, axes] = [attrs.ints("starts"), attrs.ints("ends"), attrs.ints("axes")];
  } else {
    const read = (i: number): number[] | undefined | null => (node.input[i] ? constant(i)?.ints() ?? null : undefined);
    const given = [1, 2, 3, 4].map(read);
    if (given.some((v) => v === null)) return "its starts, ends, axes and steps must be constants";
    [starts, ends, axes, steps] = given as (number[] | undefined)[];
  }
  if (starts === undefined || ends === undefined || starts.length !== ends.length) return "it needs starts and ends of one length";
  let shapes: Map<string, number[]>;
  try {
    shapes = inferShapes(spec);
  } catch (e) {
    // the graph so far has no shapes (a graph input Net cannot run, reported on its own)
    if (e instanceof FcnWasmError) return `the shapes before it are unknown (${e.message})`;
    throw e;
  }
  const shape = shapes.get(x)!, rank = shape.length;
  axes ??= starts.map((_, i) => i);
  if (steps?.some((s) => s !== 1)) return `steps [${steps.join(", ")}]: only step 1 is a crop`;
  const begin = shape.map(() => 0), size = shape.slice();
  for (const [i, a] of axes.entries()) {
    const axis = a < 0 ? a + rank : a, n = shape[axis];
    // ONNX: negative indices count from the end; both clamp to [0, n]
    const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
    begin[axis] = clamp(starts[i]);
    size[axis] = clamp(ends[i]) - begin[axis];
  }
  if (size[0] !== shape[0] || size[1] !== shape[1]) return "it slices the batch or channel axis; Crop crops spatial axes only";
  if (size.some((s) => s < 1)) return `it leaves an empty tensor [${size.join(", ")}]`;
  const same = (s: number[]): boolean => s.length === rank && s.slice(2).every((d, i) => d === size[i + 2]);
  const like = [...shapes].find(([, s]) => same(s))?.[0];
  if (like === undefined) return `no tensor of the sliced spatial size [${size.slice(2).join(", ")}] precedes it (Net's Crop takes its size from such a tensor)`;
  return { name: node.output[0], op: "Crop", inputs: [x, like], attrs: { offsets: begin.slice(2) } };
}

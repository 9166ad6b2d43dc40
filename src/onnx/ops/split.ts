// Split → one Net Slice layer per output (Net's layers have one output each), named after that
// output. The sizes: the `split` attribute before opset 13, the `split` input (a constant) from
// 13; without them, equal pieces, one per output (before opset 18 they must divide the axis), or
// from 18 the `num_outputs` attribute, pieces of ⌈n / k⌉ with the last one smaller. An empty
// piece gets no layer. Export writes the Slice layers back as Slice nodes.
import { resolveSplit } from "../../ops/split.js";
import type { OpMapping } from "../op-mapping.js";

export const SplitMapping: OpMapping = {
  onnx: ["Split"],
  read(ctx) {
    const { node, attrs, opset } = ctx;
    const x = ctx.activation(0);
    if (x === undefined) return "its input is a constant (constant folding of Split is not supported yet)";
    const shape = ctx.shapeOf(x);
    const axis = attrs.int("axis", 0), k = node.output.length;
    let given: number[] | undefined;
    if (opset < 13) given = attrs.ints("split");
    else if (ctx.has(1)) {
      const c = ctx.constant(1);
      if (c === undefined) return "its split input must be a constant (it is computed from activation values, not from shapes, so it is not known at load)";
      given = c.ints();
    }
    const numOutputs = opset >= 18 && attrs.has("num_outputs") ? attrs.int("num_outputs", 0) : undefined;
    if (attrs.problems.length) return attrs.problems.join(", ");
    if (given !== undefined && numOutputs !== undefined) return "it gives both split and num_outputs (ONNX allows one)";
    if (numOutputs !== undefined && numOutputs !== k) return `num_outputs is ${numOutputs} but the node has ${k} outputs`;
    if (given !== undefined && given.length !== k) return `split has ${given.length} sizes for ${k} outputs`;
    if (given === undefined && numOutputs === undefined && opset >= 18) return "opset 18+ needs a split input or the num_outputs attribute";
    if (given === undefined && numOutputs === undefined) {
      const r = shape.length, a = axis < 0 ? axis + r : axis;
      if (shape[a] % k !== 0) return `axis ${axis} of size ${shape[a]} does not split into ${k} equal pieces (uneven pieces need num_outputs, opset 18)`;
    }
    const { axis: at, sizes } = resolveSplit(shape, { axis, split: given ?? k }, "Split");
    let offset = 0;
    sizes.forEach((size, i) => {
      const output = node.output[i];
      // y_i = x[…, offset : offset + size, …] on the split axis
      if (output && size > 0) ctx.push({ name: output, op: "Slice", inputs: [x], attrs: { starts: [offset], ends: [offset + size], axes: [at] } }, output);
      offset += size;
    });
    return undefined;
  },
};

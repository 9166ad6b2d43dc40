// Cast to FLOAT is the identity in Net, whose tensors are all float32: the output is an alias of
// the input (this is how the exporter writes ArgMax's int64 indices back to float, so Net reads its
// own ArgMax exports). A Cast to any other type changes values or type Net cannot hold: refused.
import type { OpMapping } from "../op-mapping.js";

/** TensorProto.DataType FLOAT. */
const FLOAT = 1;

export const CastMapping: OpMapping = {
  onnx: ["Cast"],
  read(ctx) {
    const x = ctx.activation(0);
    if (x === undefined) return "its input is a constant (its fold at load failed)";
    const to = ctx.attrs.int("to", 0);
    if (ctx.attrs.problems.length) return ctx.attrs.problems.join(", ");
    if (to !== FLOAT) return `Cast to data type ${to}: Net's tensors are float32 (only a Cast to FLOAT, 1, is supported)`;
    ctx.alias(ctx.node.output[0], x);
    return undefined;
  },
};

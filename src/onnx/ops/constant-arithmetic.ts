// Elementwise ops whose inputs are all constants, evaluated at load (Sqrt(var + eps) of a spelled-out
// normalisation, Mul of shape values): the node's output becomes a constant, computed when a
// consumer reads it. floats() uses the float definitions (numpy broadcasting, float64 rounded to
// float32); ints() the integer ones ONNX gives int64 tensors (Div truncates toward zero), read from
// the inputs' ints(), so a shape computation stays exact past 2²⁴. Sqrt and Exp take floats only.
import { broadcastStrides } from "../../broadcast.js";
import { UnsupportedError } from "../../errors.js";
import { type BinaryRun, RUNS, broadcastAll, broadcastVariadic, forEachBroadcast } from "../../ops/broadcast-binary.js";
import { UNARY_MATH, type UnaryMathOp } from "../../ops/unary-math.js";
import { tensor } from "../../tensor.js";
import type { Constant } from "../constants.js";

const FLOAT_RUNS: Record<string, BinaryRun> = { Add: RUNS.add, Sub: RUNS.sub, Mul: RUNS.mul, Div: RUNS.div, Pow: RUNS.pow, Sum: RUNS.add, Max: RUNS.max, Min: RUNS.min };
const INT_FORMULAS: Record<string, (v: readonly number[]) => number> = {
  Add: ([a, b]) => a + b, Sub: ([a, b]) => a - b, Mul: ([a, b]) => a * b, Div: ([a, b]) => Math.trunc(a / b), Pow: ([a, b]) => Math.pow(a, b),
  Sum: (v) => v.reduce((s, x) => s + x, 0), Max: (v) => Math.max(...v), Min: (v) => Math.min(...v),
  Neg: ([a]) => -a, Abs: ([a]) => Math.abs(a),
};

/** `op` (an ONNX elementwise op type) of constant inputs, as a constant computed on first read. */
export function foldConstants(op: string, inputs: Constant[]): Constant {
  const out = broadcastAll(inputs.map((c) => c.dims), op);
  let floats: Float32Array | null = null, ints: number[] | null = null;
  return {
    dims: out,
    floats() {
      if (floats === null) {
        const ts = inputs.map((c) => tensor(c.floats(), c.dims.slice()));
        if (op in UNARY_MATH) {
          const { f } = UNARY_MATH[op as UnaryMathOp];
          floats = Float32Array.from(ts[0].data, (x) => f(x));
        } else floats = broadcastVariadic(ts, op, FLOAT_RUNS[op]).data;
      }
      return floats;
    },
    ints() {
      if (ints === null) {
        const formula = INT_FORMULAS[op];
        if (formula === undefined) throw new UnsupportedError(`${op} of integer constants (ONNX defines it for floats only)`);
        const values = inputs.map((c) => c.ints());
        const strides = inputs.map((c) => broadcastStrides(c.dims, out));
        const result: number[] = [];
        forEachBroadcast(out, strides, (n, offsets) => { result[n] = formula(values.map((v, k) => v[offsets[k]])); });
        ints = result;
      }
      return ints.slice();
    },
  };
}

// Plain-TS references for the broadcasting elementwise ops (ONNX Sub, Mul, Div, Pow, Sum, Max,
// Min) and the unary math ops, written as the definition: for every multi-index ι of the
// broadcast shape, y[ι] = f(x₀[ι₀], x₁[ι₁], …) with ι_k = ι's last rank_k entries, 0 on x_k's
// size-1 axes. Independent of src/: never import the package. `round` false keeps float64 (for
// finite differences of the exact formula).
import { broadcastShape } from "./eltwise.js";
import type { Arr } from "./window-ops.js";

export interface RefOut { data: Float64Array | Float32Array; shape: number[] }

/** The element of x that output multi-index `idx` (of rank `rank`) reads. */
function at(x: Arr, idx: number[], rank: number): number {
  const s = x.shape;
  let f = 0;
  for (let t = 0; t < s.length; t++) f = f * s[t] + (s[t] === 1 ? 0 : idx[rank - s.length + t]);
  return x.data[f];
}

/** y = f(xs…) over the broadcast shape of every input, rounded to float32 unless `round` is false. */
export function broadcastRef(xs: Arr[], f: (...v: number[]) => number, round = true): RefOut {
  const out = xs.map((x) => x.shape.slice()).reduce((a, b) => broadcastShape(a, b));
  const rank = out.length, size = out.reduce((p, v) => p * v, 1);
  const y = round ? new Float32Array(size) : new Float64Array(size);
  const idx = new Array<number>(rank).fill(0);
  for (let e = 0; e < size; e++) {
    let rest = e; // idx = the multi-index of output element e, row-major
    for (let t = rank - 1; t >= 0; t--) {
      idx[t] = rest % out[t];
      rest = Math.floor(rest / out[t]);
    }
    y[e] = f(...xs.map((x) => at(x, idx, rank)));
  }
  return { data: y, shape: out };
}

/** The definitions, by ONNX name: binary/variadic on numbers (NaN propagates through Max/Min). */
export const DEFINITIONS: Record<string, (...v: number[]) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => a ** b,
  Sum: (...v) => v.reduce((s, x) => s + x, 0),
  Max: (...v) => (v.some(Number.isNaN) ? NaN : Math.max(...v)),
  Min: (...v) => (v.some(Number.isNaN) ? NaN : Math.min(...v)),
  Sqrt: (x) => Math.sqrt(x),
  Exp: (x) => Math.exp(x),
  Neg: (x) => -x,
  Abs: (x) => Math.abs(x),
};

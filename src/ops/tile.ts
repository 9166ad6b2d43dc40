// tile: ONNX Tile — x repeated `repeats[a]` times along each axis a: y has dims d_a·r_a and
// y[i_0, …] = x[i_0 mod d_0, …]. Its gradient sums dy over the copies: dx[j] = Σ dy[i] over every
// i with i_a mod d_a = j_a. Both walk y's index with an odometer that keeps x's offset.
import { checkAttrNames } from "../attrs.js";
import { AttributeError } from "../errors.js";
import { type Tensor, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { checkSameShape } from "./run.js";

/** Tile's attribute: one repeat count (≥ 0) per axis of x. */
export interface TileAttrs { repeats: readonly number[] }

/** The output shape of tiling x of `shape`; errors name `op`. */
export function tileShape(shape: readonly number[], attrs: unknown, op: string): number[] {
  const a = checkAttrNames(attrs, ["repeats"], op);
  const r = a.repeats;
  if (!Array.isArray(r) || r.length !== shape.length || !r.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new AttributeError(`${op}(attrs.repeats): expected ${shape.length} integers ≥ 0 (one per axis of ${describeShape(shape)}), got ${JSON.stringify(r)}`);
  }
  return shape.map((d, i) => d * (r[i] as number));
}

/** For each element of y (row-major), the offset of the x element it copies. */
function sources(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = shape.length, n = outShape.reduce((p, d) => p * d, 1);
  const stride = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) { stride[a] = s; s *= shape[a]; }
  const index = new Array<number>(rank).fill(0), within = new Array<number>(rank).fill(0);
  const from = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    from[i] = j;
    for (let a = rank - 1; a >= 0; a--) {
      index[a]++;
      // x's index along a is index mod d: it wraps to 0 at every copy's end
      if (++within[a] === shape[a]) { j -= (shape[a] - 1) * stride[a]; within[a] = 0; } else j += stride[a];
      if (index[a] < outShape[a]) break;
      index[a] = 0; // d_a·r_a steps: `within` has just wrapped to 0 too
    }
  }
  return from;
}

/**
 * ONNX Tile (opsets 6–13; `repeats`, an int64 input there, is an attribute here).
 * @returns y with dims d_a·repeats[a]
 */
export function tile(x: Tensor, attrs: TileAttrs): Tensor {
  const shape = checkTensor(x, "tile(x)");
  const outShape = tileShape(shape, attrs, "tile");
  const xs = plain(x).data, from = sources(shape, outShape);
  const y = new Float32Array(from.length);
  for (let i = 0; i < y.length; i++) y[i] = xs[from[i]];
  return tensor(y, outShape);
}

/** Gradient of tile: dx[j] = Σ dy[i] over the copies of x[j] (float64 sums rounded once). @param dy tile's output shape */
export function tileBackward(dy: Tensor, xShape: readonly number[], attrs: TileAttrs): Tensor {
  const outShape = tileShape(xShape, attrs, "tileBackward");
  checkSameShape(checkTensor(dy, "tileBackward(dy)"), outShape, "tileBackward(dy)", "tile's output");
  const g = plain(dy).data, from = sources(xShape, outShape);
  const acc = new Float64Array(xShape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < from.length; i++) acc[from[i]] += g[i];
  return tensor(Float32Array.from(acc), xShape.slice());
}

// The backward of Pad and Slice: their forward is an output whose every axis reads the input
// through its own index table, y[o₀, …, o_{r−1}] = x[src₀[o₀], …, src_{r−1}[o_{r−1}]], or a fill
// where any srcₐ[oₐ] is −1 (constant padding), and runs as strided copies (strided-copy.ts). Its
// adjoint scatters dy back through the same tables and adds: a pixel that several outputs copy
// (edge, reflect) gets the sum. A plain TS loop.
import { product } from "./run.js";
import { rowStrides } from "./strided-copy.js";

/** Per axis of the output, the input index each output index reads (−1: none, the fill value). */
export type AxisTables = readonly Int32Array[];

/**
 * Visits every output row (all axes but the last) with the input offset of its first r−1 indices
 * (−1 when one of them reads the fill value) and the row's output offset.
 */
function forEachRow(outShape: readonly number[], tables: AxisTables, inShape: readonly number[],
  visit: (inBase: number, outBase: number) => void): void {
  const r = outShape.length, lead = r - 1, inStrides = rowStrides(inShape);
  const rows = product(outShape.slice(0, lead)), width = outShape[lead];
  if (rows === 0 || width === 0) return;
  const index = new Array<number>(lead).fill(0);
  for (let row = 0; row < rows; row++) {
    // inBase = Σ_{a<r−1} srcₐ[oₐ]·strideₐ, or −1 when some srcₐ[oₐ] = −1
    let inBase = 0;
    for (let a = 0; a < lead; a++) {
      const s = tables[a][index[a]];
      if (s < 0) { inBase = -1; break; }
      inBase += s * inStrides[a];
    }
    visit(inBase, row * width);
    for (let a = lead - 1; a >= 0; a--) { // odometer over the leading axes
      if (++index[a] < outShape[a]) break;
      index[a] = 0;
    }
  }
}

/**
 * The last axis's table cut into runs: a run of −1s (fill) or of consecutive input indices
 * (copied as one block); anything else (reflect, steps ≠ 1) as runs of one. Rows then move whole
 * blocks instead of looking every element up.
 */
function runs(table: Int32Array): { at: number; length: number; src: number }[] {
  const out: { at: number; length: number; src: number }[] = [];
  for (let j = 0; j < table.length;) {
    const src = table[j];
    let k = j + 1;
    while (k < table.length && (src < 0 ? table[k] < 0 : table[k] === src + (k - j))) k++;
    out.push({ at: j, length: k - j, src });
    j = k;
  }
  return out;
}

/** The adjoint of the gather through `tables`: dx of `inShape`, dx[src(o)] += dy[o] for every o that reads x. */
export function scatterAddAxes(dy: Float32Array, inShape: readonly number[], outShape: readonly number[], tables: AxisTables): Float32Array {
  const dx = new Float32Array(product(inShape));
  if (outShape.length === 0) { dx[0] = dy[0]; return dx; }
  const row = runs(tables[outShape.length - 1]);
  forEachRow(outShape, tables, inShape, (inBase, outBase) => {
    if (inBase < 0) return; // fill values carry no gradient to x
    for (const { at, length, src } of row) {
      if (src < 0) continue;
      const from = outBase + at, to = inBase + src;
      for (let j = 0; j < length; j++) dx[to + j] += dy[from + j];
    }
  });
  return dx;
}

// Column buffers in bands: im2col of a whole image can be tens of MB (K = C·∏k rows of every
// output position), far out of cache between im2col writing it and the GEMM packing it. Conv and
// the weight gradient therefore build it one band of output rows at a time. A "row" is a step of
// the outermost grid axis: an output row in 2-D, an output depth slice (OH·OW positions) in 3-D;
// 1-D has one row.
import type { Window } from "../../shape.js";

/** Target size of one band of the im2col buffer: about an L2 cache's worth (Zen 3: 512 KB). */
const BAND_BYTES = 1 << 19;
/** Fewest output positions per band, so that per-band GEMM overheads (packing the other operand) stay small. */
const MIN_BAND_COLUMNS = 256;

/** The window's grid as rows × columns: 2-D [OH, OW], 3-D [OD, OH·OW] (depth slices), 1-D [1, OW]. */
export function gridRowsCols(w: Window): [number, number] {
  if (w.rank === 1) return [1, w.grid[0]];
  return [w.grid[0], w.grid.slice(1).reduce((p, n) => p * n, 1)];
}

/** Output rows per band of an im2col buffer with K rows: about BAND_BYTES, at least MIN_BAND_COLUMNS columns. */
export function bandRows(w: Window, K: number): number {
  const [outH, outW] = gridRowsCols(w);
  const cacheRows = Math.floor(BAND_BYTES / (K * outW * 4));
  return Math.max(1, Math.min(outH, Math.max(cacheRows, Math.ceil(MIN_BAND_COLUMNS / outW))));
}

/**
 * The window restricted to rows [oh0, oh0 + rows) of its outermost grid axis (2-D: output rows,
 * 3-D: depth slices): the same taps, shifted back by oh0·s on that axis.
 */
export function band(w: Window, oh0: number, rows: number): Window {
  if (w.rank === 1) return w;
  return {
    ...w,
    padsBegin: [w.padsBegin[0] - oh0 * w.strides[0], ...w.padsBegin.slice(1)],
    grid: [rows, ...w.grid.slice(1)],
  };
}

// Column buffers in bands: im2col of a whole image can be tens of MB (K = C·∏k rows of every
// output position), far out of cache between im2col writing it and the GEMM packing it. Conv, the
// weight gradient and 3-D GEMM + col2im therefore build it one band of grid rows at a time. A row
// is OW positions: 2-D has OH rows, 3-D OD·OH rows (row od·OH + oh), 1-D one. A 3-D band is whole
// depth slices when a slice fits the budget, else rows of a single slice (a band never straddles
// two slices partly: it must be one window, and its columns one contiguous run of y).
import type { Window } from "../../shape.js";

/** Target size of one band of the im2col buffer: about an L2 cache's worth (Zen 3: 512 KB). */
const BAND_BYTES = 1 << 19;
/** Fewest output positions per band, so that per-band GEMM overheads (packing the other operand) stay small. */
const MIN_BAND_COLUMNS = 256;

/** The window's grid as rows × columns: 2-D [OH, OW], 3-D [OD·OH, OW], 1-D [1, OW]. */
export function gridRowsCols(w: Window): [number, number] {
  if (w.rank === 1) return [1, w.grid[0]];
  if (w.rank === 3) return [w.grid[0] * w.grid[1], w.grid[2]];
  return [w.grid[0], w.grid[1]];
}

/** Grid rows per band of an im2col buffer with K rows: about BAND_BYTES, at least MIN_BAND_COLUMNS columns. */
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

/** One band: its window (the grid cut to the band), its first grid position and its count of positions. */
export interface Band { window: Window; first: number; positions: number }

/** A grid cut into bands of at most `width` positions each. */
export interface Bands { count: number; width: number; at(b: number): Band }

/**
 * The grid cut into bands of about `rows` grid rows (gridRowsCols): 1-D and 2-D, ⌈rows / r⌉ bands
 * of r rows (the last fewer). 3-D with r ≥ OH: ⌊r / OH⌋ whole depth slices a band; with r < OH:
 * each slice in ⌈OH / r⌉ bands of r rows (its last fewer), window od's slice of rows
 * [oh0, oh0 + n): pads shifted back by od·sD and oh0·sH.
 */
export function gridBands(w: Window, rows: number): Bands {
  const [outH, outW] = gridRowsCols(w);
  const r = Math.max(1, Math.min(rows, outH));
  if (w.rank !== 3) {
    return {
      count: Math.ceil(outH / r), width: r * outW,
      at: (b) => {
        const oh0 = b * r, n = Math.min(r, outH - oh0);
        return { window: band(w, oh0, n), first: oh0 * outW, positions: n * outW };
      },
    };
  }
  const [OD, OH, OW] = w.grid;
  if (r >= OH) {
    const slices = Math.floor(r / OH);
    return {
      count: Math.ceil(OD / slices), width: slices * OH * OW,
      at: (b) => {
        const od0 = b * slices, n = Math.min(slices, OD - od0);
        return { window: band(w, od0, n), first: od0 * OH * OW, positions: n * OH * OW };
      },
    };
  }
  const perSlice = Math.ceil(OH / r);
  return {
    count: OD * perSlice, width: r * OW,
    at: (b) => {
      const od = Math.floor(b / perSlice), oh0 = (b % perSlice) * r, n = Math.min(r, OH - oh0);
      const [PF, PT, PL] = w.padsBegin;
      const window: Window = { ...w, padsBegin: [PF - od * w.strides[0], PT - oh0 * w.strides[1], PL], grid: [1, n, OW] };
      return { window, first: (od * OH + oh0) * OW, positions: n * OW };
    },
  };
}

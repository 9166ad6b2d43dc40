// Matrix view: a convolution is a matrix, and the transposed convolution is multiplication by its
// transpose. The conv with the same window maps z [M, out…] to [C, in…] as conv(z) = C·vec(z), and
//   vec(y_n) = Cᵀ·vec(x_n) + b,   C[(c, i), (g·M/g + m, i·s − padBegin + k·d)] = w[c, m, k]   (c in group g)
// Each row of C is one input pixel's stamp (the scatter view); each column one output pixel's taps.
// C is built dense, so its size is capped at MATRIX_MAX_ENTRIES.
import type { ConvTransposeAttrs } from "../attrs.js";
import { UnsupportedError } from "../errors.js";
import { type Tensor, tensor, plain } from "../tensor.js";
import { type ExplainGeometry, addBias, planar, resolveView, toFloat32 } from "./geometry.js";

/** Most entries explain.matrix builds: 4M floats (16 MB) for the dense C. */
export const MATRIX_MAX_ENTRIES = 4 * 1024 * 1024;

/** Result of explain.matrix. */
export interface MatrixView {
  /** y [N, M, outH, outW] = Cᵀ·x per image (+ b): equal to convTranspose(x, w, b, attrs). */
  output: Tensor;
  geometry: ExplainGeometry;
  /**
   * C [C·H·W, M·outH·outW], dense: conv(z) = C·vec(z) for the convolution of geometry.conv.
   * Row index (c·H + ih)·W + iw, column index (m·outH + oh)·outW + ow.
   */
  matrix: Tensor;
  /** What a row index enumerates: [C, H, W]. */
  rowShape: number[];
  /** What a column index enumerates: [M, outH, outW]. */
  columnShape: number[];
  /** Non-zero structure: entries set by some kernel tap (C·∏in·(M/group)·taps inside the output). */
  nonzeros: number;
}

/**
 * The transposed convolution as the transpose of the convolution matrix.
 * Throws UnsupportedError when C would have more than MATRIX_MAX_ENTRIES entries.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [C, M/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs convTranspose's attributes
 */
export function matrix(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs): MatrixView {
  x = plain(x); w = plain(w); b = plain(b); // read element by element below
  const g = resolveView("explain.matrix", x, w, b, attrs);
  const { N, C, M, group } = g;
  const { H, W, OH, OW, KH, KW, sH, sW, dH, dW, pT, pL } = planar(g);
  const Cg = C / group, Mg = M / group;
  const rows = C * H * W, cols = M * OH * OW;
  if (rows * cols > MATRIX_MAX_ENTRIES) {
    throw new UnsupportedError(
      `explain.matrix: the dense matrix C would be ${rows}×${cols} = ${rows * cols} entries, more than the limit MATRIX_MAX_ENTRIES = ${MATRIX_MAX_ENTRIES}; use fewer channels or smaller sizes`);
  }

  // Build C: row (c, ih, iw), column (g·M/g + m, oh, ow) with oh = ih·s − padBegin + kh·d.
  const Cmat = new Float32Array(rows * cols);
  let nonzeros = 0;
  for (let c = 0; c < C; c++) {
    const gi = Math.floor(c / Cg);
    for (let ih = 0; ih < H; ih++) {
      for (let iw = 0; iw < W; iw++) {
        const row = (c * H + ih) * W + iw;
        for (let m = 0; m < Mg; m++) {
          for (let kh = 0; kh < KH; kh++) {
            const oh = ih * sH - pT + kh * dH;
            if (oh < 0 || oh >= OH) continue;
            for (let kw = 0; kw < KW; kw++) {
              const ow = iw * sW - pL + kw * dW;
              if (ow < 0 || ow >= OW) continue;
              const col = ((gi * Mg + m) * OH + oh) * OW + ow;
              Cmat[row * cols + col] = w.data[((c * Mg + m) * KH + kh) * KW + kw];
              nonzeros++;
            }
          }
        }
      }
    }
  }

  // y_n = Cᵀ·x_n: y[col] = Σ_row C[row, col]·x[row].
  const y = new Float64Array(N * cols);
  for (let n = 0; n < N; n++) {
    for (let row = 0; row < rows; row++) {
      const xv = x.data[n * rows + row];
      for (let col = 0; col < cols; col++) y[n * cols + col] += Cmat[row * cols + col] * xv;
    }
  }
  addBias(y, b, N, M, OH * OW);
  return {
    output: tensor(toFloat32(y), [N, M, ...g.output]),
    geometry: g,
    matrix: tensor(Cmat, [rows, cols]),
    rowShape: [C, ...g.input],
    columnShape: [M, ...g.output],
    nonzeros,
  };
}


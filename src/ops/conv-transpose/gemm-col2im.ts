// The general transposed-convolution path, straight from the adjoint view: per image and group,
// cols = w_gᵀ [M/g·∏k, C/g] · x_g [C/g, ∏in] (one GEMM), then col2im overlap-adds every input
// pixel's column (its kernel-weighted stamp) into the output at stride s. Any dilation, k < s,
// negative derived pads, spatial rank 1 to 3. Extra workspace: the column buffer, M/g·∏k·∏in
// floats (3-D: one band of input rows at a time, inputBands).
// The GEMM's A is w_gᵀ, read in place (transA, lda = M/g·∏k) and packed per call; a caller that
// keeps w (a resident tensor, a Net plan) passes it packed once (packGemmWeights), and the GEMM
// then packs only x. That matters when ∏in is small (DCGAN's 1×1 and 4×4 inputs): there packing
// the M/g·∏k × C/g weights is most of the work, and with a power-of-two lda the transposed reads
// conflict in cache.
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { gemmParams } from "../params.js";
import { col2imKernel } from "../column-kernels.js";
import { type Bands, bandRows, gridBands, gridRowsCols } from "../conv-engine/bands.js";
import { type Task, gemmWorkspace, pieces, product, ranges, runTasks, threadsFor } from "../run.js";
import type { TransposedBuffers } from "./buffers.js";
import { epiloguePass } from "../conv-engine/epilogue.js";

/**
 * The input in bands of columns: 3-D builds the columns of a band of input rows at a time (whole
 * depth slices, or rows of one slice: bands.ts gridBands; about its cache budget, where the whole
 * M/g·∏k·∏in buffer of a 3-D U-Net decoder layer would be 100+ MB) and scatters each into y, adding
 * to what the earlier bands wrote. Fixed by the layer, not by the thread split, so every thread
 * count sums in the same order. 1-D and 2-D: one band, the whole input.
 */
function inputBands(g: ConvGeometry): Bands {
  const [rows] = gridRowsCols(g.window);
  return gridBands(g.window, g.window.rank === 3 ? bandRows(g.window, (g.M / g.group) * product(g.window.kernel)) : rows);
}

/** Extra bytes this path borrows beyond x, w, b and y: the column buffer of one band (GEMM packing aside). */
export function gemmCol2imWorkspaceBytes(g: ConvGeometry): number {
  return (g.M / g.group) * product(g.window.kernel) * inputBands(g).width * 4;
}

/** Rows of one group's packed weights: M/g·∏k rounded up to the GEMM's 4-row panels. */
function packedRows(g: ConvGeometry): number {
  return Math.ceil(((g.M / g.group) * product(g.window.kernel)) / 4) * 4;
}

/** Bytes of the packed GEMM weights: per group, packedRows × C/g floats. */
export function gemmWeightBytes(g: ConvGeometry): number {
  return g.group * packedRows(g) * (g.C / g.group) * 4;
}

/** The key of packed GEMM weights kept beside a resident w (w's shape is fixed; they depend on the group too). */
export function gemmWeightKey(g: ConvGeometry): string {
  return `GEMM + col2im packed weights: group ${g.group}`;
}

/**
 * Packs each group's w_gᵀ [M/g·∏k, C/g] (w [C, M/g, k…] read transposed) for f32_gemm_prepacked__simd,
 * group after group, gemmWeightBytes(g) in all (byte offsets).
 */
export function packGemmWeights(rt: Runtime, g: ConvGeometry, w: number, out: number): void {
  const Cg = g.C / g.group, rows = (g.M / g.group) * product(g.window.kernel);
  for (let gi = 0; gi < g.group; gi++) {
    rt.kernels.f32_gemm_pack_a__simd(w + gi * Cg * rows * 4, rows, 1, rows, Cg, out + gi * packedRows(g) * Cg * 4);
  }
}

export function convTransposeGemmCol2im(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const Cg = C / group, Mg = M / group;
  const inPlane = product(window.grid), outPlane = product(window.image);
  const taps = product(window.kernel), rows = Mg * taps;
  const packed = t.gemmWeights ?? 0, groupPacked = packedRows(t.g) * Cg * 4;
  const plan = inputBands(t.g);
  // Output channels [m0, m1) of units [u0, u1) (unit = image·group + group index): the GEMM's rows
  // of those channels (m·∏k…) and col2im of their planes; each lane has its own column buffer.
  const lane = (u0: number, u1: number, m0: number, m1: number): Task => (r) => {
    const lrows = (m1 - m0) * taps;
    const cols = r.arena.alloc(lrows * plan.width * 4, "convTranspose column buffer");
    const work = gemmWorkspace(r, lrows, plan.width, Cg, "convTranspose");
    for (let u = u0; u < u1; u++) {
      const n = Math.floor(u / group), gi = u % group;
      // input positions [first, first + width) of band b: cols = w_gᵀ · x_g[:, band], then their scatter into y
      for (let b = 0; b < plan.count; b++) {
        const { window: bandWindow, first, positions: width } = plan.at(b);
        const params = gemmParams(r.params, {
          M: lrows, N: width, K: Cg,
          a: t.w + (gi * Cg * rows + m0 * taps) * 4, lda: rows, transA: true,
          b: t.x + ((n * C + gi * Cg) * inPlane + first) * 4, ldb: inPlane, transB: false,
          c: cols, ldc: width, alpha: 1, beta: 0, work,
        });
        // rows m0·∏k… of the packed weights start m0·∏k·C/g floats in (m0·∏k a multiple of 4: `align`)
        if (packed !== 0) r.kernels.f32_gemm_prepacked__simd(params, packed + gi * groupPacked + m0 * taps * Cg * 4);
        else r.kernels.f32_gemm__simd(params);
        const y = t.y + (n * M + gi * Mg + m0) * outPlane * 4;
        if (plan.count === 1) col2imKernel(r, window, m1 - m0, cols, y);
        else col2imKernel(r, bandWindow, m1 - m0, cols, y, b > 0);
      }
    }
  };
  const units = N * group;
  const T = threadsFor(rt, { macs: units * rows * inPlane * Cg });
  // with packed weights, channel ranges start where their 4-row panels do: m0·∏k ≡ 0 (mod 4)
  const align = packed !== 0 ? 4 / gcd(taps, 4) : 1;
  let tasks: Task[];
  if (T === 1) tasks = [lane(0, units, 0, Mg)];
  else if (Mg >= T * align) tasks = ranges(Mg, pieces(T), align).map(([m0, m1]) => lane(0, units, m0, m1));
  else tasks = ranges(units, pieces(T)).map(([u0, u1]) => lane(u0, u1, 0, Mg));
  runTasks(rt, tasks);
  // the bias and a fused activation in one pass (col2im scatters: no band is final before the end)
  epiloguePass(rt, t.epilogue ?? null, t.y, t.b, N, M, outPlane);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// The conv engine's forward: y = conv(x, w) + b on operands already in wasm memory (byte offsets),
// for a resolved geometry. Per image and group: cols = im2col(x_g) [C/g·∏k, ∏out], then
// y_g = w_g [M/g, C/g·∏k] · cols, one band of output rows at a time so the column buffer stays in
// cache (bands.ts); a 1×1, stride-1, unpadded conv skips im2col (y_g = w_g · x_g). One input channel
// per group (depthwise) with a small multiplier runs on the direct kernel instead (depthwise.ts):
// there each GEMM would have a row or a few. The bias, and an activation fused into the conv
// (epilogue.ts), are applied to each unit's band right after its GEMM, while it is in cache. Below both conv ops: conv runs on it, convTranspose's stride-1 sub-pixel path and
// the gradient of convTranspose too.
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { gemmParams } from "../params.js";
import { im2colKernel } from "../column-kernels.js";
import { bandRows, gridBands, gridRowsCols } from "./bands.js";
import { convDepthwise, depthwiseApplies, depthwiseWorkspaceBytes } from "./depthwise.js";
import { type Epilogue, epilogueWorkBytes, runEpilogue } from "./epilogue.js";
import { convGroupPackedFloats, convWeightBytes, packConvWeights } from "./packed-weights.js";
import { convWinograd, winogradApplies, winogradF4Pays, winogradPays, winogradTile, winogradWorkspaceBytes } from "./winograd.js";
import { type Task, gemmWorkspace, pieces, product, ranges, runTasks, skinnyApplies, skinnyWorkspace, threadsFor } from "../run.js";

/**
 * The ways convForward computes a convolution ('winograd': F(2×2,3×3), 'winograd-f4': F(4×4,3×3);
 * winograd.ts; 'im2col-skinny': im2col + the skinny GEMM over w as it is, for narrow output maps,
 * e.g. fc6 on 7×7 or 9×9: assembly/gemm/skinny.ts).
 */
export type ConvAlgorithm = "depthwise" | "im2col-gemm" | "im2col-skinny" | "winograd" | "winograd-f4";

/**
 * Largest channel multiplier (M/group) the direct depthwise kernel is chosen for. Past it the GEMM
 * has enough rows to win: measured (one thread, relaxed build) 1→64 channels 3×3 on 112² and
 * 1→32 5×5 s2 on 64², GEMM 1.2–1.6× faster; 16→64 on 56² a tie; 8→64 and below, direct 1.05–1.4×
 * faster, and 2× at multiplier 2.
 */
export const DEPTHWISE_MAX_MULTIPLIER = 8;

/**
 * Largest packed weights (bytes) convForward packs once per call, on the arena's stack, when the
 * caller did not pass them packed; an object so that tests can set it to 0 (every GEMM packs its
 * own rows of w, as before weights were packed once) and compare the bits.
 */
export const convPacking = { perCallMaxBytes: 1 << 24 };

/**
 * The direct kernel where it applies (one input channel per group) up to DEPTHWISE_MAX_MULTIPLIER;
 * Winograd for 3×3 stride-1 convs wide and large enough to gain (winograd.ts, WINOGRAD_AUTO):
 * F(4×4,3×3) where it measured faster than F(2×2,3×3) (WINOGRAD_F4_AUTO), else F(2×2,3×3); else
 * im2col + GEMM, on the skinny GEMM when the output map is narrow enough for it (skinnyGemm in
 * run.ts: ≤ 4 positions, or ≤ 16 with ≥ 32 MB of weights per group: fc6 on 7×7 or 9×9): each
 * weight is read once, and no packed copy of w is kept.
 */
export function chooseConvAlgorithm(g: ConvGeometry): ConvAlgorithm {
  // (3-D depthwise takes its direct kernel on the 2-D rule, not measured on volumes: the GEMM
  // would have M/g ≤ 8 rows and a column buffer ∏k times the input)
  if (depthwiseApplies(g) && g.M / g.group <= DEPTHWISE_MAX_MULTIPLIER) return "depthwise";
  if (winogradPays(g)) return winogradF4Pays(g) ? "winograd-f4" : "winograd";
  return skinnyConvApplies(g) ? "im2col-skinny" : "im2col-gemm";
}

/** Whether the GEMM of a group (w_g [M/g, C/g·∏k] times the whole map's columns) runs on the skinny kernel (run.ts, skinnyGemm). */
function skinnyConvApplies(g: ConvGeometry): boolean {
  return skinnyApplies(g.M / g.group, product(g.window.grid), (g.C / g.group) * product(g.window.kernel), false);
}

/** Whether `algorithm` can run this geometry. */
export function convAlgorithmApplies(g: ConvGeometry, algorithm: ConvAlgorithm): boolean {
  if (winogradTile(algorithm) !== 0) return winogradApplies(g);
  if (algorithm === "im2col-skinny") return skinnyConvApplies(g);
  return algorithm === "im2col-gemm" || depthwiseApplies(g);
}

/** Bytes of im2col buffer (or depthwise workspace) convForward borrows for this geometry (GEMM packing and the weights packed per call aside). */
export function convColumnBytes(g: ConvGeometry): number {
  const algorithm = chooseConvAlgorithm(g);
  if (algorithm === "depthwise") return depthwiseWorkspaceBytes(g);
  const tile = winogradTile(algorithm);
  if (tile !== 0) return winogradWorkspaceBytes(g, tile);
  const K = (g.C / g.group) * product(g.window.kernel);
  if (algorithm === "im2col-skinny") return K * product(g.window.grid) * 4; // one band: the whole map
  return K * gridBands(g.window, bandRows(g.window, K)).width * 4;
}

/**
 * y = conv(x, w) + b for a resolved geometry with the operands already in wasm memory (byte
 * offsets; pb = 0 for no bias). Pads may be negative (the gradient of a transposed convolution
 * runs through here with its derived pads). `algorithm` (default: chooseConvAlgorithm) must apply.
 * `epilogue`: an activation applied after the bias, in the same pass (y = act(conv(x, w) + b)).
 * `packedW`: the form of w `algorithm` reads, made ahead of the call (deriveConvWeights: a resident
 * w, a Net plan), or 0: for im2col + GEMM w packed for the GEMM (packConvWeights), for winograd
 * and winograd-f4 their U = G w Gᵀ (transformWinogradWeights); depthwise ignores it. The same bits
 * either way.
 */
export function convForward(rt: Runtime, g: ConvGeometry, px: number, pw: number, pb: number, py: number,
  algorithm: ConvAlgorithm = chooseConvAlgorithm(g), epilogue: Epilogue | null = null, packedW = 0): void {
  if (algorithm === "depthwise") {
    convDepthwise(rt, g, px, pw, pb, py, epilogue);
    return;
  }
  const tile = winogradTile(algorithm);
  if (tile !== 0) {
    convWinograd(rt, g, px, pw, pb, py, epilogue, packedW, tile);
    return;
  }
  const { N, C, M, group, window } = g;
  const Cg = C / group, Mg = M / group;
  const inPlane = product(window.image), outPlane = product(window.grid), taps = product(window.kernel);
  const K = Cg * taps;
  // 1×1, stride 1, no padding, and the grid is the whole image (a transposed convolution's
  // gradient can have a trailing row no tap reaches): the columns are x itself.
  const pointwise = taps === 1 && window.strides.every((s) => s === 1) &&
    window.padsBegin.every((p) => p === 0) && window.grid.every((n, i) => n === window.image[i]);
  // The column buffer is built one band of output rows at a time, sized to stay in cache
  // between im2col writing it and the GEMM packing it (1-D: the band is the whole output; 3-D:
  // whole depth slices, or rows of one slice, bands.ts gridBands).
  const [outH] = gridRowsCols(window);
  const T = threadsFor(rt, { macs: N * M * outPlane * K });
  // skinny: the whole map is one band (one GEMM per image and group reads each weight once)
  const skinny = algorithm === "im2col-skinny";
  let rowsPerBand = pointwise || skinny ? outH : bandRows(window, K);
  // A unit is one band of one image and group: im2col of the band, then its GEMM for channels
  // [m0, m1) of the group. Threads take pieces of whole units (each with its own column buffer and
  // packing space); with too few units, the bands are made thinner for threads (nothing is done
  // twice but packing the weights once more per band). Where rows cannot be split (1-D), each
  // piece takes output channels of every unit and builds the columns itself.
  // Thinner bands repack the group's weights (Mg·K floats) once more per extra band; the channel
  // split instead rebuilds and repacks each band's columns (K·outPlane floats) in T − 1 more
  // pieces: take the cheaper (512 channels at 14×14: channels; 256 at 28×28: bands).
  let channelSplit = skinny && N * group < 2 * T;
  if (T > 1 && !skinny && N * group * gridBands(window, rowsPerBand).count < 4 * T) {
    const thin = Math.max(1, Math.min(rowsPerBand, Math.ceil(outH / Math.ceil(pieces(T) / (N * group)))));
    const extraBands = gridBands(window, thin).count - gridBands(window, rowsPerBand).count;
    // (the channel split also packs the columns in every piece: twice the columns' size, once for 1×1)
    if (extraBands * Mg > (T - 1) * outPlane * (pointwise ? 1 : 2)) channelSplit = true;
    else rowsPerBand = thin;
  }
  const plan = gridBands(window, rowsPerBand), bands = plan.count;
  const units = N * group * bands;
  // Weights not packed by the caller are packed here once, when more than one GEMM (bands, images)
  // reads each group's: else every GEMM would pack its rows of w again. Up to convPacking's
  // perCallMaxBytes of stack; past that (fc6: 411 MB) each GEMM packs its own.
  let packed = skinny ? 0 : packedW;
  if (packed === 0 && !skinny && N * bands > 1 && convWeightBytes(g) <= convPacking.perCallMaxBytes) {
    packed = rt.arena.alloc(convWeightBytes(g), "conv weights packed for the GEMM");
    packConvWeights(rt, g, pw, packed);
  }
  const unit = (r: Runtime, u: number, m0: number, m1: number, pcols: number, work: number, scratch: number) => {
    const gi = Math.floor(u / bands) % group, n = Math.floor(u / (bands * group));
    const { window: bandWindow, first, positions } = plan.at(u % bands);
    const xg = px + (n * C + gi * Cg) * inPlane * 4;
    const yg = py + (n * M + gi * Mg + m0) * outPlane * 4;
    let cols = xg;
    if (!pointwise) {
      im2colKernel(r, bandWindow, Cg, xg, pcols);
      cols = pcols;
    }
    const params = gemmParams(r.params, {
      M: m1 - m0, N: positions, K,
      a: pw + (gi * Mg + m0) * K * 4, lda: K, transA: false,
      b: cols + (pointwise ? first * 4 : 0), ldb: pointwise ? outPlane : positions, transB: false,
      c: yg + first * 4, ldc: outPlane, alpha: 1, beta: 0, work,
    });
    // rows [m0, m1) of group gi's packed panels start m0·K floats in (m0 a multiple of 8, see the splits below)
    if (skinny) r.kernels.f32_gemm_skinny__simd(params);
    else if (packed !== 0) r.kernels.f32_gemm_prepacked__simd(params, packed + (gi * convGroupPackedFloats(g) + m0 * K) * 4);
    else r.kernels.f32_gemm__simd(params);
    // the band just written, channels [m0, m1) × positions [first, first + positions): run m at yg + m·outPlane + first
    runEpilogue(r, epilogue, yg + first * 4, pb === 0 ? 0 : pb + (gi * Mg + m0) * 4, m1 - m0, positions, outPlane, scratch);
  };
  const lane = (u0: number, u1: number, m0: number, m1: number): Task => (r) => {
    const pcols = pointwise ? 0 : r.arena.alloc(K * plan.width * 4, "conv im2col buffer");
    const work = skinny ? skinnyWorkspace(r, plan.width, K, "conv") : gemmWorkspace(r, m1 - m0, plan.width, K, "conv");
    const scratch = epilogueWorkBytes(epilogue) === 0 ? 0 : r.arena.alloc(epilogueWorkBytes(epilogue), "conv epilogue scratch");
    for (let u = u0; u < u1; u++) unit(r, u, m0, m1, pcols, work, scratch);
  };
  let tasks: Task[];
  if (T === 1) tasks = [lane(0, units, 0, Mg)];
  else if (!channelSplit && units >= 2 * T) tasks = ranges(units, pieces(T)).map(([u0, u1]) => lane(u0, u1, 0, Mg));
  else tasks = ranges(Mg, T, 8).map(([m0, m1]) => lane(0, units, m0, m1));
  runTasks(rt, tasks);
}

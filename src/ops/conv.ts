// conv: ONNX Conv. x [N, C, in…] ⊛ w [M, C/group, k…] (+ b [M]) → y [N, M, out…], with
// out = ⌊(in + padBegin + padEnd − d·(k−1) − 1) / s⌋ + 1 per axis (shape.ts resolveConv).
// Per image and group: cols = im2col(x_g) [C/g·∏k, ∏out], then y_g = w_g [M/g, C/g·∏k] · cols,
// one band of output rows at a time so the column buffer stays in cache.
// A 1×1, stride-1, unpadded conv skips im2col: y_g = w_g · x_g directly. Backward below.
import type { ConvAttrs } from "../attrs.js";
import { type ConvGeometry, resolveConv } from "../shape.js";
import { band, bandRows, gridRowsCols } from "./im2col-bands.js";
import { type Tensor, checkTensor, tensor } from "../tensor.js";
import type { Runtime } from "../runtime/runtime.js";
import { gemmParams, windowParams } from "../runtime/params.js";
import { type Task, channelSums, checkSameShape, gemmWorkspace, operand, pieces, product, ranges, runTasks, threadsFor, withArena } from "./run.js";
import { weightGradient } from "./weight-gradient.js";
import { operandFinite } from "./finite.js";
import { chooseAlgorithm as chooseTransposedAlgorithm, runTransposed } from "./conv-transpose/algorithm.js";

/** Bytes of im2col buffer convForward borrows for this geometry (GEMM packing aside). */
export function convColumnBytes(g: ConvGeometry): number {
  const K = (g.C / g.group) * product(g.window.kernel);
  return K * bandRows(g.window, K) * gridRowsCols(g.window)[1] * 4;
}

/**
 * ONNX Conv (opset 22) on rank-1 or rank-2 spatial input.
 * @param x input [N, C, H, W] (or [N, C, L])
 * @param w weights [M, C/group, kH, kW]
 * @param b optional bias [M]
 * @param attrs strides, pads (begins then ends), dilations, group, autoPad, kernelShape
 * @returns y [N, M, outH, outW]
 */
export function conv(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvAttrs): Tensor {
  const xShape = checkTensor(x, "conv(x)");
  const wShape = checkTensor(w, "conv(w)");
  const bShape = b == null ? null : checkTensor(b, "conv(b)");
  const g = resolveConv(xShape, wShape, bShape, attrs);
  const outSize = product(g.outShape);
  return withArena((rt) => {
    const px = operand(rt, x, "conv(x)");
    const pw = operand(rt, w, "conv(w)");
    const pb = b == null ? 0 : operand(rt, b, "conv(b)");
    const py = rt.arena.alloc(outSize * 4, "conv output");
    convForward(rt, g, px, pw, pb, py);
    return tensor(rt.arena.take(py, outSize), g.outShape);
  });
}

/**
 * y = conv(x, w) + b for a resolved geometry with the operands already in wasm memory (byte
 * offsets; pb = 0 for no bias). Pads may be negative (the gradient of a transposed convolution
 * runs through here with its derived pads).
 */
export function convForward(rt: Runtime, g: ConvGeometry, px: number, pw: number, pb: number, py: number): void {
  const { N, C, M, group, window } = g;
  const Cg = C / group, Mg = M / group;
  const inPlane = product(window.image), outPlane = product(window.grid), taps = product(window.kernel);
  const K = Cg * taps;
  // 1×1, stride 1, no padding, and the grid is the whole image (a transposed convolution's
  // gradient can have a trailing row no tap reaches): the columns are x itself.
  const pointwise = taps === 1 && window.strides.every((s) => s === 1) &&
    window.padsBegin.every((p) => p === 0) && window.grid.every((n, i) => n === window.image[i]);
  // The column buffer is built one band of output rows at a time, sized to stay in cache
  // between im2col writing it and the GEMM packing it (1-D: the band is the whole output).
  const [outH, outW] = gridRowsCols(window);
  const T = threadsFor(rt, { macs: N * M * outPlane * K });
  let rowsPerBand = pointwise ? outH : bandRows(window, K);
  // A unit is one band of one image and group: im2col of the band, then its GEMM for channels
  // [m0, m1) of the group. Threads take pieces of whole units (each with its own column buffer and
  // packing space); with too few units, the bands are made thinner for threads (nothing is done
  // twice but packing the weights once more per band). Where rows cannot be split (1-D), each
  // piece takes output channels of every unit and builds the columns itself.
  // Thinner bands repack the group's weights (Mg·K floats) once more per extra band; the channel
  // split instead rebuilds and repacks each band's columns (K·outPlane floats) in T − 1 more
  // pieces: take the cheaper (512 channels at 14×14: channels; 256 at 28×28: bands).
  let channelSplit = false;
  if (T > 1 && N * group * Math.ceil(outH / rowsPerBand) < 4 * T) {
    const thin = Math.max(1, Math.min(rowsPerBand, Math.ceil(outH / Math.ceil(pieces(T) / (N * group)))));
    const extraBands = Math.ceil(outH / thin) - Math.ceil(outH / rowsPerBand);
    // (the channel split also packs the columns in every piece: twice the columns' size, once for 1×1)
    if (extraBands * Mg > (T - 1) * outPlane * (pointwise ? 1 : 2)) channelSplit = true;
    else rowsPerBand = thin;
  }
  const bands = Math.ceil(outH / rowsPerBand);
  const units = N * group * bands;
  const unit = (r: Runtime, u: number, m0: number, m1: number, pcols: number, work: number) => {
    const oh0 = (u % bands) * rowsPerBand, gi = Math.floor(u / bands) % group, n = Math.floor(u / (bands * group));
    const rows = Math.min(rowsPerBand, outH - oh0);
    const xg = px + (n * C + gi * Cg) * inPlane * 4;
    const yg = py + (n * M + gi * Mg + m0) * outPlane * 4;
    let cols = xg;
    if (!pointwise) {
      r.kernels.f32_im2col__fast(windowParams(r.params, band(window, oh0, rows), Cg, xg, pcols));
      cols = pcols;
    }
    r.kernels.f32_gemm__simd(gemmParams(r.params, {
      M: m1 - m0, N: rows * outW, K,
      a: pw + (gi * Mg + m0) * K * 4, lda: K, transA: false,
      b: cols + (pointwise ? oh0 * outW * 4 : 0), ldb: pointwise ? outPlane : rows * outW, transB: false,
      c: yg + oh0 * outW * 4, ldc: outPlane, alpha: 1, beta: 0, work,
    }));
  };
  const lane = (u0: number, u1: number, m0: number, m1: number): Task => (r) => {
    const pcols = pointwise ? 0 : r.arena.alloc(K * rowsPerBand * outW * 4, "conv im2col buffer");
    const work = gemmWorkspace(r, m1 - m0, rowsPerBand * outW, K, "conv");
    for (let u = u0; u < u1; u++) unit(r, u, m0, m1, pcols, work);
  };
  let tasks: Task[];
  if (T === 1) tasks = [lane(0, units, 0, Mg)];
  else if (!channelSplit && units >= 2 * T) tasks = ranges(units, pieces(T)).map(([u0, u1]) => lane(u0, u1, 0, Mg));
  else tasks = ranges(Mg, T, 8).map(([m0, m1]) => lane(0, units, m0, m1));
  runTasks(rt, tasks);
  if (pb !== 0) rt.kernels.f32_bias_add__simd(py, pb, N, M, outPlane);
}

/**
 * Gradients of conv with respect to its input, weights and bias, given dL/dy.
 * dx is the transposed convolution of dy with the same weights and window (conv's adjoint; it
 * runs on convTranspose's fast paths). dw[m, c, k] = Σ_{n, o} dy[n, m, o]·x[n, c, o·s − p + k·d]:
 * per image and group, dw_g += dy_g [M/g, ∏out] · im2col(x_g)ᵀ. db[m] = Σ_{n, o} dy[n, m, o].
 * @param dy [N, M, outH, outW], the shape conv(x, w, b, attrs) returns
 * @param x the forward input [N, C, H, W]
 * @param w the forward weights [M, C/group, kH, kW]
 * @param attrs the forward attributes
 */
export function convBackward(dy: Tensor, x: Tensor, w: Tensor, attrs?: ConvAttrs): { dx: Tensor; dw: Tensor; db: Tensor } {
  return convGradients(dy, x, w, attrs, { dx: true, dw: true }) as { dx: Tensor; dw: Tensor; db: Tensor };
}

/** Which gradients to compute: Net skips dx of a layer fed by data and dw of a frozen layer. */
export interface WantedGradients { dx: boolean; dw: boolean }

/** convBackward computing only the wanted gradients (null for the others; db always). */
export function convGradients(dy: Tensor, x: Tensor, w: Tensor, attrs: ConvAttrs | undefined, want: WantedGradients): { dx: Tensor | null; dw: Tensor | null; db: Tensor } {
  const dyShape = checkTensor(dy, "convBackward(dy)");
  const xShape = checkTensor(x, "convBackward(x)");
  const wShape = checkTensor(w, "convBackward(w)");
  const g = resolveConv(xShape, wShape, null, attrs, "convBackward");
  checkSameShape(dyShape, g.outShape, "convBackward(dy)", "conv's output");
  const { N, C, M, group, window } = g;
  const Cg = C / group, Mg = M / group;
  const outPlane = product(window.grid), inPlane = product(window.image), K = Cg * product(window.kernel);
  // dx: conv's adjoint is a transposed convolution whose output is x and whose input is dy; the
  // conv weights [M, C/g, k] are already in ConvTranspose's [C', M'/g, k] layout with C' = M.
  const transposed: ConvGeometry = { N, C: M, M: C, group, window, outShape: xShape.slice() };
  const algorithm = chooseTransposedAlgorithm(transposed);
  return withArena((rt) => {
    const pdy = operand(rt, dy, "convBackward(dy)");
    const px = want.dw ? operand(rt, x, "convBackward(x)") : 0;
    const pw = want.dx ? operand(rt, w, "convBackward(w)") : 0;
    const pdx = want.dx ? rt.arena.alloc(N * C * inPlane * 4, "convBackward dx") : 0;
    const pdw = want.dw ? rt.arena.alloc(M * K * 4, "convBackward dw") : 0;
    if (want.dx) runTransposed(rt, algorithm, { g: transposed, x: pdy, w: pw, b: 0, y: pdx, wFinite: operandFinite(rt, w, pw) });
    // dw_g [M/g, C/g·∏k] = dy_g [M/g, ∏out] · im2col(x_g)ᵀ, summed over images
    if (want.dw) weightGradient(rt, { window, N, group, a: pdy, rows: Mg, s: px, sChannels: Cg, dw: pdw });
    return {
      dx: want.dx ? tensor(rt.arena.take(pdx, N * C * inPlane), xShape.slice()) : null,
      dw: want.dw ? tensor(rt.arena.take(pdw, M * K), wShape.slice()) : null,
      db: tensor(channelSums(dy.data, N, M, outPlane), [M]),
    };
  });
}

// Depthwise convolution on the direct kernel (assembly/conv/depthwise.ts): one input channel per
// group (C/group = 1), any channel multiplier M/group: MobileNet-style 3×3 and 5×5 layers, and the
// gradient of a depthwise transposed convolution. No im2col, no GEMM: each output row is computed
// in registers from the input rows it reads and written once; the only workspace is one
// zero-padded input plane per task. Volumes run f32_conv_depthwise3d__simd (each output row built
// in L1 from the (slice, row) taps that reach it; no workspace).
import type { Runtime } from "../../runtime/runtime.js";
import type { ConvGeometry } from "../../shape.js";
import { DEPTHWISE_PARAMS, DEPTHWISE_VOLUME_PARAMS, planar, writeBlock } from "../params.js";
import { type Task, pieces, product, ranges, runTasks, threadsFor } from "../run.js";
import { type Epilogue, epilogueWorkBytes, runEpilogue } from "./epilogue.js";

/** Output bytes one kernel call writes before an epilogue runs on them: about an L2 cache's worth. */
const EPILOGUE_BLOCK_BYTES = 1 << 18;

/** Whether the direct depthwise kernel computes this convolution: one input channel per group. */
export function depthwiseApplies(g: ConvGeometry): boolean {
  return g.C / g.group === 1;
}

/**
 * Bytes of workspace one call of the kernel borrows: one zero-padded input plane of
 * (OH − 1)·SH + (KH − 1)·DH + 1 rows, each SW phases of 4·⌈OW/4⌉ + ⌊(KW − 1)·DW / SW⌋ floats
 * rounded up to 4, KW tap offsets (rounded up to 4 words) and one more row, linear, that is split
 * into phases from there (the kernel's f32_conv_depthwise_workspace_bytes, which the calls use;
 * this copy, in doubles, sizes the allocation: the kernel's i32 wraps past 2 GiB).
 */
export function depthwiseWorkspaceBytes(g: ConvGeometry): number {
  if (g.window.rank === 3) return 0;
  const { KH, KW, SH, SW, DH, DW, OH, OW } = planar(g.window);
  const up4 = (n: number) => Math.ceil(n / 4) * 4;
  const phase = up4(up4(OW) + Math.floor(((KW - 1) * DW) / SW));
  return (((OH - 1) * SH + (KH - 1) * DH + 2) * SW * phase + up4(KW)) * 4;
}

/**
 * y = conv(x, w) + b for a depthwise geometry (depthwiseApplies), operands already in wasm memory
 * (byte offsets; pb = 0 for no bias): x [N, C, H, W], w [C·mult, 1, KH, KW], y [N, C·mult, OH, OW].
 * Threads take input channels [c0, c1) (with their mult output planes) of every image, so every
 * output is computed by the same kernel call sequence whatever the thread count. With an epilogue
 * (a fused activation) the kernel is called on blocks of channels whose output fits in cache, each
 * followed by the epilogue on that block (the kernel already added the bias).
 */
export function convDepthwise(rt: Runtime, g: ConvGeometry, px: number, pw: number, pb: number, py: number, epilogue: Epilogue | null = null): void {
  const { N, C, M, group, window } = g;
  const mult = M / group;
  const inPlane = product(window.image), outPlane = product(window.grid), taps = product(window.kernel);
  const workBytes = depthwiseWorkspaceBytes(g);
  // one kernel call on input channels [a, a + count) of an image (x, w, bias, y at their channel a)
  const call = (r: Runtime, count: number, x: number, w: number, bias: number, y: number, work: number): void => {
    if (window.rank === 3) {
      const [D, H, W] = window.image, [OD, OH, OW] = window.grid, [KD, KH, KW] = window.kernel, [SD, SH, SW] = window.strides;
      const [PF, PT, PL] = window.padsBegin, [DD, DH, DW] = window.dilations;
      r.kernels.f32_conv_depthwise3d__simd(writeBlock(r.params, DEPTHWISE_VOLUME_PARAMS, {
        C: count, mult, D, H, W, OD, OH, OW, KD, KH, KW, SD, SH, SW, PF, PT, PL, DD, DH, DW, x, w, bias, y,
      }));
      return;
    }
    const { H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW } = planar(window);
    r.kernels.f32_conv_depthwise__simd(writeBlock(r.params, DEPTHWISE_PARAMS, { C: count, mult, H, W, OH, OW, KH, KW, SH, SW, PT, PL, DH, DW, x, w, bias, y, work }));
  };
  const lane = (c0: number, c1: number): Task => (r) => {
    // the size from the TS copy of the formula: the kernel's i32 answer wraps past 2 GiB (huge
    // pads), and the arena must see the true size to throw OutOfMemoryError instead
    const work = workBytes === 0 ? 0 : r.arena.alloc(workBytes, "conv depthwise padded plane");
    const scratch = epilogueWorkBytes(epilogue) === 0 ? 0 : r.arena.alloc(epilogueWorkBytes(epilogue), "conv epilogue scratch");
    // input channels per kernel call: all of the lane's, or with an epilogue a cache's worth of output
    const step = epilogue === null ? c1 - c0 : Math.max(1, Math.floor(EPILOGUE_BLOCK_BYTES / (mult * outPlane * 4)));
    for (let n = 0; n < N; n++) {
      for (let a = c0; a < c1; a += step) {
        const b = Math.min(c1, a + step), y = py + (n * M + a * mult) * outPlane * 4;
        call(r, b - a, px + (n * C + a) * inPlane * 4, pw + a * mult * taps * 4, pb === 0 ? 0 : pb + a * mult * 4, y, work);
        if (epilogue !== null) runEpilogue(r, epilogue, y, 0, (b - a) * mult, outPlane, outPlane, scratch);
      }
    }
  };
  const T = threadsFor(rt, { macs: N * M * outPlane * taps });
  runTasks(rt, T === 1 ? [lane(0, C)] : ranges(C, pieces(T)).map(([c0, c1]) => lane(c0, c1)));
}

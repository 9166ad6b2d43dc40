// Depthwise transposed convolution (C/group = 1, any multiplier M/group): FCN's fixed bilinear
// upsampling is this case with group = C = M (trilinear on volumes). One direct kernel pass, no
// workspace: each output row is built in L1 from the input rows that reach it and written once.
// 1-D and 2-D run f32_conv_transpose_depthwise__simd, 3-D f32_conv_transpose_depthwise3d__simd.
import type { Runtime } from "../../runtime/runtime.js";
import { TRANSPOSED_PARAMS, TRANSPOSED_VOLUME_PARAMS, planar, writeBlock } from "../params.js";
import type { Window } from "../../shape.js";
import { type Task, pieces, product, ranges, runTasks, threadsFor } from "../run.js";
import type { TransposedBuffers } from "./buffers.js";
import { epilogueWorkBytes, runEpilogue } from "../conv-engine/epilogue.js";

/**
 * The kernel call over channels [c0, c0 + C) of one image: x, w, bias and y at their byte offsets
 * (the transposed convolution's input is the window grid and its output the image).
 */
function depthwiseCall(r: Runtime, window: Window, C: number, mult: number, x: number, w: number, bias: number, y: number): void {
  if (window.rank === 3) {
    const [OD, OH, OW] = window.image, [D, H, W] = window.grid, [KD, KH, KW] = window.kernel, [SD, SH, SW] = window.strides;
    const [PF, PT, PL] = window.padsBegin, [DD, DH, DW] = window.dilations;
    r.kernels.f32_conv_transpose_depthwise3d__simd(writeBlock(r.params, TRANSPOSED_VOLUME_PARAMS, {
      C, mult, D, H, W, OD, OH, OW, KD, KH, KW, SD, SH, SW, PF, PT, PL, DD, DH, DW, x, w, bias, y,
    }));
    return;
  }
  const { H: OH, W: OW, OH: H, OW: W, KH, KW, SH, SW, PT, PL, DH, DW } = planar(window);
  r.kernels.f32_conv_transpose_depthwise__simd(writeBlock(r.params, TRANSPOSED_PARAMS, { C, mult, H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW, x, w, bias, y }));
}

export function convTransposeDepthwise(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const mult = M / group;
  const inPlane = product(window.grid), outPlane = product(window.image), taps = product(window.kernel);
  // Threads take input channels [c0, c1) (with their mult output planes) of every image.
  const lane = (c0: number, c1: number): Task => (r) => {
    const scratch = epilogueWorkBytes(t.epilogue ?? null) === 0 ? 0 : r.arena.alloc(epilogueWorkBytes(t.epilogue ?? null), "conv epilogue scratch");
    for (let n = 0; n < N; n++) {
      depthwiseCall(r, window, c1 - c0, mult, t.x + (n * C + c0) * inPlane * 4, t.w + c0 * mult * taps * 4,
        t.b === 0 ? 0 : t.b + c0 * mult * 4, t.y + (n * M + c0 * mult) * outPlane * 4);
      // a fused activation on the planes just written (the kernel added the bias)
      if (t.epilogue) runEpilogue(r, t.epilogue, t.y + (n * M + c0 * mult) * outPlane * 4, 0, (c1 - c0) * mult, outPlane, outPlane, scratch);
    }
  };
  const T = threadsFor(rt, { bytes: N * M * outPlane * 4 });
  runTasks(rt, T === 1 ? [lane(0, C)] : ranges(C, pieces(T)).map(([c0, c1]) => lane(c0, c1)));
}

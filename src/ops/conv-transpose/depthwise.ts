// Depthwise transposed convolution (C/group = 1, any multiplier M/group): FCN's fixed bilinear
// upsampling is this case with group = C = M. One direct kernel pass, no workspace: each output
// row is built in L1 from the input rows that reach it and written once.
import type { Runtime } from "../../runtime/runtime.js";
import { TRANSPOSED_PARAMS, planar, writeBlock } from "../params.js";
import { type Task, pieces, product, ranges, runTasks, threadsFor } from "../run.js";
import type { TransposedBuffers } from "./buffers.js";
import { epilogueWorkBytes, runEpilogue } from "../conv-engine/epilogue.js";

export function convTransposeDepthwise(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const mult = M / group;
  // The transposed convolution's input is the window grid and its output the image.
  const { H: OH, W: OW, OH: H, OW: W, KH, KW, SH, SW, PT, PL, DH, DW } = planar(window);
  const inPlane = product(window.grid), outPlane = product(window.image);
  // Threads take input channels [c0, c1) (with their mult output planes) of every image.
  const lane = (c0: number, c1: number): Task => (r) => {
    const scratch = epilogueWorkBytes(t.epilogue ?? null) === 0 ? 0 : r.arena.alloc(epilogueWorkBytes(t.epilogue ?? null), "conv epilogue scratch");
    for (let n = 0; n < N; n++) {
      r.kernels.f32_conv_transpose_depthwise__simd(writeBlock(r.params, TRANSPOSED_PARAMS, {
        C: c1 - c0, mult, H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW,
        x: t.x + (n * C + c0) * inPlane * 4, w: t.w + c0 * mult * KH * KW * 4, bias: t.b === 0 ? 0 : t.b + c0 * mult * 4,
        y: t.y + (n * M + c0 * mult) * outPlane * 4,
      }));
      // a fused activation on the planes just written (the kernel added the bias)
      if (t.epilogue) runEpilogue(r, t.epilogue, t.y + (n * M + c0 * mult) * outPlane * 4, 0, (c1 - c0) * mult, outPlane, outPlane, scratch);
    }
  };
  const T = threadsFor(rt, { bytes: N * M * outPlane * 4 });
  runTasks(rt, T === 1 ? [lane(0, C)] : ranges(C, pieces(T)).map(([c0, c1]) => lane(c0, c1)));
}

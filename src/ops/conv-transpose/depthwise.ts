// Depthwise transposed convolution (C/group = 1, any multiplier M/group): FCN's fixed bilinear
// upsampling is this case with group = C = M. One direct kernel pass, no workspace: each output
// row is built in L1 from the input rows that reach it and written once.
import type { Runtime } from "../../runtime/runtime.js";
import { planar, transposedParams } from "../../runtime/params.js";
import { product } from "../run.js";
import type { TransposedBuffers } from "./buffers.js";

export function convTransposeDepthwise(rt: Runtime, t: TransposedBuffers): void {
  const { N, C, M, group, window } = t.g;
  const mult = M / group;
  // The transposed convolution's input is the window grid and its output the image.
  const { H: OH, W: OW, OH: H, OW: W, KH, KW, SH, SW, PT, PL, DH, DW } = planar(window);
  const inImage = C * product(window.grid), outImage = M * product(window.image);
  for (let n = 0; n < N; n++) {
    rt.kernels.f32_conv_transpose_depthwise__simd(transposedParams(rt.params, {
      C, mult, H, W, KH, KW, SH, SW, PT, PL, DH, DW, OH, OW,
      x: t.x + n * inImage * 4, w: t.w, bias: t.b, y: t.y + n * outImage * 4,
    }));
  }
}

// Reference sub-pixel interleave with the ABI of f32_subpixel_interleave__fast: one output pixel
// at a time, straight from the definition in params.ts (SP_*).
import {
  word, ptr, SP_M, SP_OH, SP_OW, SP_SH, SP_SW, SP_PT, SP_PL, SP_U0H, SP_U0W, SP_NUH, SP_NUW,
  SP_PHASES, SP_BIAS, SP_Y,
} from "../params";

export function f32_subpixel_interleave__ref(p: usize): void {
  const M = word(p, SP_M), OH = word(p, SP_OH), OW = word(p, SP_OW);
  const SH = word(p, SP_SH), SW = word(p, SP_SW), PT = word(p, SP_PT), PL = word(p, SP_PL);
  const U0H = word(p, SP_U0H), U0W = word(p, SP_U0W), NUH = word(p, SP_NUH), NUW = word(p, SP_NUW);
  const P = ptr(p, SP_PHASES), bias = ptr(p, SP_BIAS), y = ptr(p, SP_Y);
  for (let m = 0; m < M; m++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const rH = (oh + PT) % SH, rW = (ow + PL) % SW;
    const a = (oh + PT) / SH - U0H, b = (ow + PL) / SW - U0W;
    const row = (m * SH + rH) * SW + rW, col = a * NUW + b;
    const v = load<f32>(P + (<usize>(row * NUH * NUW + col) << 2)) + (bias != 0 ? load<f32>(bias + (<usize>m << 2)) : <f32>0);
    store<f32>(y + (<usize>((m * OH + oh) * OW + ow) << 2), v);
  }
}

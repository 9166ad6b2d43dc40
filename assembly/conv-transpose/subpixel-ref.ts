// Reference sub-pixel interleave with the ABI of f32_subpixel_interleave__fast: one output pixel
// at a time, straight from the definition in params.ts (InterleaveParams).
import { InterleaveParams } from "../params";

export function f32_subpixel_interleave__ref(p: usize): void {
  const t = changetype<InterleaveParams>(p);
  const P = t.phases, bias = t.bias, y = t.y;
  for (let m = 0; m < t.M; m++) for (let oh = 0; oh < t.OH; oh++) for (let ow = 0; ow < t.OW; ow++) {
    const rH = (oh + t.PT) % t.SH, rW = (ow + t.PL) % t.SW;
    const a = (oh + t.PT) / t.SH - t.U0H, b = (ow + t.PL) / t.SW - t.U0W;
    const row = (m * t.SH + rH) * t.SW + rW, col = a * t.NUW + b;
    const v = load<f32>(P + (<usize>(row * t.NUH * t.NUW + col) << 2)) + (bias != 0 ? load<f32>(bias + (<usize>m << 2)) : <f32>0);
    store<f32>(y + (<usize>((m * t.OH + oh) * t.OW + ow) << 2), v);
  }
}

// References for the sub-pixel kernels with their ABIs, straight from the definitions in params.ts:
// the interleave one output pixel at a time (InterleaveParams); the weight packing as a scatter of
// every kernel tap to its phase and place (PackParams), where the fast kernel gathers.
import { InterleaveParams, PackParams } from "../params";

export function f32_conv_transpose_subpixel_interleave__ref(p: usize): void {
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

export function f32_conv_transpose_subpixel_pack_weights__ref(p: usize): void {
  const k = changetype<PackParams>(p);
  const rowLength = k.CG * k.TH * k.TW, rows = k.G * k.MG * k.SH * k.SW;
  for (let i = 0; i < rows * rowLength; i++) store<f32>(k.out + (<usize>i << 2), 0);
  // tap (kh, kw) belongs to phase (kh mod SH, kw mod SW) as its (⌊kh/SH⌋, ⌊kw/SW⌋)-th tap, stored
  // turned round: a = TH − 1 − ⌊kh/SH⌋, b = TW − 1 − ⌊kw/SW⌋
  for (let g = 0; g < k.G; g++) for (let c = 0; c < k.CG; c++) for (let m = 0; m < k.MG; m++) {
    for (let kh = 0; kh < k.KH; kh++) for (let kw = 0; kw < k.KW; kw++) {
      const rH = kh % k.SH, rW = kw % k.SW, a = k.TH - 1 - kh / k.SH, b = k.TW - 1 - kw / k.SW;
      const row = g * k.MG * k.SH * k.SW + (m * k.SH + rH) * k.SW + rW, col = (c * k.TH + a) * k.TW + b;
      const v = load<f32>(k.w + (<usize>((((g * k.CG + c) * k.MG + m) * k.KH + kh) * k.KW + kw) << 2));
      store<f32>(k.out + (<usize>(row * rowLength + col) << 2), v);
    }
  }
}

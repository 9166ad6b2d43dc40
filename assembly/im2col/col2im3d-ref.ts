// Reference 3-D col2im with the ABI of f32_col2im3d__simd: zero the image (unless accumulate), then
// add every column entry whose voxel lies inside it, testing bounds per element.
import { VolumeWindowParams } from "../params";

export function f32_col2im3d__ref(p: usize): void {
  const g = changetype<VolumeWindowParams>(p);
  const cols = g.src, x = g.dst, L = g.OD * g.OH * g.OW;
  if (g.accumulate == 0) for (let i = 0; i < g.C * g.D * g.H * g.W; i++) store<f32>(x + (<usize>i << 2), 0);
  for (let c = 0; c < g.C; c++) for (let kd = 0; kd < g.KD; kd++) for (let kh = 0; kh < g.KH; kh++) for (let kw = 0; kw < g.KW; kw++) {
    const row = ((c * g.KD + kd) * g.KH + kh) * g.KW + kw;
    for (let od = 0; od < g.OD; od++) for (let oh = 0; oh < g.OH; oh++) for (let ow = 0; ow < g.OW; ow++) {
      const id = od * g.SD - g.PF + kd * g.DD, ih = oh * g.SH - g.PT + kh * g.DH, iw = ow * g.SW - g.PL + kw * g.DW;
      if (id < 0 || id >= g.D || ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
      const q = x + (<usize>(((c * g.D + id) * g.H + ih) * g.W + iw) << 2);
      store<f32>(q, load<f32>(q) + load<f32>(cols + (<usize>(row * L + (od * g.OH + oh) * g.OW + ow) << 2)));
    }
  }
}

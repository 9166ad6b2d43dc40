// Reference conv epilogue with the ABI of epilogue.ts: one scalar at a time, the bias add and each
// step of the activation written out (the f32 rounding of every separate layer), f through the
// reference activation kernels.
import { EpilogueParams } from "../params";
import { f32_relu__ref } from "./eltwise-ref";
import { f32_activation__ref } from "./broadcast-binary-ref";

export function f32_conv_epilogue__ref(params: usize): void {
  const p = changetype<EpilogueParams>(params);
  for (let c = 0; c < p.channels; c++) {
    for (let i = 0; i < p.n; i++) {
      const q = p.y + (<usize>(c * p.stride + i) << 2);
      let v = load<f32>(q);
      if (p.bias != 0) v = v + load<f32>(p.bias + (<usize>c << 2));
      if (p.fn != 0) {
        // f at one point: a = v (forms 0, 1) or v + 3 (form 2), through the reference kernels
        const a: f32 = p.form == 2 ? v + <f32>3 : v;
        store<f32>(q, a);
        if (p.fn == 1) f32_relu__ref(q, q, 1);
        else f32_activation__ref(p.op, q, q, 1, <f64>p.p0, <f64>p.p1);
        const s = load<f32>(q);
        if (p.form == 0) v = s;
        else if (p.form == 1) v = v * s;
        else { const m: f32 = v * s; v = m / <f32>6; }
      }
      store<f32>(q, v);
    }
  }
}

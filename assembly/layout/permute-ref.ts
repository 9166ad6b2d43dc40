// Reference for permute.ts (same ABI): the strided copy y[Σ i_k·t_k] = x[Σ i_k·s_k] as six plain
// loops over the PermuteParams view, one element at a time, bits moved as u32.
import { PermuteParams } from "../params";

export function f32_permute__ref(params: usize): void {
  const p = changetype<PermuteParams>(params);
  for (let i0 = 0; i0 < p.n0; i0++) for (let i1 = 0; i1 < p.n1; i1++) for (let i2 = 0; i2 < p.n2; i2++) {
    for (let i3 = 0; i3 < p.n3; i3++) for (let i4 = 0; i4 < p.n4; i4++) for (let i5 = 0; i5 < p.n5; i5++) {
      const from = i0 * p.s0 + i1 * p.s1 + i2 * p.s2 + i3 * p.s3 + i4 * p.s4 + i5 * p.s5;
      const to = i0 * p.t0 + i1 * p.t1 + i2 * p.t2 + i3 * p.t3 + i4 * p.t4 + i5 * p.t5;
      store<u32>(p.y + (<usize>to << 2), load<u32>(p.x + (<usize>from << 2)));
    }
  }
}

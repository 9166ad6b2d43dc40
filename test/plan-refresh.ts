// A test helper for plans that keep derived weights (GEMM-packed, sub-pixel phases, Winograd's U)
// per parameter version: the net matches its float64 reference on its first run, and again after
// every parameter is overwritten in place (twice), which only holds if the plan derives the forms
// again once parameters() has handed the live tensors out.
import { expectClose, randArray } from "./lib.js";
import type { Net, Tensor } from "../dist/index.js";

/**
 * Runs `net` on x, checks it against `reference(params)`, then twice fills every parameter with
 * new values (times `scale`) and checks again; within 1e-4 absolute and relative.
 */
export function expectFollowsParameterChanges(net: Net, x: Tensor, reference: (params: Map<string, Tensor>) => { data: ArrayLike<number>; shape: readonly number[] },
  r: () => number, what: string, scale = 1): void {
  const first = net.run(x); // parameters copied in, their derived forms made once
  const params = net.parameters(); // from now on every run copies them in (and derives them again)
  expectClose(first, reference(params), what, 1e-4, 1e-4);
  for (let step = 0; step < 2; step++) {
    for (const t of params.values()) (t.data as Float32Array).set(randArray(r, t.data.length).map((v) => v * scale));
    expectClose(net.run(x), reference(params), `${what} after change ${step}`, 1e-4, 1e-4);
  }
}

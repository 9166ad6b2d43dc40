// A test helper: a Net's resident plan against its op-by-op path (resident: false), both training,
// bit for bit: the output, every layer's blob and every gradient, over a few runs with fresh
// seeded inputs (so a second run through an existing plan is checked too).
import { expect } from "vitest";
import { expectSameBits, fcn, randArray } from "./lib.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Builds `spec` twice from `seed` (and `weights`, where given), runs both on `runs` inputs drawn
 * from `r` (scaled by `scale`) and back-propagates a random dOut of the output's shape `outShape`;
 * every result must match.
 */
export function expectPlanMatchesOpByOp(spec: GraphSpec, seed: number, r: () => number, outShape: number[], scale = 1, runs = 2, weights?: Record<string, Tensor>): void {
  const planned = fcn.Net.fromGraph(spec, weights, { seed });
  const copying = fcn.Net.fromGraph(spec, weights, { seed, resident: false });
  planned.training = copying.training = true;
  for (let t = 0; t < runs; t++) {
    const x = fcn.tensor(randArray(r, size(spec.input.shape)).map((v) => scale * v), spec.input.shape);
    expectSameBits(planned.run(x), copying.run(x), `run ${t}: output`);
    for (const layer of spec.layers) expectSameBits(planned.blob(layer.name) as Tensor, copying.blob(layer.name) as Tensor, `run ${t}: blob ${layer.name}`);
    const dOut = fcn.tensor(randArray(r, size(outShape)), outShape);
    const a = planned.backward(dOut), b = copying.backward(dOut);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, g] of a) expectSameBits(g, b.get(name) as Tensor, `run ${t}: gradient ${name}`);
  }
  planned.dispose();
}

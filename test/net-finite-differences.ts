// A test helper: a Net's parameter gradients against central finite differences of the loss
// ⟨run(x), dir⟩, rebuilding the net op by op (no dropout) for each perturbed parameter.
import { expect } from "vitest";
import { fcn, randArray } from "./lib.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

/**
 * Runs `spec` on x with `params` (the net's live parameters), back-propagates `dir`, and checks
 * `pick(n)` entries of every gradient named in `names` (default: every one) against
 * (L(w + h) − L(w − h)) / 2h. Returns the gradients.
 */
export function expectFiniteDifferences(spec: GraphSpec, net: InstanceType<typeof fcn.Net>, x: Tensor, dir: Tensor,
  pick: (n: number) => number[], names?: string[], h = 1e-2): Map<string, Tensor> {
  net.run(x);
  const grads = net.backward(dir);
  const params = net.parameters();
  const loss = (): number => {
    const out = fcn.Net.fromGraph(spec, params, { resident: false }).run(x).data;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * dir.data[i];
    return s;
  };
  for (const name of names ?? [...grads.keys()]) {
    const w = params.get(name)!, g = grads.get(name)!;
    for (const i of pick(w.data.length)) {
      const keep = w.data[i];
      w.data[i] = keep + h; const plus = loss();
      w.data[i] = keep - h; const minus = loss();
      w.data[i] = keep;
      const fd = (plus - minus) / (2 * h);
      expect(Math.abs(fd - g.data[i]), `${name}[${i}]: finite difference ${fd}, backward ${g.data[i]}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
  }
  return grads;
}

/**
 * Builds `spec` from `seed`, checks its output shape is `outShape`, and checks five random entries
 * of every parameter's gradient (each parameter must get one) against finite differences.
 */
export function expectEveryParameterGradient(spec: GraphSpec, seed: number, r: () => number, outShape: number[]): void {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const net = fcn.Net.fromGraph(spec, undefined, { seed });
  const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
  expect(net.run(x).shape).toEqual(outShape);
  const dir = fcn.tensor(randArray(r, size(outShape)), outShape);
  const grads = expectFiniteDifferences(spec, net, x, dir, (n) => Array.from({ length: 5 }, () => Math.floor(r() * n)));
  expect([...grads.keys()].sort()).toEqual([...net.parameters().keys()].sort());
}

// The wasm kernels Net's resident plan runs for imported models' layer ops give the JS path's
// bits exactly: BroadcastAdd/Sub/Mul/Div (f32_binary__simd) in every broadcast layout it takes
// and in one it leaves to JS, BatchNormalization (f32_channel_affine__simd), Clip, HardSigmoid,
// HardSwish, LeakyRelu (f32_activation__simd), Concat (block copies) and Sqrt/Exp/Neg/Abs (their
// JS formulas over views of the blocks). Each net runs on the resident plan and op by op
// (`resident: false`: the public ops, in JS; the activations' op functions call the same kernel, and
// activations.test.ts checks its bits against their JS formulas) on random values with NaN, ±0, ±∞, subnormals,
// huge and tiny values sprinkled in, sizes with vector tails; compared bit for bit (a NaN's bits
// too), on both builds.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectSameBits, fcn, rng, useBuild } from "./lib.js";
import type { GraphSpec, LayerSpec, Tensor } from "../dist/index.js";
import { binaryLayout } from "../dist/ops/broadcast-layout.js";
const { Net } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const SPECIALS = [NaN, -NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 1e-30, 3, -3, 6, 1];

/** Random values in (−8, 8) with a special value at about one place in four. */
function values(seed: number, shape: number[]): Tensor {
  const r = rng(seed);
  const data = Float32Array.from({ length: size(shape) }, () => (r() < 0.25 ? SPECIALS[Math.floor(r() * SPECIALS.length)] : (r() - 0.5) * 16));
  return fcn.tensor(data, shape);
}

/**
 * One layer of operands of `shapes`, run resident and op by op: the outputs' bits must agree.
 * Operands of rank ≥ 3 are graph inputs (the first is the graph's input), the others Constant layers.
 */
function expectPathsAgree(op: string, attrs: Record<string, unknown>, shapes: number[][], seed: number, params?: Map<string, Tensor>): void {
  const layers: LayerSpec[] = [], inputs: { name: string; shape: number[] }[] = [], feeds: Record<string, Tensor> = {};
  const weights = new Map(params ?? []);
  const names = shapes.map((shape, k) => {
    const value = values(seed * 7 + k, shape);
    if (shape.length >= 3) {
      const name = inputs.length === 0 ? "x" : `in${k}`;
      inputs.push({ name, shape });
      feeds[name] = value;
      return name;
    }
    layers.push({ name: `c${k}`, op: "Constant", inputs: [], attrs: { shape } } as LayerSpec);
    weights.set(`c${k}.value`, value);
    return `c${k}`;
  });
  layers.push({ name: "y", op, inputs: names, attrs } as LayerSpec);
  const spec: GraphSpec = { input: inputs[0], extraInputs: inputs.slice(1), output: "y", layers };
  const resident = Net.fromGraph(spec, weights), copying = Net.fromGraph(spec, weights, { resident: false });
  const what = `${op} ${shapes.map((s) => `[${s.join(", ")}]`).join(" ∘ ")} ${JSON.stringify(attrs)}`;
  expectSameBits(resident.runAll(feeds).y, copying.runAll(feeds).y, what);
  resident.dispose();
  copying.dispose();
}

/** Operand shapes the kernel takes ([O, C, I] with its own strides per operand). */
const KERNEL_LAYOUTS: number[][][] = [
  [[2, 3, 4, 5], [2, 3, 4, 5]], // same shape
  [[1, 3, 5, 7], [1, 3, 5, 7]], // odd: vector tails
  [[2, 3, 4, 5], []], [[], [2, 3, 4, 5]], [[2, 3, 5, 3], [1]], // a scalar
  [[2, 3, 4, 5], [1, 3, 1, 1]], [[1, 3, 1, 1], [2, 3, 4, 5]], [[2, 5, 3, 3], [5, 1, 1]], // per channel
  [[2, 3, 4, 5], [2, 3, 1, 1]], [[2, 3, 1, 1], [2, 3, 7, 3]], // an SE gate [N, C, 1, 1]
  [[2, 3, 4, 5], [4, 5]], [[3, 7], [2, 3, 3, 7]], [[2, 3, 4, 5], [1, 1, 4, 5]], // trailing spatial
  [[2, 1, 4, 5], [1, 3, 1, 1]], // both broadcast: [2, ·, 20] against [·, 3, ·]
  [[1, 1, 1, 1], [1, 1, 1, 1]], // one element
];
/** Shapes it leaves to the JS loop (four alternating groups). */
const JS_LAYOUTS: number[][][] = [[[2, 1, 4, 1], [1, 3, 1, 5]]];

describe.each(BUILDS)("resident kernels equal the JS path bit for bit (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("the layouts: the kernel's take a layout, the others none", () => {
    for (const [a, b] of KERNEL_LAYOUTS) expect(binaryLayout(a, b), `[${a}] ∘ [${b}]`).not.toBeNull();
    for (const [a, b] of JS_LAYOUTS) expect(binaryLayout(a, b), `[${a}] ∘ [${b}]`).toBeNull();
  });

  it("BroadcastAdd, Sub, Mul, Div in every layout", () => {
    let seed = 1;
    for (const op of ["BroadcastAdd", "Sub", "Mul", "Div"]) {
      for (const shapes of [...KERNEL_LAYOUTS, ...JS_LAYOUTS]) {
        expectPathsAgree(op, {}, shapes, seed++);
      }
    }
  });

  it("BatchNormalization: a·x + b per channel in float64, rounded once", () => {
    let seed = 100;
    for (const shape of [[2, 3, 5, 7], [1, 4, 3], [3, 2, 1], [1, 5, 4, 4], [2, 3, 2, 2, 3]]) {
      const C = shape[1], r = rng(seed);
      const p = (lo: number, hi: number) => fcn.tensor(Float32Array.from({ length: C }, () => lo + (hi - lo) * r()), [C]);
      const weights = new Map([["y.scale", p(-2, 2)], ["y.bias", p(-1, 1)], ["y.mean", p(-1, 1)], ["y.var", p(0, 3)]]);
      const epsilon = Math.fround(r() < 0.5 ? 1e-5 : 1e-3);
      expectPathsAgree("BatchNormalization", { channels: C, epsilon }, [shape], seed++, weights);
    }
  });

  it("Clip, HardSigmoid, HardSwish, LeakyRelu", () => {
    const cases: [string, Record<string, number>][] = [
      ["Clip", { min: 0, max: 6 }], ["Clip", {}], ["Clip", { min: -1.5 }], ["Clip", { min: 2, max: -1 }], ["Clip", { min: -Infinity, max: 0 }],
      ["HardSigmoid", {}], ["HardSigmoid", { alpha: 1 / 6, beta: 0.5 }], ["HardSigmoid", { alpha: -0.3, beta: 0.1 }],
      ["HardSwish", {}],
      ["LeakyRelu", {}], ["LeakyRelu", { alpha: 0.2 }], ["LeakyRelu", { alpha: -1.7 }],
    ];
    let seed = 200;
    for (const [op, attrs] of cases) {
      for (const shape of [[2, 3, 5, 7], [1, 1, 3], [3, 1, 2, 1]]) expectPathsAgree(op, attrs, [shape], seed++);
    }
  });

  it("Sqrt, Exp, Neg, Abs (their formulas over views of the blocks)", () => {
    let seed = 400;
    for (const op of ["Sqrt", "Exp", "Neg", "Abs"]) expectPathsAgree(op, {}, [[2, 3, 5, 7]], seed++);
  });

  it("Concat on every axis", () => {
    let seed = 300;
    for (let axis = 0; axis < 4; axis++) {
      const a = [2, 3, 4, 5], b = a.slice(), c = a.slice();
      b[axis] = 1;
      c[axis] = 3;
      expectPathsAgree("Concat", { axis }, [a, b, c], seed++);
    }
  });
});

// The strided-copy kernel (f32_permute__simd) behind transpose, depthToSpace, spaceToDepth, pad
// and slice, against the index-formula references (test/ref/layout.ts, data-movement.ts), bit for
// bit (they are copies, and the values include −0 and ±∞): seeded random ranks 1–8 (past the
// kernel's six axes), extents around the 4-wide tiles, every block size 1–5 in both DepthToSpace
// modes and SpaceToDepth; pad (every mode, crops) and slice (negative steps); the resident Net
// plan (Transpose, DepthToSpace, Pad and Slice layers on the plan's blocks); a 2-thread pool with
// every split forced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { depthToSpaceRef, spaceToDepthRef, transposeRef } from "./ref/layout.js";
import { padRef, sliceRef } from "./ref/data-movement.js";
import { splitThresholds } from "../dist/ops/run.js";
import { runtime } from "../dist/runtime/runtime.js";
import { permuteCopy } from "../dist/ops/transpose.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Random values with −0, +∞ and −∞ at some places. */
function values(r: () => number, n: number): Float32Array {
  const x = randArray(r, n);
  for (let i = 0; i < n; i++) {
    const k = (i * 7 + 3) % 29;
    if (k === 0) x[i] = -0;
    else if (k === 1) x[i] = Infinity;
    else if (k === 2) x[i] = -Infinity;
  }
  return x;
}

/** A reference's float64 result as the float32 tensor it must equal bit for bit. */
const f32 = (ref: { data: Float64Array; shape: number[] }): Tensor => fcn.tensor(Float32Array.from(ref.data), ref.shape);

function shuffled(r: () => number, a: number[]): number[] {
  for (let i = a.length - 1; i > 0; i--) { const j = randInt(r, 0, i); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

/** A random shape of `rank` with at most ~`budget` elements, extents 1…13. */
function randomShape(r: () => number, rank: number, budget: number): number[] {
  const shape: number[] = [];
  for (let k = 0; k < rank; k++) {
    const cap = Math.floor(1.5 * (budget / size(shape)) ** (1 / (rank - k))); // the budget spread over the axes left
    shape.push(randInt(r, 1, Math.max(1, Math.min(13, cap))));
  }
  return shape;
}

/** Random transposes and block moves against the references; `tag` names the setting. */
function randomCases(seed: number, trials: number, tag: string): void {
  const r = rng(seed);
  for (let t = 0; t < trials; t++) {
    const rank = randInt(r, 1, 8);
    const shape = randomShape(r, rank, 6000), perm = shuffled(r, Array.from({ length: rank }, (_, i) => i));
    const x = values(r, size(shape));
    const what = `${tag}: transpose ${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`;
    expectSameBits(fcn.transpose(fcn.tensor(x, shape), { perm }), f32(transposeRef(x, shape, perm)), what);
  }
  for (let t = 0; t < trials; t++) {
    const b = randInt(r, 1, 5), mode = t % 2 ? "DCR" as const : "CRD" as const;
    const shape = [randInt(r, 1, 2), b * b * randInt(r, 1, 3), randInt(r, 1, 6), randInt(r, 1, 13)];
    const x = values(r, size(shape));
    expectSameBits(fcn.depthToSpace(fcn.tensor(x, shape), { blocksize: b, mode }), f32(depthToSpaceRef(x, shape, b, mode)), `${tag}: depthToSpace ${mode} b=${b} ${JSON.stringify(shape)}`);
    const s2 = [randInt(r, 1, 2), randInt(r, 1, 3), b * randInt(r, 1, 4), b * randInt(r, 1, 13)];
    const x2 = values(r, size(s2));
    expectSameBits(fcn.spaceToDepth(fcn.tensor(x2, s2), { blocksize: b }), f32(spaceToDepthRef(x2, s2, b)), `${tag}: spaceToDepth b=${b} ${JSON.stringify(s2)}`);
  }
}

const MODES = ["constant", "reflect", "edge"] as const;

/** Random pads and slices of 2-D to 4-D tensors with rows up to 21 (the kernel's rows, tiles and tails) against the references. */
function padSliceCases(seed: number, trials: number, tag: string): void {
  const r = rng(seed);
  for (let t = 0; t < trials; t++) {
    const rank = randInt(r, 2, 4);
    const shape = Array.from({ length: rank }, (_, a) => randInt(r, 1, a === rank - 1 ? 21 : 5));
    const x = values(r, size(shape));
    // pad: each side −2…3 (clamped so that reflect stays possible), every mode
    const mode = MODES[t % 3], value = mode === "constant" ? Math.round(r() * 8 - 4) / 4 : undefined;
    const pads = [...shape, ...shape].map((n) => Math.min(randInt(r, -2, 3), mode === "constant" ? 3 : Math.max(0, n - 3)));
    const want = padRef(x, shape, pads, mode, value ?? 0);
    const attrs = value === undefined ? { pads, mode } : { pads, mode, value };
    const what = `${tag}: pad [${shape}] pads [${pads}] ${mode} ${value}`;
    if (want === null) expect(() => fcn.pad(fcn.tensor(x, shape), attrs), what).toThrow(fcn.ShapeError);
    else expectSameBits(fcn.pad(fcn.tensor(x, shape), attrs), f32(want), what);
    // slice: every axis, steps −3…3 but not 0, starts and ends anywhere in the axis
    const steps = shape.map(() => (r() < 0.5 ? 1 : randInt(r, 1, 3) * (r() < 0.5 ? -1 : 1)));
    const starts = shape.map((n) => randInt(r, -n, n)), ends = shape.map((n) => randInt(r, -n - 1, n + 1));
    const axes = shape.map((_, a) => a);
    const sliced = fcn.slice(fcn.tensor(x, shape), { starts, ends, axes, steps });
    expectSameBits(sliced, f32(sliceRef(x, shape, starts, ends, axes, steps)), `${tag}: slice [${shape}] starts [${starts}] ends [${ends}] steps [${steps}]`);
  }
}

/** input → one layer → output. */
const single = (op: string, attrs: Record<string, unknown>, shape: number[]): GraphSpec => ({
  input: { name: "x", shape }, output: "y", layers: [{ name: "y", op, inputs: ["x"], attrs }],
}) as GraphSpec;

describe.each(BUILDS)("strided copies: transpose, depthToSpace, spaceToDepth (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("seeded random ranks 1–8, permutations and block sizes 1–5: bit for bit the references", () => randomCases(801, 80, build));

  it("seeded random pads (every mode, crops too) and slices (negative steps too): bit for bit the references", () => padSliceCases(805, 150, build));

  it("the shapes the kernel's tiles specialise: [1, 64, 56, 56] to NHWC, ESPCN's DepthToSpace b = 3, SpaceToDepth b = 2 and 3; eight axes that do not merge", () => {
    const r = rng(802);
    const x = values(r, 64 * 56 * 56);
    expectSameBits(fcn.transpose(fcn.tensor(x, [1, 64, 56, 56]), { perm: [0, 2, 3, 1] }), f32(transposeRef(x, [1, 64, 56, 56], [0, 2, 3, 1])), "NCHW → NHWC");
    const d = values(r, 27 * 17 * 19);
    for (const mode of ["DCR", "CRD"] as const) {
      expectSameBits(fcn.depthToSpace(fcn.tensor(d, [1, 27, 17, 19]), { blocksize: 3, mode }), f32(depthToSpaceRef(d, [1, 27, 17, 19], 3, mode)), `depthToSpace ${mode} b=3`);
    }
    // eight axes no two of which merge: two loops here around the kernel's six
    const s8 = [2, 3, 2, 3, 2, 3, 2, 3], p8 = [7, 5, 3, 1, 6, 4, 2, 0], x8 = values(r, size(s8));
    expect(permuteCopy(s8, p8).axes.length).toBe(8);
    expectSameBits(fcn.transpose(fcn.tensor(x8, s8), { perm: p8 }), f32(transposeRef(x8, s8, p8)), "rank 8");
    for (const b of [2, 3]) {
      const s = [1, 3, 6 * b, 7 * b], xs = values(r, size(s));
      expectSameBits(fcn.spaceToDepth(fcn.tensor(xs, s), { blocksize: b }), f32(spaceToDepthRef(xs, s, b)), `spaceToDepth b=${b}`);
    }
  });

  it("the resident plan: Transpose and DepthToSpace layers on the plan's blocks equal the references", () => {
    const r = rng(803);
    for (const [shape, perm] of [[[1, 8, 9, 10], [0, 2, 3, 1]], [[2, 3, 5, 7], [3, 1, 0, 2]], [[2, 3, 4], [2, 0, 1]]] as const) {
      const net = fcn.Net.fromGraph(single("Transpose", { perm }, shape.slice()));
      const x = values(r, size(shape));
      expectSameBits(net.run(fcn.tensor(x, shape.slice())), f32(transposeRef(x, shape, perm)), `plan Transpose ${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`);
      net.dispose();
    }
    for (const mode of ["DCR", "CRD"] as const) {
      const shape = [1, 27, 11, 13], x = values(r, size(shape));
      const net = fcn.Net.fromGraph(single("DepthToSpace", { blocksize: 3, mode }, shape));
      expectSameBits(net.run(fcn.tensor(x, shape)), f32(depthToSpaceRef(x, shape, 3, mode)), `plan DepthToSpace ${mode}`);
      net.dispose();
    }
    const shape = [1, 3, 9, 14], x = values(r, size(shape)), pads = [0, 0, 2, -1, 0, 1, 1, 3];
    for (const mode of MODES) {
      const net = fcn.Net.fromGraph(single("Pad", { pads, mode, ...(mode === "constant" ? { value: -0.5 } : {}) }, shape));
      for (let run = 0; run < 2; run++) expectSameBits(net.run(fcn.tensor(x, shape)), f32(padRef(x, shape, pads, mode, -0.5)!), `plan Pad ${mode}, run ${run}`);
      net.dispose();
    }
    const cut = { starts: [1, 8, -2], ends: [3, 0, -14], axes: [1, 2, 3], steps: [1, -3, -1] };
    const net = fcn.Net.fromGraph(single("Slice", cut, shape));
    expectSameBits(net.run(fcn.tensor(x, shape)), f32(sliceRef(x, shape, cut.starts, cut.ends, cut.axes, cut.steps)), "plan Slice");
    net.dispose();
  });
});

describe("strided copies on a 2-thread pool", () => {
  afterAll(() => fcn.dispose());
  it("every split forced: the same bits as the references", async () => {
    const info = await fcn.ready({ threads: 2 });
    expect(info.threads).toBe(2);
    const saved = { ...splitThresholds };
    splitThresholds.bytes = 1;
    try {
      const pool = runtime().pool!;
      const before = pool.dispatches;
      randomCases(804, 30, "2 threads");
      padSliceCases(806, 30, "2 threads");
      expect(pool.dispatches, "the pool split some of the work").toBeGreaterThan(before);
    } finally {
      Object.assign(splitThresholds, saved);
    }
  });
});

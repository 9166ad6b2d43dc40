// resize / resizeBackward: forward against the per-element definition (test/ref/resize.ts) over
// every mode × coordinate mode × nearest mode, scales up and down and sizes, spatial ranks 1–3;
// the backward by the adjoint identity ⟨dy, R x⟩ = ⟨R* dy, x⟩; typed errors; inputs unchanged;
// and a Resize layer in a Net (forward, and the gradient through it by finite differences).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { expectFiniteDifferences } from "./net-finite-differences.js";
import { type Coord, type Nearest, refResize } from "./ref/resize.js";
import { fcParams } from "./robustness/arbitraries.js";
import type { GraphSpec } from "../dist/index.js";

const COORDS: Coord[] = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"];
const NEARESTS: Nearest[] = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];
const SCALES = [0.3, 0.5, 0.6, 0.75, 1, 4 / 3, 1.5, 2, 2.5, 3];

interface Case { mode: "nearest" | "linear"; coord: Coord; nearest: Nearest; shape: number[]; scales?: number[]; sizes?: number[] }

/** Random cases covering every combination, each with a fresh shape and scales (or sizes). */
function cases(seed: number, perCombo: number): Case[] {
  const r = rng(seed), out: Case[] = [];
  for (const mode of ["nearest", "linear"] as const) {
    for (const coord of COORDS) {
      for (const nearest of mode === "nearest" ? NEARESTS : (["round_prefer_floor"] as Nearest[])) {
        for (let k = 0; k < perCombo; k++) {
          const rank = [1, 2, 2, 3][randInt(r, 0, 3)];
          const shape = [randInt(r, 1, 2), randInt(r, 1, 3), ...Array.from({ length: rank }, () => randInt(r, 1, rank === 3 ? 4 : 7))];
          const c: Case = { mode, coord, nearest, shape };
          if (k % 2 === 0) c.sizes = shape.slice(2).map(() => randInt(r, 1, 9));
          else c.scales = shape.slice(2).map((n) => { for (;;) { const s = SCALES[randInt(r, 0, SCALES.length - 1)]; if (Math.floor(n * s) >= 1) return s; } });
          out.push(c);
        }
      }
    }
  }
  return out;
}

const attrsOf = (c: Case) => ({ mode: c.mode, coordinateTransformationMode: c.coord, nearestMode: c.nearest, ...(c.scales ? { scales: c.scales } : { sizes: c.sizes }) });
const label = (c: Case) => `${c.mode} ${c.coord}${c.mode === "nearest" ? ` ${c.nearest}` : ""} x=[${c.shape.join(",")}] ${c.scales ? `scales=[${c.scales.join(",")}]` : `sizes=[${c.sizes!.join(",")}]`}`;

describe("resize", () => {
  beforeAll(() => useBuild("simd"));

  it("matches the per-element definition for every mode × coordinate mode × nearest mode", () => {
    let n = 0;
    for (const c of cases(11, 6)) {
      const r = rng(1000 + n++);
      const x = fcn.tensor(randArray(r, c.shape.reduce((p, d) => p * d, 1)), c.shape);
      const copy = x.data.slice();
      const y = fcn.resize(x, attrsOf(c));
      const want = refResize(x.data, c.shape, { mode: c.mode, coord: c.coord, nearest: c.nearest, scales: c.scales, sizes: c.sizes });
      // nearest copies values: exact; linear: float64 sums in another order, rounded once
      expectClose(y, want, label(c), c.mode === "nearest" ? 0 : 1e-6, c.mode === "nearest" ? 0 : 1e-6);
      expect(x.data).toEqual(copy);
    }
  });

  it("small cases worked by hand (ONNX's own examples)", () => {
    const x = fcn.tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    // Upsample's example: nearest ×2, ×3, asymmetric floor = repetition
    expect(Array.from(fcn.resize(x, { scales: [2, 3], coordinateTransformationMode: "asymmetric", nearestMode: "floor" }).data)).toEqual(
      [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
    // resize_downsample_scales_linear: [[1..4],[5..8]] × 0.6 → [[2.6666665, 4.3333331]]
    const x2 = fcn.tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]);
    expectClose(fcn.resize(x2, { mode: "linear", scales: [0.6, 0.6] }), { data: [8 / 3, 13 / 3], shape: [1, 1, 1, 2] }, "downsample linear", 1e-6, 0);
    // resize_downsample_scales_linear_align_corners: the text's length_resized is the output's
    // length (2 on W): x = 1 · 3 / 1 = 3 → [[1, 4]], as onnxruntime gives. ONNX's reference and its
    // test data use the fractional 0.6 · 4 = 2.4 instead (x = 3 / 1.4, [[1, 3.142857]]).
    expectClose(fcn.resize(x2, { mode: "linear", coordinateTransformationMode: "align_corners", scales: [0.6, 0.6] }),
      { data: [1, 4], shape: [1, 1, 1, 2] }, "downsample linear align_corners", 1e-6, 0);
    // resize_downsample_scales_nearest: scales 0.6 → [[1, 3]]
    expect(Array.from(fcn.resize(x2, { scales: [0.6, 0.6] }).data)).toEqual([1, 3]);
  });

  it("ONNX's own examples (onnx/backend/test/case/node/resize.py, their expected values)", () => {
    const x22 = fcn.tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    const x24 = fcn.tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]);
    const x44 = fcn.tensor(Array.from({ length: 16 }, (_, i) => i + 1), [1, 1, 4, 4]);
    const rows = (...r: number[][]) => r.flat();
    const cases: [string, ReturnType<typeof fcn.resize>, number[]][] = [
      ["upsample_scales_nearest", fcn.resize(x22, { scales: [2, 3] }), rows([1, 1, 1, 2, 2, 2], [1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4], [3, 3, 3, 4, 4, 4])],
      ["downsample_scales_nearest", fcn.resize(x24, { scales: [0.6, 0.6] }), [1, 3]],
      ["upsample_sizes_nearest", fcn.resize(x22, { sizes: [7, 8] }), rows(...[0, 0, 0, 0, 1, 1, 1].map((r) => [1, 1, 1, 1, 2, 2, 2, 2].map((v) => v + 2 * r)))],
      ["downsample_sizes_nearest", fcn.resize(x24, { sizes: [1, 3] }), [1, 2, 4]],
      ["upsample_scales_linear", fcn.resize(x22, { mode: "linear", scales: [2, 2] }), rows([1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4])],
      ["upsample_scales_linear_align_corners", fcn.resize(x22, { mode: "linear", coordinateTransformationMode: "align_corners", scales: [2, 2] }),
        rows([1, 4 / 3, 5 / 3, 2], [5 / 3, 2, 7 / 3, 8 / 3], [7 / 3, 8 / 3, 3, 10 / 3], [3, 10 / 3, 11 / 3, 4])],
      ["downsample_scales_linear", fcn.resize(x24, { mode: "linear", scales: [Math.fround(0.6), Math.fround(0.6)] }), [2.6666665, 4.3333331]],
      ["downsample_sizes_linear_pytorch_half_pixel", fcn.resize(x44, { mode: "linear", coordinateTransformationMode: "pytorch_half_pixel", sizes: [3, 1] }), [1.6666666, 7, 12.333333]],
      ["upsample_sizes_nearest_floor_align_corners", fcn.resize(x44, { coordinateTransformationMode: "align_corners", nearestMode: "floor", sizes: [8, 8] }),
        rows(...[0, 0, 0, 1, 1, 2, 2, 3].map((r) => [1, 1, 1, 2, 2, 3, 3, 4].map((v) => v + 4 * r)))],
      ["upsample_sizes_nearest_round_prefer_ceil_asymmetric", fcn.resize(x44, { coordinateTransformationMode: "asymmetric", nearestMode: "round_prefer_ceil", sizes: [8, 8] }),
        rows(...[0, 1, 1, 2, 2, 3, 3, 3].map((r) => [1, 2, 2, 3, 3, 4, 4, 4].map((v) => v + 4 * r)))],
      ["upsample_sizes_nearest_ceil_half_pixel", fcn.resize(x44, { nearestMode: "ceil", sizes: [8, 8] }),
        rows(...[0, 1, 1, 2, 2, 3, 3, 3].map((r) => [1, 2, 2, 3, 3, 4, 4, 4].map((v) => v + 4 * r)))],
    ];
    for (const [name, got, want] of cases) expectClose(got, { data: want, shape: got.shape }, name, 1e-6, 1e-6);
  });

  it("property: random shapes and attributes match the definition, satisfy the adjoint identity, leave inputs unchanged", () => {
    const call = fc.integer({ min: 1, max: 3 }).chain((rank) => fc.record({
      mode: fc.constantFrom("nearest" as const, "linear" as const),
      coord: fc.constantFrom(...COORDS),
      nearest: fc.constantFrom(...NEARESTS),
      shape: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: rank, maxLength: rank })),
      bySizes: fc.boolean(),
      sizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: rank, maxLength: rank }),
      scales: fc.array(fc.double({ min: 0.25, max: 3.5, noNaN: true }), { minLength: rank, maxLength: rank }),
      seed: fc.integer(),
    }));
    fc.assert(fc.property(call, (c) => {
      const shape = [c.shape[0], c.shape[1], ...c.shape[2]];
      const scales = c.scales.map((s, i) => Math.max(s, 1 / shape[2 + i])); // floor(in · s) ≥ 1
      const o = { mode: c.mode, coord: c.coord, nearest: c.nearest, ...(c.bySizes ? { sizes: c.sizes } : { scales }) };
      const attrs = { mode: c.mode, coordinateTransformationMode: c.coord, nearestMode: c.nearest, ...(c.bySizes ? { sizes: c.sizes } : { scales }) };
      const r = rng(c.seed);
      const x = fcn.tensor(randArray(r, shape.reduce((p, d) => p * d, 1)), shape);
      const xCopy = x.data.slice();
      const y = fcn.resize(x, attrs);
      expectClose(y, refResize(x.data, shape, o), JSON.stringify(c), c.mode === "nearest" ? 0 : 1e-6, c.mode === "nearest" ? 0 : 1e-6);
      const dy = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
      const dx = fcn.resizeBackward(dy, shape, attrs);
      let lhs = 0, rhs = 0;
      for (let i = 0; i < y.data.length; i++) lhs += dy.data[i] * y.data[i];
      for (let i = 0; i < x.data.length; i++) rhs += dx.data[i] * x.data[i];
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
      expect(x.data).toEqual(xCopy);
    }), fcParams(200)); // FC_SEED / FC_PATH replay a failure
  });

  it("backward is the adjoint: ⟨dy, R x⟩ = ⟨R* dy, x⟩", () => {
    let n = 0;
    for (const c of cases(22, 2)) {
      const r = rng(2000 + n++);
      const x = fcn.tensor(randArray(r, c.shape.reduce((p, d) => p * d, 1)), c.shape);
      const y = fcn.resize(x, attrsOf(c));
      const dy = fcn.tensor(randArray(r, y.data.length), y.shape.slice());
      const dyCopy = dy.data.slice();
      const dx = fcn.resizeBackward(dy, c.shape, attrsOf(c));
      expect(dx.shape).toEqual(c.shape);
      expect(dy.data).toEqual(dyCopy);
      let lhs = 0, rhs = 0;
      for (let i = 0; i < y.data.length; i++) lhs += dy.data[i] * y.data[i];
      for (let i = 0; i < x.data.length; i++) rhs += dx.data[i] * x.data[i];
      expect(Math.abs(lhs - rhs), label(c)).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
    }
  });

  it("nearest backward sums the gradient of every output that copied a pixel", () => {
    const dy = fcn.tensor(new Float32Array(24).fill(1), [1, 1, 4, 6]);
    const dx = fcn.resizeBackward(dy, [1, 1, 2, 2], { scales: [2, 3], coordinateTransformationMode: "asymmetric", nearestMode: "floor" });
    expect(Array.from(dx.data)).toEqual([6, 6, 6, 6]);
  });

  it("throws typed errors naming the attribute and the value", () => {
    const x = fcn.tensor(new Float32Array(16), [1, 1, 4, 4]);
    expect(() => fcn.resize(x, { mode: "cubic" as "linear", scales: 2 })).toThrow(fcn.UnsupportedError);
    expect(() => fcn.resize(x, { mode: "cubic" as "linear", scales: 2 })).toThrow(/cubic/);
    expect(() => fcn.resize(x, { coordinateTransformationMode: "tf_crop_and_resize" as "asymmetric", scales: 2 })).toThrow(fcn.UnsupportedError);
    expect(() => fcn.resize(x, { coordinateTransformationMode: "tf_half_pixel_for_nn" as "asymmetric", scales: 2 })).toThrow(/tf_half_pixel_for_nn/);
    expect(() => fcn.resize(x, { mode: "bilinear" as "linear", scales: 2 })).toThrow(fcn.AttributeError);
    expect(() => fcn.resize(x, { nearestMode: "round" as "floor", scales: 2 })).toThrow(/nearestMode.*"round"/);
    expect(() => fcn.resize(x, {})).toThrow(/exactly one of scales and sizes, got neither/);
    expect(() => fcn.resize(x, { scales: 2, sizes: 8 })).toThrow(/got both/);
    expect(() => fcn.resize(x, { scales: [2, 0] })).toThrow(/scales\)\[1\].*> 0, got 0/);
    expect(() => fcn.resize(x, { scales: [2] })).toThrow(/expected 2 values/);
    expect(() => fcn.resize(x, { sizes: [2, 2.5] })).toThrow(fcn.AttributeError);
    expect(() => fcn.resize(x, { scales: 0.1 })).toThrow(fcn.ShapeError); // floor(4 · 0.1) = 0
    expect(() => fcn.resize(x, { scale: 2 } as never)).toThrow(/unknown attribute/);
    expect(() => fcn.resize(fcn.tensor(new Float32Array(4), [2, 2]), { scales: 2 })).toThrow(fcn.ShapeError);
    expect(() => fcn.resizeBackward(fcn.tensor(new Float32Array(16), [1, 1, 4, 4]), [1, 1, 4, 4], { scales: 2 })).toThrow(fcn.ShapeError);
  });

  it("runs as a Net layer, and the gradient through it matches finite differences", () => {
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 2, 5, 4] },
      output: "up",
      layers: [
        { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: [3, 3], pads: 1 } },
        { name: "up", op: "Resize", inputs: ["c"], attrs: { mode: "linear", coordinateTransformationMode: "half_pixel", scales: [1.5, 2] } },
      ],
    };
    expect(fcn.inferShapes(spec).get("up")).toEqual([1, 3, 7, 8]);
    const r = rng(5);
    const x = fcn.tensor(randArray(r, 40), [1, 2, 5, 4]);
    for (const resident of [true, false]) {
      const net = fcn.Net.fromGraph(spec, undefined, { resident });
      const y = net.run(x);
      const want = fcn.resize(fcn.Net.fromGraph({ ...spec, output: "c" }, net.parameters(), { resident: false }).run(x), spec.layers[1].attrs as never);
      expectClose(y, want, `net (resident ${resident})`, 0, 0);
      net.dispose();
    }
    const net = fcn.Net.fromGraph(spec);
    net.training = true;
    const dir = fcn.tensor(randArray(r, 3 * 7 * 8), [1, 3, 7, 8]);
    expectFiniteDifferences(spec, net, x, dir, (n) => [0, Math.floor(n / 2), n - 1]);
    net.dispose();
  });

  it("a Net checks the layer's attributes", () => {
    const spec = (attrs: Record<string, unknown>): GraphSpec => ({
      input: { name: "x", shape: [1, 1, 4, 4] }, output: "up", layers: [{ name: "up", op: "Resize", inputs: ["x"], attrs } as never],
    });
    expect(() => fcn.Net.fromGraph(spec({ scales: [2, 2], mode: "cubic" }))).toThrow(fcn.UnsupportedError);
    expect(() => fcn.Net.fromGraph(spec({ sizes: [8] }))).toThrow(/sizes/);
  });
});

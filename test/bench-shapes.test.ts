// The benchmark's real layer geometries (bench/shapes.ts: VGG16 3×3 convs, FCN-8s/16s/32s
// upsampling, decoder layers, the stride sweep, the 3D U-Net layers on volumes) with their kernels,
// strides, pads and sizes, the channels cut to a few (inputs to 6×6 under kernels of 16 and more,
// volumes to at most 7 per side) so the float64 gather references stay quick: every algorithm that
// applies against the reference, the benchmark's own output-size formula against the package's,
// and the benchmark's own float64 check (bench/check.ts) against the test reference.
import { beforeAll, describe, expect, it } from "vitest";
import { makeData, reference } from "../bench/check.js";
import { SHAPES, type LayerShape, layerWindow, macs, opType, outputSize, tensorShapes } from "../bench/shapes.js";
import { BUILDS, expectClose, fcn, randArray, rng, useBuild } from "./lib.js";
import { convRef, convTransposeRef } from "./ref/conv.js";

const windows = SHAPES.filter((s): s is LayerShape => s.kind !== "gemm");
const isVolume = (s: LayerShape) => s.kind === "conv3d" || s.kind === "convTranspose3d";

/**
 * The same layer, smaller: dense C → 3, M → 2; depthwise 3 groups of one channel; an input of
 * at most 6×6 under a kernel of 16 or more (its output still spans several kernels and borders);
 * a volume of at most 7×7×7 (odd, so every border and stride phase still occurs).
 */
function smaller(s: LayerShape): LayerShape {
  const channels = s.groups === 1 ? { C: Math.min(s.C, 3), M: Math.min(s.M, 2) } : { C: 3, M: 3, groups: 3 };
  if (isVolume(s)) return { ...s, ...channels, D: Math.min(s.D, 7), H: Math.min(s.H, 7), W: Math.min(s.W, 7) } as LayerShape;
  const side = Math.max(s.kH, s.kW) >= 16 ? { H: Math.min(s.H, 6), W: Math.min(s.W, 6) } : {};
  return { ...s, ...side, ...channels } as LayerShape;
}

/** The layer's attributes as the ops (and test/ref) take them, for 2-D and 3-D alike. */
function attrsOf(s: LayerShape) {
  const win = layerWindow(s);
  const attrs = { strides: win.strides, pads: win.pads, dilations: win.dilations, group: s.groups };
  return win.transposed ? { ...attrs, outputPadding: win.outputPadding } : attrs;
}

/** The float64 reference of test/ref on the benchmark's own inputs. */
function testReference(s: LayerShape, data: ReturnType<typeof makeData>) {
  const { x, w, b, dims } = data;
  return opType(s) === "Conv" ? convRef(x, dims.x, w, dims.w, b, attrsOf(s)) : convTransposeRef(x, dims.x, w, dims.w, b, attrsOf(s));
}

describe("bench/shapes.ts and bench/check.ts", () => {
  it("lists conv and convTranspose layers of every group, 2-D and 3-D", () => {
    expect(new Set(windows.map((s) => s.group))).toEqual(new Set(["conv", "fcn", "decoder", "sweep", "volume"]));
    expect(new Set(windows.filter(isVolume).map((s) => s.kind))).toEqual(new Set(["conv3d", "convTranspose3d"]));
    expect(new Set(SHAPES.map((s) => s.name)).size, "unique names").toBe(SHAPES.length);
  });

  it("counts MACs of a 3-D layer as ONNX's definition does", () => {
    const up = windows.find((s) => s.name === "convT k2 s2 p0 64->32 32x32x32 u-net")!;
    expect(tensorShapes(up)).toEqual({ x: [1, 64, 32, 32, 32], w: [64, 32, 2, 2, 2], b: [32], y: [1, 32, 64, 64, 64] });
    expect(macs(up)).toBe(64 * 32 ** 3 * 32 * 8); // N·C·∏in·(M/g)·∏k
    const conv = windows.find((s) => s.name === "conv k3 s1 p1 32->32 32x32x32 u-net")!;
    expect(macs(conv)).toBe(32 * 32 ** 3 * 32 * 27); // N·M·∏out·(C/g)·∏k
  });

  // The benchmark's float64 reference (every element of the smaller layer) against test/ref's.
  for (const full of windows) {
    it(`bench/check.ts reference: ${full.name}`, () => {
      const s = smaller(full);
      const data = makeData(s);
      const ref = reference(s, data, macs(s));
      const want = testReference(s, data);
      expect(ref.coverage).toBe("all");
      expect(want.shape, "test/ref's output shape").toEqual(data.dims.y);
      for (let i = 0; i < ref.indices.length; i++) {
        const k = ref.indices[i];
        if (Math.abs(ref.values[i] - want.data[k]) > 1e-9 * (1 + ref.scales[i])) {
          throw new Error(`${s.name}: bench reference y[${k}] = ${ref.values[i]}, test/ref ${want.data[k]}`);
        }
      }
    });
  }
});

describe.each(BUILDS)("bench/shapes.ts layers, smaller (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  for (const full of windows) {
    it(full.name, () => {
      const s = smaller(full);
      const r = rng(windows.indexOf(full) + 1);
      const dims = tensorShapes(s);
      const size = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);
      const x = fcn.tensor(randArray(r, size(dims.x)), dims.x);
      const w = fcn.tensor(randArray(r, size(dims.w)), dims.w);
      const b = dims.b ? fcn.tensor(randArray(r, s.M), dims.b) : null;
      const attrs = attrsOf(s);
      if (opType(s) === "Conv") {
        const got = fcn.conv(x, w, b, attrs);
        expect(got.shape.slice(2), "bench outputSize").toEqual(outputSize(s));
        expectClose(got, convRef(x.data, x.shape, w.data, w.shape, b?.data ?? null, attrs), s.name);
        return;
      }
      const want = convTransposeRef(x.data, x.shape, w.data, w.shape, b?.data ?? null, attrs);
      expect(want.shape.slice(2), "bench outputSize").toEqual(outputSize(s));
      const algorithms = (["auto", "subpixel", "gemm-col2im", "depthwise"] as const).filter((a) =>
        a === "auto" || a === "gemm-col2im" || (a === "depthwise" ? s.groups === s.C : s.dilations.every((d) => d === 1)));
      for (const algorithm of algorithms) {
        expectClose(fcn.convTranspose(x, w, b, attrs, { algorithm }), want, `${s.name} (${algorithm})`);
      }
    });
  }
});

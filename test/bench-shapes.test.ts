// The benchmark's real layer geometries (bench/shapes.ts: VGG16 3×3 convs, FCN-8s/16s/32s
// upsampling, decoder layers, the stride sweep) with their kernels, strides, pads and sizes, the
// channels cut to a few (and inputs to 6×6 under kernels of 16 and more) so the float64 gather
// references stay quick: every algorithm that applies against the reference, and the
// benchmark's own output-size formula against the package's.
import { beforeAll, describe, expect, it } from "vitest";
import { SHAPES, type ConvShape, type ConvTransposeShape, outputSize } from "../bench/shapes.js";
import { BUILDS, expectClose, fcn, randArray, rng, useBuild } from "./lib.js";
import { convRef, convTransposeRef } from "./ref/conv.js";

type WindowShape = ConvShape | ConvTransposeShape;
const windows = SHAPES.filter((s): s is WindowShape => s.kind !== "gemm");

/**
 * The same layer, smaller: dense C → 3, M → 2; depthwise 3 groups of one channel; an input of
 * at most 6×6 under a kernel of 16 or more (its output still spans several kernels and borders).
 */
function smaller(s: WindowShape): WindowShape {
  const side = Math.max(s.kH, s.kW) >= 16 ? { H: Math.min(s.H, 6), W: Math.min(s.W, 6) } : {};
  const channels = s.groups === 1 ? { C: Math.min(s.C, 3), M: Math.min(s.M, 2) } : { C: 3, M: 3, groups: 3 };
  return { ...s, ...side, ...channels };
}

describe.each(BUILDS)("bench/shapes.ts layers, smaller (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("lists conv and convTranspose layers of every group", () => {
    expect(new Set(windows.map((s) => s.group))).toEqual(new Set(["conv", "fcn", "decoder", "sweep"]));
  });

  for (const full of windows) {
    it(full.name, () => {
      const s = smaller(full);
      const r = rng(windows.indexOf(full) + 1);
      const x = fcn.tensor(randArray(r, s.N * s.C * s.H * s.W), [s.N, s.C, s.H, s.W]);
      const wShape = s.kind === "conv" ? [s.M, s.C / s.groups, s.kH, s.kW] : [s.C, s.M / s.groups, s.kH, s.kW];
      const w = fcn.tensor(randArray(r, wShape.reduce((a, b) => a * b, 1)), wShape);
      const b = s.bias ? fcn.tensor(randArray(r, s.M), [s.M]) : null;
      const attrs = { strides: s.strides, pads: s.pads, dilations: s.dilations, group: s.groups };
      if (s.kind === "conv") {
        const got = fcn.conv(x, w, b, attrs);
        expect(got.shape.slice(2), "bench outputSize").toEqual(outputSize(s));
        expectClose(got, convRef(x.data, x.shape, w.data, wShape, b?.data ?? null, attrs), s.name);
        return;
      }
      const tAttrs = { ...attrs, outputPadding: s.outputPadding };
      const want = convTransposeRef(x.data, x.shape, w.data, wShape, b?.data ?? null, tAttrs);
      expect(want.shape.slice(2), "bench outputSize").toEqual(outputSize(s));
      const algorithms = (["auto", "subpixel", "gemm-col2im", "depthwise"] as const).filter((a) =>
        a === "auto" || a === "gemm-col2im" || (a === "depthwise" ? s.groups === s.C : s.dilations.every((d) => d === 1)));
      for (const algorithm of algorithms) {
        expectClose(fcn.convTranspose(x, w, b, tAttrs, { algorithm }), want, `${s.name} (${algorithm})`);
      }
    });
  }
});

// Shapes large enough to take the code paths small random cases never reach: conv's im2col band
// tiling (several bands, with stride and dilation shifting the band's pads), every transposed-
// convolution algorithm forced on FCN- and decoder-like layers, and GEMMs crossing every cache
// block. Each is compared with the plain-TS references.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, randArray, rng, useBuild } from "./lib.js";
import { convRef, convTransposeRef, type RefConvAttrs } from "./ref/conv.js";

function close(got: fcn.Tensor, want: { data: Float64Array; shape: number[] }, terms: number, context: string): void {
  expectClose(got, want, context, 2e-6 * terms, 1e-4);
}

describe.each(BUILDS)("larger shapes (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  const convCases: [string, number[], number[], RefConvAttrs][] = [
    ["3 bands, k3 p1", [1, 16, 48, 48], [8, 16, 3, 3], { pads: 1 }],
    ["bands with stride 2 and asymmetric pads", [2, 12, 61, 37], [6, 12, 3, 5], { strides: [2, 1], pads: [2, 1, 0, 3] }],
    ["bands with dilation 2 and groups", [1, 24, 50, 41], [12, 8, 3, 3], { dilations: 2, pads: 2, group: 3 }],
    ["1-D long signal", [1, 32, 3000], [16, 32, 5], { pads: 2, strides: 2 }],
  ];
  for (const [name, xs, ws, attrs] of convCases) {
    it(`conv ${name}: x=${xs.join("x")} w=${ws.join("x")}`, () => {
      const r = rng(xs.reduce((a, b) => a * b, 7));
      const x = fcn.tensor(randArray(r, xs.reduce((a, b) => a * b, 1)), xs);
      const w = fcn.tensor(randArray(r, ws.reduce((a, b) => a * b, 1)), ws);
      const b = fcn.tensor(randArray(r, ws[0]), [ws[0]]);
      const want = convRef(x.data, xs, w.data, ws, b.data, attrs);
      close(fcn.conv(x, w, b, attrs), want, ws.slice(1).reduce((a, c) => a * c, 1), `conv ${name}`);
    });
  }

  const algorithms = ["auto", "subpixel", "gemm-col2im", "depthwise"] as const;
  const transposedCases: [string, number[], number[], RefConvAttrs][] = [
    ["FCN upscore2 21→21 k4 s2", [1, 21, 9, 11], [21, 21, 4, 4], { strides: 2 }],
    ["FCN upscore8 k16 s8", [1, 5, 6, 7], [5, 5, 16, 16], { strides: 8 }],
    ["FCN upscore k64 s32", [1, 3, 3, 2], [3, 3, 64, 64], { strides: 32 }],
    ["FCN bilinear depthwise k16 s8", [1, 21, 5, 6], [21, 1, 16, 16], { strides: 8, group: 21 }],
    ["decoder k4 s2 p1", [2, 16, 13, 17], [16, 8, 4, 4], { strides: 2, pads: 1 }],
    ["decoder k3 s2 p1 op1", [1, 12, 15, 9], [12, 10, 3, 3], { strides: 2, pads: 1, outputPadding: 1 }],
    ["decoder k2 s2", [1, 20, 14, 14], [20, 9, 2, 2], { strides: 2 }],
    ["stride sweep s4 k8 p2", [1, 8, 12, 12], [8, 8, 8, 8], { strides: 4, pads: 2 }],
    ["s3 k7 asymmetric pads, groups", [1, 6, 10, 8], [6, 4, 7, 7], { strides: 3, pads: [1, 3, 2, 0], group: 2 }],
  ];
  for (const [name, xs, ws, attrs] of transposedCases) {
    for (const algorithm of algorithms) {
      const group = (attrs.group ?? 1) as number;
      if (algorithm === "depthwise" && xs[1] / group !== 1) continue;
      it(`convTranspose ${name} [${algorithm}]: x=${xs.join("x")} w=${ws.join("x")}`, () => {
        const r = rng(xs.reduce((a, b) => a * b, 11));
        const x = fcn.tensor(randArray(r, xs.reduce((a, b) => a * b, 1)), xs);
        const w = fcn.tensor(randArray(r, ws.reduce((a, b) => a * b, 1)), ws);
        const M = ws[1] * group;
        const b = fcn.tensor(randArray(r, M), [M]);
        const want = convTransposeRef(x.data, xs, w.data, ws, b.data, attrs);
        const got = fcn.convTranspose(x, w, b, attrs, { algorithm });
        close(got, want, (xs[1] / group) * 4, `convTranspose ${name} [${algorithm}]`);
      });
    }
  }
});

describe("convTransposePlan (the cost model)", () => {
  beforeAll(() => useBuild("simd"));
  it("picks depthwise for FCN's bilinear layer, with no workspace", () => {
    const plan = fcn.convTransposePlan([1, 21, 16, 16], [21, 1, 64, 64], { strides: 32, group: 21 });
    expect(plan).toEqual({ algorithm: "depthwise", workspaceBytes: 0, outShape: [1, 21, 544, 544] });
  });
  it("picks sub-pixel while its extra MACs (zero taps, border cells) stay under 1.1× (1.3× with ≤ 32 input channels a group), else GEMM + col2im", () => {
    // k4 s2 on 34², 8 → 21 channels (too few for Winograd's 16): no zero taps, cells 35 per axis → (35/34)² ≈ 1.06
    expect(fcn.convTransposePlan([1, 8, 34, 34], [8, 21, 4, 4], { strides: 2 }).algorithm).toBe("subpixel");
    // k2 s2: one tap per phase, cells = inputs → 1
    expect(fcn.convTransposePlan([1, 64, 8, 8], [64, 32, 2, 2], { strides: 2 }).algorithm).toBe("subpixel");
    // k64 s32 on 8², 21 channels: cells 9 per axis → (9/8)² ≈ 1.27, under the narrow bound 1.3 (4² Winograd tiles: too few)
    expect(fcn.convTransposePlan([1, 21, 8, 8], [21, 21, 64, 64], { strides: 32 }).algorithm).toBe("subpixel");
    // the same waste with 64 channels: GEMM + col2im (its GEMM is deep enough)
    expect(fcn.convTransposePlan([1, 64, 8, 8], [64, 21, 64, 64], { strides: 32 }).algorithm).toBe("gemm-col2im");
    // k3 s2: ⌈3/2⌉·2/3 = 4/3 zero-tap overhead per axis, ≈ 1.78 before border cells
    expect(fcn.convTransposePlan([1, 8, 8, 8], [8, 8, 3, 3], { strides: 2, pads: 1, outputPadding: 1 }).algorithm).toBe("gemm-col2im");
  });
  it("picks GEMM + col2im when a phase GEMM would have fewer than 32 rows (output channels a group × s_H·s_W)", () => {
    // DCGAN's last layer, 64 → 3 k4 s2 p1 on 32²: 12 rows (Winograd's conditions hold otherwise)
    expect(fcn.convTransposePlan([1, 64, 32, 32], [64, 3, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("gemm-col2im");
    // 8 → 4 channels at stride 2: 16 rows; at stride 4: 64 rows, sub-pixel
    expect(fcn.convTransposePlan([1, 8, 24, 24], [8, 4, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("gemm-col2im");
    expect(fcn.convTransposePlan([1, 8, 24, 24], [8, 4, 4, 4], { strides: 4 }).algorithm).toBe("subpixel");
  });
  it("picks sub-pixel with Winograd phase kernels for k = 2s with ≥ 16 input channels a group, waste ≤ 1.2, ≥ 64 tiles", () => {
    // decoders: 128→64 at 32² (17² tiles), 512→256 at 14² (waste (15/14)² ≈ 1.15, 8² tiles), k4 s2 p1
    expect(fcn.convTransposePlan([1, 128, 32, 32], [128, 64, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("subpixel-winograd");
    expect(fcn.convTransposePlan([1, 512, 14, 14], [512, 256, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("subpixel-winograd");
    expect(fcn.convTransposePlan([1, 64, 64, 64], [64, 32, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("subpixel-winograd");
    // the stride sweep's 32 channels and FCN's 21 (k4 s2 on 34², k16 s8 on 34²), k2 s1
    expect(fcn.convTransposePlan([1, 32, 32, 32], [32, 32, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("subpixel-winograd");
    expect(fcn.convTransposePlan([1, 21, 34, 34], [21, 21, 4, 4], { strides: 2 }).algorithm).toBe("subpixel-winograd");
    expect(fcn.convTransposePlan([1, 21, 34, 34], [21, 21, 16, 16], { strides: 8 }).algorithm).toBe("subpixel-winograd");
    expect(fcn.convTransposePlan([1, 32, 32, 32], [32, 32, 2, 2], {}).algorithm).toBe("subpixel-winograd");
    // too few channels (15), zero taps (k3 s2), too few tiles (7² input: 4² tiles)
    expect(fcn.convTransposePlan([1, 15, 32, 32], [15, 32, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("subpixel");
    expect(fcn.convTransposePlan([1, 128, 32, 32], [128, 64, 3, 3], { strides: 2, pads: 1, outputPadding: 1 }).algorithm).toBe("gemm-col2im");
    expect(fcn.convTransposePlan([1, 128, 7, 7], [128, 64, 4, 4], { strides: 2 }).algorithm).not.toBe("subpixel-winograd");
  });
  it("picks GEMM + col2im for DCGAN's small inputs, where sub-pixel's border cells cost most", () => {
    // measured with resident (packed) weights, sub-pixel / GEMM + col2im time: 2.6 (1×1, waste 16),
    // 2.1 (4×4, waste (5/4)² ≈ 1.56), 1.5 (8×8, waste (9/8)² ≈ 1.27)
    expect(fcn.convTransposePlan([1, 100, 1, 1], [100, 256, 4, 4], {}).algorithm).toBe("gemm-col2im");
    expect(fcn.convTransposePlan([1, 256, 4, 4], [256, 128, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("gemm-col2im");
    expect(fcn.convTransposePlan([1, 128, 8, 8], [128, 64, 4, 4], { strides: 2, pads: 1 }).algorithm).toBe("gemm-col2im");
  });
  it("picks GEMM + col2im for dilation, with its column buffer as workspace", () => {
    const plan = fcn.convTransposePlan([1, 4, 5, 6], [4, 3, 3, 3], { dilations: 2 });
    expect(plan.algorithm).toBe("gemm-col2im");
    expect(plan.workspaceBytes).toBe(3 * 9 * 5 * 6 * 4);
  });
  it("runs stride 1 as a convolution with the turned-round kernel: phase weights + one im2col band, no phase buffer", () => {
    // 8→32, k3, 20×20, pads 1: W_sub is 32·8·9 floats; im2col bands of K = 72 rows cover all 20 output rows
    const plan = fcn.convTransposePlan([1, 8, 20, 20], [8, 32, 3, 3], { pads: 1 });
    expect(plan.algorithm).toBe("subpixel");
    expect(plan.workspaceBytes).toBe(32 * 8 * 9 * 4 + 72 * 20 * 20 * 4);
  });
  it("its outShape is convTranspose's", () => {
    const attrs = { strides: [3, 2], pads: [1, 0, 2, 1], outputPadding: [2, 1] };
    const x = fcn.tensor(new Float32Array(2 * 3 * 4 * 5), [2, 3, 4, 5]);
    const w = fcn.tensor(new Float32Array(3 * 2 * 4 * 3), [3, 2, 4, 3]);
    expect(fcn.convTranspose(x, w, null, attrs).shape).toEqual(fcn.convTransposePlan(x.shape, w.shape, attrs).outShape);
  });
});

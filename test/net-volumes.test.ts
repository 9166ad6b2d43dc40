// Net and GraphSpec on volumes [N, C, D, H, W]: a small 3-D U-Net (Conv 3×3×3, MaxPool 2×2×2,
// ConvTranspose k2 s2 started trilinear, Concat skip, 1×1×1 score) and a net of the other rank-3
// layers (asymmetric pads, dilation, BatchNormalization, PRelu, AveragePool, a depthwise conv, a
// depthwise trilinear upsampling with a fused Tanh, Crop, Add, global pools broadcast back). Each: the resident plan gives the op-by-op
// path's bits (forward, every blob, every gradient), every parameter gradient matches finite
// differences; the U-Net learns a tiny segmentation of a ball with Adam; 'bilinear' starts 3-D
// weights trilinear; summary's MACs and toOnnx's round trip on volumes.
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, rng, useBuild } from "./lib.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
import { trilinearWeights, trilinearWeightsDense } from "../dist/nn/bilinear.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";

const { Net } = fcn;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Every parameter gradient of `spec` (five random entries of each) against difference quotients
 * of the loss ⟨run(x), dir⟩ with h = 1e-3, the loss rebuilt op by op. These nets are full of kinks
 * (Relu, PRelu, LeakyRelu, the max pools), and a step of h on one weight moves dozens of voxels:
 * about 1 entry in 70 has a kink within h (seen: a central quotient going 1.11, 1.32, 1.40 toward
 * the backward's 1.406 as h went 1e-2, 1e-3, 1e-4). The loss is smooth on each side of a kink, so
 * the one-sided quotient on the side without it gives the derivative: an entry passes when the
 * central quotient or one of the one-sided ones matches the backward (|fd − g| ≤ 2e-3 + 2e-2·|fd|).
 * A wrong gradient misses all three (0 misses in 360 entries over 8 seeds on MIXED).
 */
function expectEveryParameterGradient(spec: GraphSpec, seed: number, r: () => number, outShape: number[], weights?: Record<string, Tensor>): void {
  const net = Net.fromGraph(spec, weights, { seed });
  const x = fcn.tensor(randArray(r, size(spec.input.shape)), spec.input.shape);
  expect(net.run(x).shape).toEqual(outShape);
  const dir = fcn.tensor(randArray(r, size(outShape)), outShape);
  const grads = net.backward(dir);
  const params = net.parameters();
  const loss = (): number => {
    const out = Net.fromGraph(spec, params, { resident: false }).run(x).data;
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += out[i] * dir.data[i];
    return sum;
  };
  const h = 1e-3;
  for (const [name, g] of grads) {
    const w = params.get(name)!;
    for (let k = 0; k < 5; k++) {
      const i = Math.floor(r() * w.data.length), keep = w.data[i];
      w.data[i] = keep + h; const plus = loss();
      w.data[i] = keep - h; const minus = loss();
      w.data[i] = keep; const at = loss();
      const quotients = [(plus - minus) / (2 * h), (plus - at) / h, (at - minus) / h];
      const matches = quotients.some((fd) => Math.abs(fd - g.data[i]) <= 2e-3 + 2e-2 * Math.abs(fd));
      expect(matches, `${name}[${i}]: backward ${g.data[i]}, difference quotients (central, right, left) ${quotients.join(", ")}`).toBe(true);
    }
  }
  expect([...grads.keys()].sort()).toEqual([...net.trainableParameters().keys()].sort());
}

/** A 3-D U-Net of one level: in channels `C`, `W` features, `K` classes, on an S³ volume (S even). */
function unet3d(N: number, C: number, S: number, W = 4, K = 2): GraphSpec {
  return {
    input: { name: "x", shape: [N, C, S, S, S] },
    output: "score",
    layers: [
      { name: "enc", op: "Conv", inputs: ["x"], attrs: { outChannels: W, kernelShape: [3, 3, 3], pads: 1 } },
      { name: "enc_relu", op: "Relu", inputs: ["enc"] },
      { name: "pool", op: "MaxPool", inputs: ["enc_relu"], attrs: { kernelShape: [2, 2, 2], strides: [2, 2, 2] } },
      { name: "mid", op: "Conv", inputs: ["pool"], attrs: { outChannels: W, kernelShape: [3, 3, 3], pads: 1, activation: { op: "Relu" } } },
      { name: "up", op: "ConvTranspose", inputs: ["mid"], attrs: { outChannels: W, kernelShape: [2, 2, 2], strides: [2, 2, 2], init: "bilinear" } },
      { name: "skip", op: "Concat", inputs: ["up", "enc_relu"], attrs: { axis: 1 } },
      { name: "dec", op: "Conv", inputs: ["skip"], attrs: { outChannels: W, kernelShape: [3, 3, 3], pads: 1 } },
      { name: "dec_relu", op: "Relu", inputs: ["dec"] },
      { name: "score", op: "Conv", inputs: ["dec_relu"], attrs: { outChannels: K, kernelShape: [1, 1, 1] } },
    ],
  };
}

/** The other rank-3 layers, on x [2, 3, 5, 6, 4]; output [2, 4, 5, 6, 4]. */
const MIXED: GraphSpec = {
  input: { name: "x", shape: [2, 3, 5, 6, 4] },
  output: "out",
  layers: [
    // [2, 4, 5, 6, 4]: kernel 3×2×3, begin pads (1, 0, 1), end pads (1, 1, 1), dilation 2 on W (pads 2)
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: [3, 2, 3], pads: [1, 0, 2, 1, 1, 2], dilations: [1, 1, 2] } },
    { name: "bn", op: "BatchNormalization", inputs: ["c1"], attrs: { channels: 4 } },
    { name: "pr", op: "PRelu", inputs: ["bn"] },
    // [2, 4, 3, 3, 2]
    { name: "ap", op: "AveragePool", inputs: ["pr"], attrs: { kernelShape: [3, 2, 2], strides: [2, 2, 2], pads: [1, 0, 0, 0, 0, 0], ceilMode: true } },
    { name: "lr", op: "LeakyRelu", inputs: ["ap"], attrs: { alpha: 0.2 } },
    // depthwise 3×3×3 (group = C: the direct kernel where 'auto' takes it)
    { name: "dw", op: "Conv", inputs: ["lr"], attrs: { outChannels: 4, kernelShape: 3, pads: 1, group: 4 } },
    // depthwise trilinear upsampling, k3 s2 (group = C), Tanh fused: [2, 4, 7, 7, 5], trainable
    { name: "ct", op: "ConvTranspose", inputs: ["dw"], attrs: { outChannels: 4, kernelShape: [3, 3, 3], strides: [2, 2, 2], group: 4, init: "bilinear", activation: { op: "Tanh" } } },
    { name: "crop", op: "Crop", inputs: ["ct", "c1"], attrs: { offsets: [1, 0, 1] } },
    { name: "sum", op: "Add", inputs: ["crop", "pr"] },
    { name: "gap", op: "GlobalAveragePool", inputs: ["sum"] },
    { name: "gate", op: "Sigmoid", inputs: ["gap"] },
    { name: "gated", op: "Mul", inputs: ["sum", "gate"] },
    { name: "gmp", op: "GlobalMaxPool", inputs: ["sum"] },
    { name: "mp", op: "MaxPool", inputs: ["gated"], attrs: { kernelShape: [2, 3, 2], strides: 1, pads: [1, 1, 1, 0, 1, 1], dilations: [1, 1, 2] } },
    { name: "out", op: "BroadcastAdd", inputs: ["mp", "gmp"] },
  ],
};

/**
 * MIXED's BatchNormalization statistics and affine parameters (a layer op's parameters start at 0,
 * which would put every PRelu input on its kink): scale ∈ [0.5, 1.5), var ∈ [0.5, 1.5).
 */
function mixedWeights(r: () => number): Record<string, Tensor> {
  const four = (f: (v: number) => number) => fcn.tensor(randArray(r, 4).map(f), [4]);
  return { "bn.scale": four((v) => 1 + 0.5 * v), "bn.bias": four((v) => 0.1 * v), "bn.mean": four((v) => 0.2 * v), "bn.var": four((v) => 1 + 0.5 * v) };
}

describe("Net on volumes: shapes, init, summary, export", () => {
  beforeAll(() => useBuild("simd"));

  it("infers the 3-D shapes and parameter shapes", () => {
    const shapes = fcn.inferShapes(unet3d(1, 2, 4));
    expect(shapes.get("pool")).toEqual([1, 4, 2, 2, 2]);
    expect(shapes.get("up")).toEqual([1, 4, 4, 4, 4]);
    expect(shapes.get("skip")).toEqual([1, 8, 4, 4, 4]);
    expect(shapes.get("score")).toEqual([1, 2, 4, 4, 4]);
    const m = fcn.inferShapes(MIXED);
    expect(m.get("c1")).toEqual([2, 4, 5, 6, 4]);
    expect(m.get("ap")).toEqual([2, 4, 3, 3, 2]);
    expect(m.get("ct")).toEqual([2, 4, 7, 7, 5]);
    expect(m.get("mp")).toEqual([2, 4, 5, 6, 4]);
    const p = fcn.parameterShapes(MIXED);
    expect(p.get("c1.weight")).toEqual([4, 3, 3, 2, 3]);
    expect(p.get("ct.weight")).toEqual([4, 1, 3, 3, 3]);
  });

  it("computes a 3-D Crop's offsets from the coordinate maps (FCN's pattern: pool by 2, upsample k4 s2, crop to the input)", () => {
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 1, 6, 8, 10] }, output: "crop",
      layers: [
        { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 2, kernelShape: [3, 3, 3], pads: 2 } },
        { name: "pool", op: "MaxPool", inputs: ["c"], attrs: { kernelShape: 2, strides: 2 } },
        { name: "up", op: "ConvTranspose", inputs: ["pool"], attrs: { outChannels: 2, kernelShape: 4, strides: 2 } },
        { name: "crop", op: "Crop", inputs: ["up", "x"] },
      ],
    };
    // c's pixel i sits at x's i − 1; pool's p at c's 2p + 0.5; up's u at pool's (u − 1.5)/2: up = x + 2
    const crop = fcn.withCropOffsets(spec).layers[3].attrs as { offsets: number[] };
    expect(crop.offsets).toEqual([2, 2, 2]);
    expect(fcn.inferShapes(spec).get("up")).toEqual([1, 2, 10, 12, 14]);
    expect(fcn.inferShapes(spec).get("crop")).toEqual([1, 2, 6, 8, 10]);
  });

  it("init 'bilinear' starts a 3-D ConvTranspose trilinear (dense, or per channel with group = C); a non-cubic kernel is refused", () => {
    const u = Net.fromGraph(unet3d(1, 2, 4)).parameters();
    expect(Array.from(u.get("up.weight")!.data)).toEqual(Array.from(trilinearWeightsDense(4, 2).data));
    const m = Net.fromGraph(MIXED).parameters();
    expect(Array.from(m.get("ct.weight")!.data)).toEqual(Array.from(trilinearWeights(4, 3).data));
    const bad: GraphSpec = {
      input: { name: "x", shape: [1, 2, 3, 3, 3] }, output: "up",
      layers: [{ name: "up", op: "ConvTranspose", inputs: ["x"], attrs: { outChannels: 2, kernelShape: [2, 2, 3], strides: 2, init: "bilinear" } }],
    };
    expect(() => Net.fromGraph(bad)).toThrow(/layer "up".*square 2-D or cubic 3-D kernel/);
  });

  it("a trilinear ConvTranspose layer of factor 2 upsamples a linear ramp exactly inside", () => {
    // trilinearUpsampling(2): k4 s2 p1; on a ramp in every axis the output is the ramp at half steps
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 1, 4, 4, 4] }, output: "up",
      layers: [{ name: "up", op: "ConvTranspose", inputs: ["x"], attrs: { outChannels: 1, bias: false, init: "bilinear", ...fcn.trilinearUpsampling(2) } }],
    };
    const x = fcn.tensor(Float32Array.from({ length: 64 }, (_, i) => (i >> 4) + ((i >> 2) & 3) + (i & 3)), [1, 1, 4, 4, 4]);
    for (const resident of [true, false]) {
      const y = Net.fromGraph(spec, undefined, { resident }).run(x);
      expect(y.shape).toEqual([1, 1, 8, 8, 8]);
      // interior output o (1 ≤ o ≤ 6 per axis) sits at input coordinate (o − 0.5) / 2
      for (let d = 1; d < 7; d++) for (let h = 1; h < 7; h++) for (let w = 1; w < 7; w++) {
        expect(y.data[(d * 8 + h) * 8 + w]).toBeCloseTo((d + h + w - 1.5) / 2, 5);
      }
    }
  });

  it("summary counts 3-D MACs: out·(C/g)·kD·kH·kW for Conv, in·(M/g)·kD·kH·kW for ConvTranspose", () => {
    const s = Net.fromGraph(unet3d(1, 2, 4)).summary();
    const macs = Object.fromEntries(s.layers.map((l) => [l.name, l.macs]));
    expect(macs.enc).toBe(4 * 64 * 2 * 27);
    expect(macs.mid).toBe(4 * 8 * 4 * 27);
    expect(macs.up).toBe(4 * 8 * 4 * 8);
    expect(macs.dec).toBe(4 * 64 * 8 * 27);
    expect(macs.score).toBe(2 * 64 * 4);
    expect(macs.pool).toBe(0);
  });

  it("summary's plannedBytes for a 3-D net is the laid-out plan's own count (packed 3-D weights included)", () => {
    for (const [spec, weights] of [[unet3d(1, 2, 4), undefined], [MIXED, mixedWeights(rng(19))]] as const) {
      const net = Net.fromGraph(spec, weights);
      const before = net.summary().plannedBytes;
      net.run(fcn.tensor(new Float32Array(size(spec.input.shape)), spec.input.shape));
      expect(net.summary().plannedBytes, spec.output).toBe(before);
      net.dispose();
    }
  });

  it("explain.outputSize per axis agrees with the 3-D ConvTranspose layers' shapes", () => {
    const m = fcn.inferShapes(MIXED);
    const inputs = m.get("dw")!.slice(2), outs = m.get("ct")!.slice(2);
    inputs.forEach((n, i) => expect(fcn.explain.outputSize({ input: n, kernel: 3, stride: 2 }).onnx.pads.size).toBe(outs[i]));
  });

  it("toOnnx round trip of 3-D nets: the U-Net bit for bit, MIXED within float32 rounding (the importer folds its BatchNormalization into c1)", () => {
    const x = (spec: GraphSpec) => fcn.tensor(randArray(rng(5), size(spec.input.shape)), spec.input.shape);
    const unet = Net.fromGraph(unet3d(1, 2, 4), undefined, { seed: 3 });
    expectSameBits(Net.fromOnnx(unet.toOnnx()).run(x(unet.spec)), unet.run(x(unet.spec)), "U-Net: fromOnnx(toOnnx())");
    const mixed = Net.fromGraph(MIXED, mixedWeights(rng(17)), { seed: 3 });
    const back = Net.fromOnnx(mixed.toOnnx());
    expect(back.spec.layers.some((l) => l.op === "BatchNormalization")).toBe(false);
    expectClose(back.run(x(MIXED)), mixed.run(x(MIXED)), "MIXED: fromOnnx(toOnnx())", 1e-5, 1e-5);
  });
});

for (const build of BUILDS) {
  describe(`Net on volumes (${build} build)`, () => {
    beforeAll(() => useBuild(build));

    it("3-D U-Net: the resident plan gives the op-by-op bits (forward, blobs, gradients)", () => {
      expectPlanMatchesOpByOp(unet3d(2, 2, 4), 7, rng(11), [2, 2, 4, 4, 4]);
    });
    it("the other rank-3 layers: the resident plan gives the op-by-op bits", () => {
      expectPlanMatchesOpByOp(MIXED, 8, rng(12), [2, 4, 5, 6, 4], 1, 2, mixedWeights(rng(15)));
    });
    it("3-D U-Net: every parameter gradient matches finite differences", () => {
      expectEveryParameterGradient(unet3d(1, 2, 4), 9, rng(13), [1, 2, 4, 4, 4]);
    });
    it("the other rank-3 layers: every parameter gradient matches finite differences", () => {
      expectEveryParameterGradient(MIXED, 10, rng(14), [2, 4, 5, 6, 4], mixedWeights(rng(16)));
    });
  });
}

describe("3-D U-Net training", () => {
  beforeAll(() => useBuild("simd"));

  it("Adam steps on a tiny volume segmentation (a bright ball in noise) lower the cross-entropy", () => {
    const N = 2, S = 8, spec = unet3d(N, 1, S);
    const r = rng(21);
    const x = new Float32Array(N * S ** 3);
    const labels: number[] = [];
    for (let n = 0; n < N; n++) {
      const [cd, ch, cw] = [3 + 2 * r(), 3 + 2 * r(), 3 + 2 * r()];
      for (let d = 0; d < S; d++) for (let h = 0; h < S; h++) for (let w = 0; w < S; w++) {
        const inside = (d - cd) ** 2 + (h - ch) ** 2 + (w - cw) ** 2 < 6.25;
        labels.push(inside ? 1 : 0);
        x[((n * S + d) * S + h) * S + w] = (inside ? 1 : 0) + 0.3 * (r() * 2 - 1);
      }
    }
    const input = fcn.tensor(x, spec.input.shape);
    const net = Net.fromGraph(spec, undefined, { seed: 4 });
    net.training = true;
    const adam = new fcn.Adam({ lr: 0.01 });
    const losses: number[] = [];
    for (let step = 0; step < 12; step++) {
      const { loss, grad } = fcn.softmaxCrossEntropy(net.run(input), labels);
      losses.push(loss);
      adam.step(net.parameters(), net.backward(grad));
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
  });
});

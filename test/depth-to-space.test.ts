// DepthToSpace (DCR and CRD) and SpaceToDepth: the ops against index-formula references
// (test/ref/layout.ts) on random shapes and block sizes, their backward as the adjoint
// (⟨dy, f(x)⟩ = ⟨f*(dy), x⟩) and as the inverse, typed errors; as Net layers (finite-difference
// gradients, plan = op by op bit for bit); ONNX import at opsets 9–17 against onnxruntime-node and
// the export round trip (CRD needs opset 11).
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "./lib.js";
import { depthToSpaceRef, spaceToDepthRef } from "./ref/layout.js";
import { attr, node } from "./onnx/proto-writer.js";
import { expectOnnxAgrees, layoutModel } from "./onnx/layout-oracle.js";
import { expectEveryParameterGradient } from "./net-finite-differences.js";
import { expectPlanMatchesOpByOp } from "./net-plan-parity.js";
import type { GraphSpec } from "../dist/index.js";
const { Net, ShapeError, AttributeError, UnsupportedError } = fcn;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

describe.each(BUILDS)("depthToSpace and spaceToDepth (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("random shapes, block sizes 1–4, both modes: forward = reference exactly; backward is the adjoint and the inverse; inputs unchanged", () => {
    const r = rng(501);
    for (let t = 0; t < 40; t++) {
      const b = randInt(r, 1, 4), mode = t % 2 ? "DCR" as const : "CRD" as const;
      const shape = [randInt(r, 1, 2), b * b * randInt(r, 1, 3), randInt(r, 1, 4), randInt(r, 1, 5)];
      const x = randArray(r, size(shape)), keep = x.slice();
      const y = fcn.depthToSpace(fcn.tensor(x, shape), { blocksize: b, mode });
      const want = depthToSpaceRef(x, shape, b, mode);
      expectClose(y, want, `depthToSpace ${mode} b=${b} ${JSON.stringify(shape)}`, 0, 0);
      const dy = randArray(r, size(y.shape)), dyKeep = dy.slice();
      const dx = fcn.depthToSpaceBackward(fcn.tensor(dy, y.shape.slice()), shape, { blocksize: b, mode });
      expect(dx.shape).toEqual(shape);
      expect(Math.abs(dot(dy, y.data) - dot(dx.data, x))).toBeLessThan(1e-9 * size(shape) + 1e-6);
      expectSameBits(fcn.depthToSpaceBackward(y, shape, { blocksize: b, mode }), fcn.tensor(x, shape), "backward undoes forward");
      expect([x, dy]).toEqual([keep, dyKeep]);

      // SpaceToDepth of a [N, C, H·b, W·b] tensor
      const s2 = [shape[0], randInt(r, 1, 3), b * randInt(r, 1, 3), b * randInt(r, 1, 3)];
      const x2 = randArray(r, size(s2));
      const z = fcn.spaceToDepth(fcn.tensor(x2, s2), { blocksize: b });
      expectClose(z, spaceToDepthRef(x2, s2, b), `spaceToDepth b=${b} ${JSON.stringify(s2)}`, 0, 0);
      const dz = randArray(r, size(z.shape));
      const dx2 = fcn.spaceToDepthBackward(fcn.tensor(dz, z.shape.slice()), s2, { blocksize: b });
      expect(Math.abs(dot(dz, z.data) - dot(dx2.data, x2))).toBeLessThan(1e-9 * size(s2) + 1e-6);
      // SpaceToDepth is DepthToSpace DCR's inverse
      expectSameBits(fcn.depthToSpace(z, { blocksize: b }), fcn.tensor(x2, s2), "depthToSpace(spaceToDepth(x)) = x");
    }
  });

  it("mode defaults to DCR; b = 1 is the identity", () => {
    const x = fcn.tensor(randArray(rng(502), 2 * 8 * 3 * 2), [2, 8, 3, 2]);
    expectSameBits(fcn.depthToSpace(x, { blocksize: 2 }), fcn.depthToSpace(x, { blocksize: 2, mode: "DCR" }), "default mode");
    expectSameBits(fcn.depthToSpace(x, { blocksize: 1, mode: "CRD" }), x, "b = 1");
    expectSameBits(fcn.spaceToDepth(x, { blocksize: 1 }), x, "b = 1");
  });

  it("bad shapes and attributes are typed errors naming the op and the value", () => {
    const x = fcn.tensor(new Float32Array(24), [1, 6, 2, 2]);
    expect(() => fcn.depthToSpace(x, { blocksize: 2 })).toThrow(ShapeError);
    expect(() => fcn.depthToSpace(x, { blocksize: 2 })).toThrow(/depthToSpace\(x\): 6 channels .* not divisible by blocksize² = 4/);
    expect(() => fcn.depthToSpace(fcn.tensor(new Float32Array(8), [2, 4, 1]), { blocksize: 2 })).toThrow(/rank 4/);
    expect(() => fcn.depthToSpace(x, {} as never)).toThrow(AttributeError);
    expect(() => fcn.depthToSpace(x, { blocksize: 0 })).toThrow(/blocksize\): expected an integer ≥ 1, got 0/);
    expect(() => fcn.depthToSpace(x, { blocksize: 1, mode: "DRC" as never })).toThrow(/mode\): expected "DCR" or "CRD", got "DRC"/);
    expect(() => fcn.depthToSpace(x, { blocksize: 1, axis: 1 } as never)).toThrow(AttributeError);
    expect(() => fcn.spaceToDepth(fcn.tensor(new Float32Array(18), [1, 2, 3, 3]), { blocksize: 2 })).toThrow(/3×3 .* not divisible by blocksize 2/);
    expect(() => fcn.spaceToDepth(x, { blocksize: 2, mode: "DCR" } as never)).toThrow(AttributeError);
    expect(() => fcn.depthToSpaceBackward(fcn.tensor(new Float32Array(24), [1, 6, 2, 2]), [1, 24, 2, 1], { blocksize: 2 })).toThrow(/depthToSpaceBackward\(dy\): expected \[1, 6, 4, 2\]/);
    expect(() => fcn.depthToSpaceBackward(fcn.tensor(new Float32Array(24), [1, 6, 2, 2]), [1, 6, 2, 2], { blocksize: 2 })).toThrow(/depthToSpaceBackward\(xShape\)/);
    expect(() => fcn.spaceToDepthBackward(x, [1, 1, 4, 4], { blocksize: 2 })).toThrow(/spaceToDepthBackward\(dy\): expected \[1, 4, 2, 2\]/);
    expect(fcn.depthToSpace(fcn.tensor([1, 2, 3, 4], [1, 4, 1, 1]), { blocksize: 2 }).data).toEqual(Float32Array.of(1, 2, 3, 4));
  });
});

/** ESPCN's tail: conv to b²·C channels → DepthToSpace(b) → conv; or SpaceToDepth between convs. */
const shuffle = (op: "DepthToSpace" | "SpaceToDepth", attrs: Record<string, unknown>, shape: number[]): GraphSpec => ({
  input: { name: "x", shape }, output: "out",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 8, kernelShape: 3, pads: 1, init: "xavier" } },
    { name: "move", op, inputs: ["c1"], attrs },
    { name: "out", op: "Conv", inputs: ["move"], attrs: { outChannels: 2, kernelShape: 1, init: "xavier" } }],
}) as GraphSpec;

describe("Net DepthToSpace and SpaceToDepth layers", () => {
  beforeAll(() => useBuild("simd"));

  it("parameter gradients match central finite differences through the move", () => {
    expectEveryParameterGradient(shuffle("DepthToSpace", { blocksize: 2, mode: "CRD" }, [2, 3, 3, 4]), 1, rng(503), [2, 2, 6, 8]);
    expectEveryParameterGradient(shuffle("DepthToSpace", { blocksize: 2 }, [1, 3, 3, 4]), 2, rng(504), [1, 2, 6, 8]);
    expectEveryParameterGradient(shuffle("SpaceToDepth", { blocksize: 2 }, [1, 3, 4, 6]), 3, rng(505), [1, 2, 2, 3]);
  });

  it("a bad attribute or a shape that does not fit is an error naming the layer", () => {
    const bad = shuffle("DepthToSpace", { blocksize: 2, mode: "DRC" }, [1, 3, 4, 4]);
    expect(() => Net.fromGraph(bad)).toThrow(AttributeError);
    expect(() => Net.fromGraph(bad)).toThrow(/layer "move" \(DepthToSpace\)/);
    expect(() => Net.fromGraph(shuffle("DepthToSpace", { blocksize: 3 }, [1, 3, 4, 4]))).toThrow(ShapeError);
    expect(() => Net.fromGraph(shuffle("SpaceToDepth", { blocksize: 3 }, [1, 3, 4, 4]))).toThrow(/layer "move"/);
    expect(() => Net.fromGraph(shuffle("SpaceToDepth", {}, [1, 3, 4, 4]))).toThrow(/blocksize\): required/);
  });
});

describe.each(BUILDS)("Net DepthToSpace and SpaceToDepth, resident plan (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it("equals the op-by-op path bit for bit: outputs, blobs, gradients, training", () => {
    expectPlanMatchesOpByOp(shuffle("DepthToSpace", { blocksize: 2, mode: "CRD" }, [2, 3, 3, 4]), 4, rng(506), [2, 2, 6, 8]);
    expectPlanMatchesOpByOp(shuffle("SpaceToDepth", { blocksize: 2 }, [1, 3, 4, 6]), 5, rng(507), [1, 2, 2, 3]);
  });
});

describe("ONNX DepthToSpace and SpaceToDepth", () => {
  beforeAll(() => useBuild("simd"));

  for (const [opset, mode] of [[9, undefined], [11, "DCR"], [11, "CRD"], [13, "CRD"], [17, "DCR"], [13, undefined]] as const) {
    it(`DepthToSpace opset ${opset} mode ${mode ?? "(absent)"}: onnxruntime-node agrees bit for bit, toOnnx round-trips`, async () => {
      const attrs = [attr.int("blocksize", 3), ...(mode ? [attr.string("mode", mode)] : [])];
      const bytes = layoutModel(opset, [node("DepthToSpace", ["x"], ["y"], attrs, "d2s")], [2, 18, 3, 4], [2, 2, 9, 12]);
      await expectOnnxAgrees(bytes, [2, 18, 3, 4], 510 + opset, `opset ${opset} ${mode}`);
    });
  }

  for (const opset of [9, 13]) {
    it(`SpaceToDepth opset ${opset}: onnxruntime-node agrees bit for bit, toOnnx round-trips`, async () => {
      const bytes = layoutModel(opset, [node("SpaceToDepth", ["x"], ["y"], [attr.int("blocksize", 2)], "s2d")], [1, 3, 4, 6], [1, 12, 2, 3]);
      await expectOnnxAgrees(bytes, [1, 3, 4, 6], 520 + opset, `opset ${opset}`);
    });
  }

  it("a CRD layer exports at opset 11 with its mode; DCR at the floor, without one", () => {
    for (const [mode, opset] of [["CRD", 11], ["DCR", 7]] as const) {
      const net = Net.fromGraph(shuffle("DepthToSpace", { blocksize: 2, mode }, [1, 3, 2, 2]));
      const back = Net.fromOnnx(net.toOnnx());
      const layer = back.spec.layers.find((l) => l.op === "DepthToSpace")!;
      expect(layer.attrs).toEqual(opset >= 11 ? { blocksize: 2, mode } : { blocksize: 2 });
    }
  });

  it("mode before opset 11, a missing blocksize and a constant input are reported; bad sizes are ShapeErrors", () => {
    const at = (opset: number, attrs: Uint8Array[], shape = [1, 4, 2, 2]) => layoutModel(opset, [node("DepthToSpace", ["x"], ["y"], attrs, "d2s")], shape, [1, 1, 4, 4]);
    expect(() => Net.fromOnnx(at(9, [attr.int("blocksize", 2), attr.string("mode", "CRD")]))).toThrow(/DepthToSpace ×1 \("d2s": attribute mode arrives in opset 11/);
    expect(() => Net.fromOnnx(at(13, []))).toThrow(/attribute blocksize is required/);
    expect(() => Net.fromOnnx(at(13, [attr.int("blocksize", 2), attr.string("mode", "XYZ")]))).toThrow(UnsupportedError);
    expect(() => Net.fromOnnx(at(13, [attr.int("blocksize", 3)]))).toThrow(ShapeError);
    const constant = layoutModel(13, [
      node("Constant", [], ["k"], [attr.tensor("value", { dims: [1, 4, 1, 1], data: [1, 2, 3, 4] })]),
      node("DepthToSpace", ["k"], ["d"], [attr.int("blocksize", 2)], "d2s"), node("Add", ["x", "d"], ["y"])], [1, 1, 2, 2], [1, 1, 2, 2]);
    expect(() => Net.fromOnnx(constant)).toThrow(/"d2s": every input is a constant/);
  });
});

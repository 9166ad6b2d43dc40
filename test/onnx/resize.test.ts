// ONNX Resize (opsets 10–19) and Upsample (7, 9) through Net.fromOnnx, checked against
// onnxruntime-node and the per-element definition (test/ref/resize.ts): every mode × coordinate
// mode × nearest mode on small random shapes (spatial rank 1 to 3) with scales up and down and with sizes. Net follows
// the ONNX text (float64 coordinates); onnxruntime computes them in float32, so its output is
// checked against the definition evaluated in float32 — they differ only where float32 breaks an
// exact rounding tie of nearest. Also: the unsupported attributes name the node and the value,
// and net.toOnnx() writes the lowest opset and round-trips (onnxruntime runs the export).
import { beforeAll, describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { expectClose, expectSameBits, fcn, randArray, randInt, rng, useBuild } from "../lib.js";
import { type Coord, type Nearest, refResize, refResizeShape } from "../ref/resize.js";
import { readModel } from "../../dist/onnx/proto.js";
import { type Bytes, attr, cat, floats, int, ints, len, model, node, tensorProto, valueInfo } from "./proto-writer.js";
import type { GraphSpec } from "../../dist/index.js";

const COORDS: Coord[] = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"];
const NEARESTS: Nearest[] = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];
/** Scales whose float32 value gives the same output size in a float32 product (onnxruntime) and exactly (the text). */
const SCALES = [0.5, 0.6, 0.75, 1.25, 1.5, 2, 2.5, 3];

const floatsAttr = (name: string, v: number[]): Bytes => cat(len(1, name), floats(7, v, true), int(20, 6));
const int64s = (name: string, v: number[]): Bytes => tensorProto({ name, dims: [v.length], dataType: 7, extra: [ints(7, v, true)] });
const f32s = (name: string, v: number[]): Bytes => tensorProto({ name, dims: [v.length], data: v });

interface OnnxCase { opset: number; op?: "Resize" | "Upsample"; shape: number[]; outShape: number[]; inputs: string[]; inits: Bytes[]; attrs: Bytes[] }

function onnxModel(c: OnnxCase): Uint8Array {
  return model({
    opset: c.opset,
    nodes: [node(c.op ?? "Resize", ["x", ...c.inputs], ["y"], c.attrs, "rs")],
    initializers: c.inits,
    inputs: [valueInfo("x", c.shape)],
    outputs: [valueInfo("y", c.outShape)],
  });
}

async function runOrt(bytes: Uint8Array, x: { data: Float32Array; shape: readonly number[] }, output = "y") {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = (await session.run({ x: new ort.Tensor("float32", x.data.slice(), x.shape.slice()) }))[output];
    return { data: out.data as Float32Array, shape: out.dims.slice() };
  } finally {
    await session.release();
  }
}

const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

describe("ONNX Resize against onnxruntime-node", () => {
  beforeAll(() => useBuild("simd"));

  const combos: [string, "nearest" | "linear", Coord, Nearest][] = [];
  for (const coord of COORDS) {
    for (const nearest of NEARESTS) combos.push([`nearest ${coord} ${nearest}`, "nearest", coord, nearest]);
    combos.push([`linear ${coord}`, "linear", coord, "round_prefer_floor"]);
  }

  it.each(combos)("%s: scales up and down, sizes (opset 13 / 19)", async (name, mode, coord, nearest) => {
    const r = rng(name.length * 7919 + name.charCodeAt(name.length - 3));
    for (let k = 0; k < 7; k++) {
      const rank = k === 5 ? 1 : k === 6 ? 3 : 2; // k = 6: a volume (trilinear / 3-D nearest)
      const shape = [randInt(r, 1, 2), randInt(r, 1, 3), ...Array.from({ length: rank }, () => randInt(r, 2, 7))];
      const bySizes = k % 2 === 1;
      const spatial = bySizes ? shape.slice(2).map(() => randInt(r, 1, 10)) : shape.slice(2).map((n, i) => {
        // one axis up and one down when k = 2
        for (;;) { const s = SCALES[randInt(r, 0, SCALES.length - 1)]; if (Math.floor(n * s) >= 1 && (k !== 2 || (i === 0 ? s < 1 : s > 1))) return s; }
      });
      // the model holds float32 scales
      const o = { mode, coord, nearest, ...(bySizes ? { sizes: spatial } : { scales: spatial.map(Math.fround) }) };
      const outShape = refResizeShape(shape, o);
      const opset = coord === "half_pixel_symmetric" ? 19 : 13;
      const attrs = [attr.string("mode", mode), attr.string("coordinate_transformation_mode", coord), attr.string("nearest_mode", nearest)];
      const bytes = onnxModel({
        opset, shape, outShape, attrs,
        inputs: bySizes ? ["", "", "sizes"] : ["", "scales"],
        inits: [bySizes ? int64s("sizes", [...shape.slice(0, 2), ...spatial]) : f32s("scales", [1, 1, ...spatial])],
      });
      const x = fcn.tensor(randArray(r, size(shape)), shape);
      const label = `${name} x=[${shape.join(",")}] ${bySizes ? "sizes" : "scales"}=[${spatial.join(",")}]`;
      const net = fcn.Net.fromOnnx(bytes);
      const got = net.run(x);
      net.dispose();
      const exact = refResize(x.data, shape, o), f32 = refResize(x.data, shape, { ...o, float32: true });
      const [atol, rtol] = mode === "nearest" ? [0, 0] : [1e-6, 1e-6];
      expectClose(got, exact, `${label}: Net vs the definition`, atol, rtol);
      const want = await runOrt(bytes, x);
      expectClose(want, f32, `${label}: onnxruntime vs the definition in float32`, 1e-5, 1e-5);
      if (mode === "linear") expectClose(got, want, `${label}: Net vs onnxruntime`, 1e-5, 1e-5);
    }
  });

  it("Resize-10 (asymmetric, Resize-10's nearest rounding) and Resize-11 (roi and empty scales as inputs)", async () => {
    const r = rng(10);
    const x = fcn.tensor(randArray(r, 2 * 3 * 5 * 6), [2, 3, 5, 6]);
    const runs: [string, OnnxCase][] = [];
    for (const mode of ["nearest", "linear"]) {
      for (const scales of [[2, 1.5], [0.6, 0.5], [1, 2.5]]) {
        runs.push([`Resize-10 ${mode} scales ${scales}`, {
          opset: 10, shape: x.shape.slice(), outShape: [2, 3, ...x.shape.slice(2).map((n, i) => Math.floor(n * scales[i]))],
          inputs: ["scales"], inits: [f32s("scales", [1, 1, ...scales])], attrs: [attr.string("mode", mode)],
        }]);
      }
      runs.push([`Resize-11 ${mode} sizes`, {
        opset: 11, shape: x.shape.slice(), outShape: [2, 3, 9, 4], inputs: ["roi", "scales", "sizes"],
        inits: [f32s("roi", []), f32s("scales", []), int64s("sizes", [2, 3, 9, 4])], attrs: [attr.string("mode", mode), attr.string("coordinate_transformation_mode", "align_corners")],
      }]);
      runs.push([`Resize-11 ${mode} scales`, {
        opset: 11, shape: x.shape.slice(), outShape: [2, 3, 10, 3], inputs: ["roi", "scales"],
        inits: [f32s("roi", []), f32s("scales", [1, 1, 2, 0.5])], attrs: [attr.string("mode", mode)],
      }]);
    }
    for (const [label, c] of runs) {
      const bytes = onnxModel(c);
      const net = fcn.Net.fromOnnx(bytes);
      expectClose(net.run(x), await runOrt(bytes, x), label, 1e-5, 1e-5);
      net.dispose();
    }
  });

  it("Resize-18: axes, and keep_aspect_ratio_policy where it is a plain scale", async () => {
    const r = rng(18);
    const x = fcn.tensor(randArray(r, 1 * 2 * 4 * 6), [1, 2, 4, 6]);
    const runs: [string, OnnxCase][] = [
      ["axes [3, 2] scales", { opset: 18, shape: [1, 2, 4, 6], outShape: [1, 2, 6, 12], inputs: ["", "scales"], inits: [f32s("scales", [2, 1.5])], attrs: [attr.ints("axes", [3, 2]), attr.string("mode", "linear")] }],
      ["axes [-1] sizes", { opset: 18, shape: [1, 2, 4, 6], outShape: [1, 2, 4, 9], inputs: ["", "", "sizes"], inits: [int64s("sizes", [9])], attrs: [attr.ints("axes", [-1])] }],
      ["not_larger", { opset: 18, shape: [1, 2, 4, 6], outShape: [1, 2, 6, 9], inputs: ["", "", "sizes"], inits: [int64s("sizes", [7, 9])], attrs: [attr.ints("axes", [2, 3]), attr.string("keep_aspect_ratio_policy", "not_larger"), attr.string("mode", "linear")] }],
      ["not_smaller", { opset: 18, shape: [1, 2, 4, 6], outShape: [1, 2, 8, 12], inputs: ["", "", "sizes"], inits: [int64s("sizes", [8, 9])], attrs: [attr.ints("axes", [2, 3]), attr.string("keep_aspect_ratio_policy", "not_smaller")] }],
    ];
    for (const [label, c] of runs) {
      const bytes = onnxModel(c);
      const net = fcn.Net.fromOnnx(bytes);
      const got = net.run(x);
      expect(got.shape, label).toEqual(c.outShape);
      expectClose(got, await runOrt(bytes, x), label, 1e-5, 1e-5);
      net.dispose();
    }
  });

  it("Upsample-7 (scales attribute) and Upsample-9 (scales input): nearest and linear, asymmetric", async () => {
    const r = rng(7);
    const x = fcn.tensor(randArray(r, 1 * 2 * 3 * 4), [1, 2, 3, 4]);
    for (const mode of ["nearest", "linear"]) {
      for (const opset of [7, 9]) {
        const scales = [1, 1, 2, 1.5];
        const bytes = onnxModel({
          opset, op: "Upsample", shape: [1, 2, 3, 4], outShape: [1, 2, 6, 6],
          inputs: opset === 9 ? ["scales"] : [], inits: opset === 9 ? [f32s("scales", scales)] : [],
          attrs: [attr.string("mode", mode), ...(opset === 7 ? [floatsAttr("scales", scales)] : [])],
        });
        const net = fcn.Net.fromOnnx(bytes);
        const got = net.run(x);
        expectClose(got, await runOrt(bytes, x), `Upsample-${opset} ${mode}`, 1e-5, 1e-5);
        expectClose(got, refResize(x.data, x.shape, { mode: mode as "linear", coord: "asymmetric", nearest: "floor", scales: [2, 1.5] }), `Upsample-${opset} ${mode} vs the definition`, 1e-6, 1e-6);
        net.dispose();
      }
    }
  });

  it("where onnxruntime departs from the text (float32 arithmetic), Net follows the text", async () => {
    // sizes 14 → 2, asymmetric floor: x_original(1) = 1 · 14 / 2 = 7 exactly → 7; onnxruntime's
    // float32 1 / fround(2 / 14) = 6.9999995 → 6
    const x = fcn.tensor(Array.from({ length: 14 }, (_, i) => i), [1, 1, 1, 14]);
    const tie = onnxModel({ opset: 13, shape: [1, 1, 1, 14], outShape: [1, 1, 1, 2], inputs: ["", "", "sizes"], inits: [int64s("sizes", [1, 1, 1, 2])],
      attrs: [attr.string("coordinate_transformation_mode", "asymmetric"), attr.string("nearest_mode", "floor")] });
    const net = fcn.Net.fromOnnx(tie);
    expect(Array.from(net.run(x).data)).toEqual([0, 7]);
    expect(Array.from((await runOrt(tie, x)).data)).toEqual([0, 6]);
    net.dispose();
    // scale 0.7 on 10: the text's floor(10 · 0.699999988) = 6; onnxruntime's float32 product rounds to 7
    const x10 = fcn.tensor(Array.from({ length: 10 }, (_, i) => i), [1, 1, 1, 10]);
    const size = onnxModel({ opset: 13, shape: [1, 1, 1, 10], outShape: [1, 1, 1, 6], inputs: ["", "scales"], inits: [f32s("scales", [1, 1, 1, 0.7])], attrs: [] });
    const net2 = fcn.Net.fromOnnx(size);
    expect(net2.run(x10).shape).toEqual([1, 1, 1, 6]);
    expect((await runOrt(size, x10)).shape).toEqual([1, 1, 1, 7]);
    net2.dispose();
  });

  it("a segmentation head as torchvision exports it, its sizes a constant (what the Shape→Concat chain folds to)", async () => {
    const r = rng(42);
    for (const opset of [11, 13]) {
      const bytes = model({
        opset,
        nodes: [
          node("Conv", ["x", "w1", "b1"], ["f"], [attr.ints("kernel_shape", [3, 3]), attr.ints("pads", [1, 1, 1, 1]), attr.ints("strides", [2, 2])], "conv1"),
          node("Relu", ["f"], ["fr"], [], "relu"),
          node("Conv", ["fr", "w2"], ["logits"], [attr.ints("kernel_shape", [1, 1])], "classifier"),
          node("Resize", ["logits", "roi", "scales", "sizes"], ["y"], [attr.string("mode", "linear"), attr.string("coordinate_transformation_mode", "pytorch_half_pixel")], "upsample"),
        ],
        initializers: [
          tensorProto({ name: "w1", dims: [6, 3, 3, 3], data: randArray(r, 162) }), tensorProto({ name: "b1", dims: [6], data: randArray(r, 6) }),
          tensorProto({ name: "w2", dims: [4, 6, 1, 1], data: randArray(r, 24) }),
          f32s("roi", []), f32s("scales", []), int64s("sizes", [1, 4, 19, 27]),
        ],
        inputs: [valueInfo("x", [1, 3, 19, 27])],
        outputs: [valueInfo("y", [1, 4, 19, 27])],
      });
      const x = fcn.tensor(randArray(r, 3 * 19 * 27), [1, 3, 19, 27]);
      const net = fcn.Net.fromOnnx(bytes);
      const got = net.run(x);
      expect(got.shape).toEqual([1, 4, 19, 27]);
      expectClose(got, await runOrt(bytes, x), `segmentation head opset ${opset}`, 1e-4, 1e-4);
      net.dispose();
    }
  });

  it("what Net cannot run is an UnsupportedError naming the node and the value", () => {
    const base = (attrs: Bytes[], scales = [1, 1, 2, 2], opset = 19): Uint8Array => onnxModel({
      opset, shape: [1, 1, 3, 3], outShape: [1, 1, 6, 6], inputs: opset === 10 ? ["scales"] : ["", "scales"], inits: [f32s("scales", scales)], attrs,
    });
    const cases: [Uint8Array, RegExp][] = [
      [base([attr.string("mode", "cubic")]), /rs.*cubic/],
      [base([attr.string("mode", "linear"), attr.int("antialias", 1)]), /rs.*antialias = 1/],
      [base([attr.string("coordinate_transformation_mode", "tf_crop_and_resize")]), /rs.*tf_crop_and_resize/],
      [base([attr.string("coordinate_transformation_mode", "tf_half_pixel_for_nn")], [1, 1, 2, 2], 11), /rs.*tf_half_pixel_for_nn/],
      [base([], [1, 2, 2, 2]), /rs.*channel \(C\).*scales\[1\] = 2/],
      [base([], [2, 1, 2, 2]), /rs.*batch \(N\).*scales\[0\] = 2/],
      [base([attr.string("mode", "nearest")], [1, 1, 2, 0.5], 10), /rs.*going up on some axes and down on others/],
      [base([], [1, 1, 2, 0.1]), /rs.*scales\)\[1\]: scale 0\.1\d* on size 3 gives an empty output/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => fcn.Net.fromOnnx(bytes)).toThrow(fcn.UnsupportedError);
      expect(() => fcn.Net.fromOnnx(bytes)).toThrow(message);
    }
  });
});

describe("Resize layers exported with net.toOnnx()", () => {
  beforeAll(() => useBuild("simd"));

  const spec = (attrs: Record<string, unknown>): GraphSpec => ({
    input: { name: "x", shape: [1, 2, 5, 6] },
    output: "up",
    layers: [
      { name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: [3, 3], pads: 1 } },
      { name: "up", op: "Resize", inputs: ["c"], attrs } as never,
    ],
  });
  const cases: [string, Record<string, unknown>, number][] = [
    ["linear asymmetric scales", { mode: "linear", coordinateTransformationMode: "asymmetric", scales: [2, 1.5] }, 10],
    ["nearest asymmetric floor, scales up", { coordinateTransformationMode: "asymmetric", nearestMode: "floor", scales: [2, 3] }, 10],
    ["nearest asymmetric ceil, scales down", { coordinateTransformationMode: "asymmetric", nearestMode: "ceil", scales: [0.6, 0.5] }, 10],
    ["nearest asymmetric floor, scales down", { coordinateTransformationMode: "asymmetric", nearestMode: "floor", scales: [0.6, 0.5] }, 11],
    ["linear half_pixel scales", { mode: "linear", scales: [1.5, 0.5] }, 11],
    ["linear align_corners sizes", { mode: "linear", coordinateTransformationMode: "align_corners", sizes: [9, 4] }, 11],
    ["nearest pytorch_half_pixel round_prefer_ceil sizes", { coordinateTransformationMode: "pytorch_half_pixel", nearestMode: "round_prefer_ceil", sizes: [1, 13] }, 11],
    ["linear half_pixel_symmetric scales", { mode: "linear", coordinateTransformationMode: "half_pixel_symmetric", scales: [1.5, 2.5] }, 19],
  ];

  it("at opset 13 and above (another layer needs it) the unused roi and scales are left out (\"\")", async () => {
    for (const attrs of [{ mode: "linear", sizes: [9, 4] }, { coordinateTransformationMode: "asymmetric", nearestMode: "floor", scales: [2, 2] }]) {
      const s = spec(attrs);
      s.layers.push({ name: "p", op: "Softmax", inputs: ["up"] });
      s.output = "p";
      const net = fcn.Net.fromGraph(s);
      const x = fcn.tensor(randArray(rng(13), 60), [1, 2, 5, 6]);
      const y = net.run(x);
      const bytes = net.toOnnx();
      const m = readModel(bytes);
      expect(m.opsetImport).toEqual([{ domain: "", version: 13 }]);
      const resize = m.graph!.node.find((n) => n.opType === "Resize")!;
      expect(resize.input.slice(1, 3)).toEqual(attrs.sizes ? ["", ""] : ["", "up.scales"]);
      const back = fcn.Net.fromOnnx(bytes);
      expectSameBits(back.run(x), y, JSON.stringify(attrs));
      expectClose(await runOrt(bytes, x, "p"), y, `${JSON.stringify(attrs)}: onnxruntime`, 1e-5, 1e-5);
      net.dispose();
      back.dispose();
    }
  });

  it.each(cases)("%s: the lowest opset, identical outputs after re-import, and onnxruntime agrees", async (label, attrs, opset) => {
    const s = spec(attrs);
    const net = fcn.Net.fromGraph(s);
    const x = fcn.tensor(randArray(rng(opset), 60), [1, 2, 5, 6]);
    const y = net.run(x);
    const bytes = net.toOnnx();
    const m = readModel(bytes);
    expect(m.opsetImport).toEqual([{ domain: "", version: opset }]);
    expect(m.graph!.node.map((n) => n.opType)).toEqual(["Conv", "Resize"]);
    const back = fcn.Net.fromOnnx(bytes);
    const scales = attrs.scales === undefined ? {} : { scales: (attrs.scales as number[]).map(Math.fround) }; // written as float32
    expect(back.spec.layers[1].attrs).toEqual({ ...attrs, ...scales, mode: attrs.mode ?? "nearest", coordinateTransformationMode: attrs.coordinateTransformationMode ?? "half_pixel",
      ...((attrs.mode ?? "nearest") === "nearest" ? { nearestMode: attrs.nearestMode ?? "round_prefer_floor" } : {}) });
    expectSameBits(back.run(x), y, label);
    const ortY = await runOrt(bytes, x, "up");
    expectClose(ortY, y, `${label}: onnxruntime runs the export`, 1e-5, 1e-5);
    net.dispose();
    back.dispose();
  });
});

// The building blocks of src/nn: FCN's bilinear kernel (values worked by hand, and that a depthwise
// transposed convolution with it is exact bilinear upsampling of a ramp), safetensors (round trip, a
// file written byte by byte here, every malformed-file error), GraphSpec validation (each error
// names the layer), shape inference, Caffe's coordinate maps and the FCN builders' crop offsets
// (5, 9, 31 / 5, 27 / 19 for VGG16 geometry, whatever the widths).
import { beforeAll, describe, expect, it } from "vitest";
import { fcn as pkg, useBuild, expectClose } from "./lib.js";
import { bilinearKernel, bilinearWeights, bilinearWeightsDense, bilinearUpsampling, trilinearKernel, trilinearUpsampling, trilinearWeights, trilinearWeightsDense } from "../dist/nn/bilinear.js";
import { loadSafetensors, saveSafetensors, safetensorsMetadata } from "../dist/nn/safetensors.js";
import {
  validateGraph, inferShapes, analyzeGraph, parameterShapes, cropOffset, coordinateMaps, withCropOffsets,
  type GraphSpec, type LayerSpec,
} from "../dist/nn/graph.js";
import { fcn as buildFcn } from "../dist/nn/fcn.js";

// ---------------------------------------------------------------------------------------------
describe("bilinearKernel", () => {
  it("size 4 (factor 2) matches the values worked by hand", () => {
    // factor 2, center 1.5: profile [0.25, 0.75, 0.75, 0.25]; the kernel is its outer product
    expect(Array.from(bilinearKernel(4))).toEqual([
      0.0625, 0.1875, 0.1875, 0.0625,
      0.1875, 0.5625, 0.5625, 0.1875,
      0.1875, 0.5625, 0.5625, 0.1875,
      0.0625, 0.1875, 0.1875, 0.0625,
    ]);
  });
  it("odd sizes: 1, 3 and 5", () => {
    expect(Array.from(bilinearKernel(1))).toEqual([1]);
    // size 3: factor 2, center 1: profile [0.5, 1, 0.5]
    expect(Array.from(bilinearKernel(3))).toEqual([0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
    // size 5: factor 3, center 2: profile [1/3, 2/3, 1, 2/3, 1/3]
    const p = [1 / 3, 2 / 3, 1, 2 / 3, 1 / 3];
    const k = bilinearKernel(5);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(k[i * 5 + j]).toBe(Math.fround(p[i] * p[j]));
    expect(k[12]).toBe(1);
  });
  it("size 2 and a large size (FCN-32s' 64): symmetric, peak at the centre", () => {
    expect(Array.from(bilinearKernel(2))).toEqual([0.25, 0.25, 0.25, 0.25]);
    const k = bilinearKernel(64);
    expect(k.length).toBe(64 * 64);
    // factor 32, center 31.5: profile[0] = 1 − 31.5/32 = 1/64
    expect(k[0]).toBe(1 / 4096);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) expect(k[i * 64 + j]).toBe(k[(63 - i) * 64 + (63 - j)]);
  });
  it("each stride phase of a 2f − f mod 2 kernel sums to 1 (a partition of unity)", () => {
    for (const f of [2, 3, 4, 8, 32]) {
      const size = 2 * f - (f % 2);
      const k = bilinearKernel(size);
      for (let ry = 0; ry < f; ry++) for (let rx = 0; rx < f; rx++) {
        let sum = 0;
        for (let i = ry; i < size; i += f) for (let j = rx; j < size; j += f) sum += k[i * size + j];
        // phases that no tap reaches in an odd kernel (f odd, r = f − 1 beyond the last tap) are absent
        if (sum !== 0) expect(sum).toBeCloseTo(1, 6);
      }
    }
  });
  it("rejects sizes that are not positive integers", () => {
    expect(() => bilinearKernel(0)).toThrow(pkg.AttributeError);
    expect(() => bilinearKernel(2.5)).toThrow(/bilinearKernel\(size\)/);
    expect(() => bilinearWeights(0, 4)).toThrow(/channels/);
  });
});

describe("bilinear weights", () => {
  it("depthwise [C, 1, k, k]: the kernel in every channel", () => {
    const w = bilinearWeights(3, 4);
    expect(w.shape).toEqual([3, 1, 4, 4]);
    const k = bilinearKernel(4);
    for (let c = 0; c < 3; c++) expect(Array.from(w.data.subarray(c * 16, c * 16 + 16))).toEqual(Array.from(k));
  });
  it("dense [C, C, k, k]: the kernel on the diagonal, zero elsewhere (surgery.interp)", () => {
    const w = bilinearWeightsDense(3, 4);
    expect(w.shape).toEqual([3, 3, 4, 4]);
    const k = Array.from(bilinearKernel(4));
    for (let c = 0; c < 3; c++) for (let m = 0; m < 3; m++) {
      const block = Array.from(w.data.subarray((c * 3 + m) * 16, (c * 3 + m + 1) * 16));
      expect(block).toEqual(c === m ? k : new Array(16).fill(0));
    }
  });
  it("bilinearUpsampling(f) gives an output exactly f times the input", () => {
    expect(bilinearUpsampling(2)).toEqual({ kernelShape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(bilinearUpsampling(3)).toEqual({ kernelShape: [5, 5], strides: [3, 3], pads: [1, 1, 1, 1] });
    expect(bilinearUpsampling(8)).toEqual({ kernelShape: [16, 16], strides: [8, 8], pads: [4, 4, 4, 4] });
  });
});

describe("trilinear kernel and weights (volumes)", () => {
  it("size 4 (factor 2): the outer product of [0.25, 0.75, 0.75, 0.25] over three axes, worked by hand", () => {
    const k = trilinearKernel(4);
    expect(k.length).toBe(64);
    expect(k[0]).toBe(0.015625); // 0.25³
    expect(k[1]).toBe(0.046875); // 0.25·0.25·0.75
    expect(k[(1 * 4 + 1) * 4 + 1]).toBe(0.421875); // 0.75³
    expect(k[(3 * 4 + 2) * 4 + 0]).toBe(0.046875); // 0.25·0.75·0.25
  });
  it("every slice k[d] is bilinearKernel scaled by the profile at d (sizes 1, 3, 5, 16)", () => {
    for (const size of [1, 3, 5, 16]) {
      const k = trilinearKernel(size), b = bilinearKernel(size);
      const factor = Math.floor((size + 1) / 2), center = size % 2 === 1 ? factor - 1 : factor - 0.5;
      for (let d = 0; d < size; d++) {
        const p = 1 - Math.abs(d - center) / factor;
        for (let i = 0; i < size * size; i++) expect(k[d * size * size + i]).toBeCloseTo(p * b[i], 7);
      }
    }
  });
  it("each stride phase of a 2f − f mod 2 kernel sums to 1 in 3-D too", () => {
    for (const f of [2, 3, 4]) {
      const size = 2 * f - (f % 2), k = trilinearKernel(size);
      for (let rd = 0; rd < f; rd++) for (let ry = 0; ry < f; ry++) for (let rx = 0; rx < f; rx++) {
        let sum = 0;
        for (let d = rd; d < size; d += f) for (let i = ry; i < size; i += f) for (let j = rx; j < size; j += f) sum += k[(d * size + i) * size + j];
        if (sum !== 0) expect(sum).toBeCloseTo(1, 6);
      }
    }
  });
  it("depthwise [C, 1, k, k, k] and dense [C, C, k, k, k] weights; the upsampling attributes; bad sizes", () => {
    const k = Array.from(trilinearKernel(4));
    const w = trilinearWeights(2, 4);
    expect(w.shape).toEqual([2, 1, 4, 4, 4]);
    for (let c = 0; c < 2; c++) expect(Array.from(w.data.subarray(c * 64, (c + 1) * 64))).toEqual(k);
    const d = trilinearWeightsDense(3, 4);
    expect(d.shape).toEqual([3, 3, 4, 4, 4]);
    for (let c = 0; c < 3; c++) for (let m = 0; m < 3; m++) {
      expect(Array.from(d.data.subarray((c * 3 + m) * 64, (c * 3 + m + 1) * 64))).toEqual(c === m ? k : new Array(64).fill(0));
    }
    expect(trilinearUpsampling(2)).toEqual({ kernelShape: [4, 4, 4], strides: [2, 2, 2], pads: [1, 1, 1, 1, 1, 1] });
    expect(trilinearUpsampling(3)).toEqual({ kernelShape: [5, 5, 5], strides: [3, 3, 3], pads: [1, 1, 1, 1, 1, 1] });
    expect(() => trilinearKernel(0)).toThrow(pkg.AttributeError);
    expect(() => trilinearWeights(2, 1.5)).toThrow(/trilinearWeights\(size\)/);
    expect(() => trilinearWeightsDense(-1, 4)).toThrow(/channels/);
    expect(() => trilinearUpsampling(0)).toThrow(/factor/);
  });
  it("is exported from the package", () => {
    expect(pkg.trilinearKernel).toBe(trilinearKernel);
    expect(pkg.trilinearUpsampling).toBe(trilinearUpsampling);
  });
});

describe("bilinear upsampling with convTranspose", () => {
  beforeAll(() => useBuild("simd"));
  const H = 5, W = 7, C = 2;
  // channel c holds the ramp a_c·i + b_c·j + c_c
  const ramps = [[1.5, -0.75, 2], [-2, 0.5, -1]];
  const ramp = (c: number, u: number, v: number): number => ramps[c][0] * u + ramps[c][1] * v + ramps[c][2];
  const x = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) x[(c * H + i) * W + j] = ramp(c, i, j);

  for (const f of [2, 3, 4, 8]) {
    it(`factor ${f}: a depthwise convTranspose (group = C, stride ${f}, kernel ${2 * f - (f % 2)}) reproduces the ramp exactly in the interior`, () => {
      const attrs = { ...bilinearUpsampling(f), group: C };
      const y = pkg.convTranspose(pkg.tensor(x, [1, C, H, W]), bilinearWeights(C, attrs.kernelShape[0]), null, attrs);
      expect(y.shape).toEqual([1, C, f * H, f * W]);
      let checked = 0;
      for (let c = 0; c < C; c++) for (let oy = 0; oy < f * H; oy++) for (let ox = 0; ox < f * W; ox++) {
        // output pixel o samples the input at u = (o + 0.5)/f − 0.5 (half-pixel centres)
        const u = (oy + 0.5) / f - 0.5, v = (ox + 0.5) / f - 0.5;
        if (u < 0 || u > H - 1 || v < 0 || v > W - 1) continue; // the border sees the zero padding
        const got = y.data[(c * f * H + oy) * f * W + ox];
        expect(Math.abs(got - ramp(c, u, v))).toBeLessThan(1e-5);
        checked++;
      }
      // u ∈ [0, H − 1] for f·(H − 1) output rows (one more when f is odd: a row lands on u = 0 exactly)
      expect(checked).toBe(C * (f * (H - 1) + (f % 2)) * (f * (W - 1) + (f % 2)));
    });
  }
  it("the dense diagonal weight (group 1) gives the same numbers as the depthwise one", () => {
    const attrs = bilinearUpsampling(2);
    const xt = pkg.tensor(x, [1, C, H, W]);
    const depthwise = pkg.convTranspose(xt, bilinearWeights(C, 4), null, { ...attrs, group: C });
    const dense = pkg.convTranspose(xt, bilinearWeightsDense(C, 4), null, attrs);
    expectClose(dense, depthwise, "dense vs depthwise bilinear", 1e-6, 1e-6);
  });
});

// ---------------------------------------------------------------------------------------------
/** A safetensors file from a header (object or raw string) and data bytes; `length` overrides N. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), length?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, length ?? json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe("safetensors", () => {
  it("round trip: shapes, values, sorted names, 8-byte aligned header, metadata", () => {
    const tensors = {
      "fc6.weight": pkg.tensor(Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3), [2, 3, 2, 2]),
      "conv1_1.bias": pkg.tensor([1.25, -2, 1e-30], [3]),
      "b.scalar": pkg.tensor([42], []),
      "a.empty": pkg.tensor([], [0, 4]),
      ["__proto__"]: pkg.tensor([7], [1]), // computed key: an own entry, not the prototype
    };
    const bytes = saveSafetensors(tensors, { format: "pt" });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(0);
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(Object.keys(header)).toEqual(["__metadata__", "__proto__", "a.empty", "b.scalar", "conv1_1.bias", "fc6.weight"]);
    expect(header["conv1_1.bias"]).toEqual({ dtype: "F32", shape: [3], data_offsets: [8, 20] });
    expect(bytes.length).toBe(8 + n + (1 + 0 + 1 + 3 + 24) * 4);

    const back = loadSafetensors(bytes);
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].shape).toEqual(t.shape);
      expect(Array.from(back[name].data)).toEqual(Array.from(t.data));
    }
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(safetensorsMetadata(bytes)).toEqual({ format: "pt" });
    // a Map works too, and an ArrayBuffer loads like a Uint8Array
    const again = saveSafetensors(new Map(Object.entries(tensors)), { format: "pt" });
    expect(Array.from(again)).toEqual(Array.from(bytes));
    expect(Object.keys(loadSafetensors(bytes.slice().buffer))).toHaveLength(5);
  });

  it("a file written byte by byte: unpadded header, F32 at an unaligned offset, F16, BF16 and F64 converted", () => {
    const data = new Uint8Array(38);
    const v = new DataView(data.buffer);
    // "b" BF16 [3] at [0, 6): 1.0, −3.5, 3.140625
    [0x3f80, 0xc060, 0x4049].forEach((h, i) => v.setUint16(2 * i, h, true));
    // "a" F32 [2] at [6, 14): not 4-byte aligned
    v.setFloat32(6, 1.5, true); v.setFloat32(10, -0.25, true);
    // "h" F16 [2, 2] at [14, 22): 1, −2, 65504 (largest half), 2^−24 (smallest subnormal)
    [0x3c00, 0xc000, 0x7bff, 0x0001].forEach((h, i) => v.setUint16(14 + 2 * i, h, true));
    // "d" F64 [2] at [22, 38)
    v.setFloat64(22, 0.1, true); v.setFloat64(30, -1e10, true);
    const header = '{"__metadata__":{"source":"hand"},"h":{"dtype":"F16","shape":[2,2],"data_offsets":[14,22]},' +
      '"a":{"dtype":"F32","shape":[2],"data_offsets":[6,14]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]},' +
      '"d":{"dtype":"F64","shape":[2],"data_offsets":[22,38]}}';
    expect((header.length) % 8).not.toBe(0); // unpadded on purpose
    const bytes = file(header, data);
    const t = loadSafetensors(bytes);
    expect(t.a.shape).toEqual([2]);
    expect(Array.from(t.a.data)).toEqual([1.5, -0.25]);
    expect(Array.from(t.b.data)).toEqual([1, -3.5, 3.140625]);
    expect(t.h.shape).toEqual([2, 2]);
    expect(Array.from(t.h.data)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from(t.d.data)).toEqual([Math.fround(0.1), -1e10]);
    expect(safetensorsMetadata(bytes)).toEqual({ source: "hand" });
    // space padding after the JSON is allowed
    expect(loadSafetensors(file(header + "      ", data)).a.data[0]).toBe(1.5);
  });

  it("never aliases the input: changing the file afterwards changes no tensor", () => {
    const bytes = saveSafetensors({ w: pkg.tensor([1, 2, 3, 4], [2, 2]) });
    const t = loadSafetensors(bytes);
    expect(t.w.data.buffer).not.toBe(bytes.buffer);
    bytes.fill(0xff, 8 + new DataView(bytes.buffer).getUint32(0, true));
    expect(Array.from(t.w.data)).toEqual([1, 2, 3, 4]);
    // and a Uint8Array view into a larger buffer is read at its own offset
    const big = new Uint8Array(bytes.length + 13);
    const fresh = saveSafetensors({ w: pkg.tensor([1, 2, 3, 4], [2, 2]) });
    big.set(fresh, 13);
    expect(Array.from(loadSafetensors(big.subarray(13)).w.data)).toEqual([1, 2, 3, 4]);
  });

  const f32 = (name: string, shape: number[], begin: number, end: number) => ({ [name]: { dtype: "F32", shape, data_offsets: [begin, end] } });
  const cases: [string, () => Uint8Array, RegExp, typeof pkg.FcnWasmError][] = [
    ["fewer than 8 bytes", () => new Uint8Array(5), /truncated file: 5 bytes/, pkg.ShapeError],
    ["a header length past the end", () => file(f32("w", [1], 0, 4), new Uint8Array(4), 1000), /header length 1000 runs past the end/, pkg.ShapeError],
    ["a header length with the high word set", () => { const b = file({}); new DataView(b.buffer).setUint32(4, 1, true); return b; }, /runs past the end/, pkg.ShapeError],
    ["a header that is not JSON", () => file("{not json}"), /not valid UTF-8 JSON/, pkg.ShapeError],
    ["a header that is not UTF-8", () => { const b = file("{}  "); b[9] = 0xff; return b; }, /not valid UTF-8 JSON/, pkg.ShapeError],
    ["a header that is a JSON array", () => file("[]"), /must be a JSON object/, pkg.ShapeError],
    ["offsets out of range (truncated data)", () => file(f32("w", [4], 0, 16), new Uint8Array(12)), /"w".*\[0, 16\] run past the end of the data \(12 bytes\)/, pkg.ShapeError],
    ["overlapping offsets", () => file({ ...f32("a", [2], 0, 8), ...f32("b", [2], 4, 12) }, new Uint8Array(12)), /"a" \[0, 8\] and "b" \[4, 12\] overlap/, pkg.ShapeError],
    ["a gap between tensors", () => file({ ...f32("a", [1], 0, 4), ...f32("b", [1], 8, 12) }, new Uint8Array(12)), /\[4, 8\) belong to no tensor/, pkg.ShapeError],
    ["bytes after the last tensor", () => file(f32("a", [1], 0, 4), new Uint8Array(8)), /4 data byte\(s\) after the last tensor/, pkg.ShapeError],
    ["offsets that do not match shape × dtype size", () => file(f32("w", [3], 0, 8), new Uint8Array(8)), /"w".*hold 8 bytes, but F32 \[3\] needs 12/, pkg.ShapeError],
    ["begin after end", () => file(f32("w", [0], 8, 4), new Uint8Array(8)), /begin is after end/, pkg.ShapeError],
    ["a negative dimension", () => file(f32("w", [-1], 0, 4), new Uint8Array(4)), /"w": shape/, pkg.ShapeError],
    ["missing data_offsets", () => file({ w: { dtype: "F32", shape: [1] } }, new Uint8Array(4)), /"w": data_offsets/, pkg.ShapeError],
    ["an unknown dtype", () => file({ w: { dtype: "F33", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /unknown dtype "F33"/, pkg.ShapeError],
    ["a known dtype it does not convert (I64)", () => file({ w: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /"w": dtype I64 is not supported/, pkg.UnsupportedError],
    ["__metadata__ with a non-string value", () => file({ __metadata__: { n: 1 } }), /__metadata__ must be an object of strings/, pkg.ShapeError],
  ];
  for (const [what, make, message, cls] of cases) {
    it(`rejects ${what}`, () => {
      const bytes = make();
      expect(() => loadSafetensors(bytes)).toThrow(cls);
      expect(() => loadSafetensors(bytes)).toThrow(message);
    });
  }
  it("rejects a non-byte argument, a bad tensor and a reserved name when saving", () => {
    expect(() => loadSafetensors("abc" as unknown as Uint8Array)).toThrow(pkg.ShapeError);
    expect(() => saveSafetensors({ w: { data: new Float32Array(3), shape: [2, 2] } })).toThrow(/saveSafetensors\(tensors\["w"\]\)/);
    expect(() => saveSafetensors({ __metadata__: pkg.tensor([1], [1]) })).toThrow(/cannot be a tensor name/);
  });
});

// ---------------------------------------------------------------------------------------------
/** data [1, 2, 8, 8] → conv1 (3×3 pads 1, 4 ch) → r1 → pool (2×2 s2) → up (k4 s2, 3 ch) → c (Crop to data). */
function small(): GraphSpec {
  return {
    input: { name: "data", shape: [1, 2, 8, 8] },
    output: "c",
    layers: [
      { name: "conv1", op: "Conv", inputs: ["data"], attrs: { outChannels: 4, kernelShape: [3, 3], pads: 1 } },
      { name: "r1", op: "Relu", inputs: ["conv1"] },
      { name: "pool", op: "MaxPool", inputs: ["r1"], attrs: { kernelShape: [2, 2], strides: [2, 2] } },
      { name: "up", op: "ConvTranspose", inputs: ["pool"], attrs: { outChannels: 3, kernelShape: [4, 4], strides: [2, 2], bias: false } },
      { name: "c", op: "Crop", inputs: ["up", "data"] },
    ],
  };
}
function edit(f: (s: GraphSpec & { layers: any[] }) => void): GraphSpec {
  const s = small() as GraphSpec & { layers: any[] };
  f(s);
  return s;
}

describe("validateGraph", () => {
  it("accepts a valid spec, and fcn() specs after a JSON round trip", () => {
    expect(() => validateGraph(small())).not.toThrow();
    for (const variant of ["8s", "16s", "32s"] as const) {
      expect(() => validateGraph(JSON.parse(JSON.stringify(buildFcn({ variant, classes: 5 }))))).not.toThrow();
    }
  });
  const errors: [string, () => unknown, RegExp][] = [
    ["an unknown op", () => edit((s) => { s.layers[1].op = "Gelu"; }), /layer "r1" \(Gelu\): unknown op "Gelu"; expected one of Conv, ConvTranspose/],
    ["duplicate layer names", () => edit((s) => { s.layers[2].name = "r1"; s.layers[3].inputs = ["r1"]; }), /layer "r1" \(MaxPool\): duplicate layer name \(also layers\[1\]\)/],
    ["a layer named like the graph input", () => edit((s) => { s.layers[0].name = "data"; }), /layer "data" \(Conv\): the name "data" is already the graph input's/],
    ["an input naming a later layer (a cycle)", () => edit((s) => { s.layers[0].inputs = ["pool"]; }), /layer "conv1" \(Conv\): input "pool" is layers\[2\], which does not come earlier.*cannot have cycles/],
    ["a layer that is its own input", () => edit((s) => { s.layers[1].inputs = ["r1"]; }), /layer "r1" \(Relu\): input "r1" is layers\[1\], which does not come earlier/],
    ["an input naming nothing", () => edit((s) => { s.layers[2].inputs = ["relu1"]; }), /layer "pool" \(MaxPool\): input "relu1" names neither the graph input "data" nor an earlier layer/],
    ["too few inputs for Crop", () => edit((s) => { s.layers[4].inputs = ["up"]; }), /layer "c" \(Crop\): expected 2 inputs \[x, like\], got 1/],
    ["too many inputs for Relu", () => edit((s) => { s.layers[1].inputs = ["conv1", "data"]; }), /layer "r1" \(Relu\): expected 1 input, got 2/],
    ["an Add with one input", () => edit((s) => { s.layers.push({ name: "sum", op: "Add", inputs: ["c"] }); }), /layer "sum" \(Add\): expected 2 inputs \[a, b\], got 1/],
    ["an output naming no layer", () => edit((s) => { s.output = "nope"; }), /graph.output: "nope" names no layer/],
    ["an output naming the graph input", () => edit((s) => { s.output = "data"; }), /graph.output: "data" names no layer \(it is the graph input\)/],
    ["an unknown attribute", () => edit((s) => { s.layers[0].attrs.strdes = 2; }), /layer "conv1" \(Conv\): attrs.strdes: unknown attribute/],
    ["attributes on Relu", () => edit((s) => { s.layers[1].attrs = { alpha: 0.1 }; }), /layer "r1" \(Relu\): attrs.alpha: unknown attribute; Relu takes none/],
    ["a Conv without outChannels", () => edit((s) => { delete s.layers[0].attrs.outChannels; }), /layer "conv1" \(Conv\): attrs.outChannels: required/],
    ["a Conv without kernelShape", () => edit((s) => { delete s.layers[0].attrs.kernelShape; }), /layer "conv1" \(Conv\): attrs.kernelShape: required/],
    ["a bad init", () => edit((s) => { s.layers[3].attrs.init = "random"; }), /layer "up" \(ConvTranspose\): attrs.init: expected one of he, xavier, zeros, bilinear/],
    ["a Scale without scale", () => edit((s) => { s.layers.splice(2, 0, { name: "sc", op: "Scale", inputs: ["r1"], attrs: {} }); }), /layer "sc" \(Scale\): attrs.scale: expected a finite number, got nothing/],
    ["a Dropout ratio of 1", () => edit((s) => { s.layers.splice(2, 0, { name: "dr", op: "Dropout", inputs: ["r1"], attrs: { ratio: 1 } }); }), /layer "dr" \(Dropout\): attrs.ratio: expected a number in \[0, 1\)/],
    ["negative Crop offsets", () => edit((s) => { s.layers[4].attrs = { offsets: [-1, 0] }; }), /layer "c" \(Crop\): attrs.offsets/],
    ["a layer without a name", () => edit((s) => { delete s.layers[1].name; }), /layers\[1\].name: expected a non-empty string/],
    ["an unknown key in a layer", () => edit((s) => { s.layers[1].input = ["conv1"]; }), /layer "r1" \(Relu\): unknown key "input"/],
    ["a spec that is not an object", () => "graph", /expected a GraphSpec object/],
  ];
  for (const [what, make, message] of errors) {
    it(`rejects ${what} (AttributeError naming the layer)`, () => {
      const spec = make();
      expect(() => validateGraph(spec)).toThrow(pkg.AttributeError);
      expect(() => validateGraph(spec)).toThrow(message);
    });
  }
  it("rejects a bad input shape with ShapeError", () => {
    expect(() => inferShapes(edit((s) => { s.input.shape = [1, 2]; }))).toThrow(pkg.ShapeError); // Conv needs [N, C, L] at least: its own check
    expect(() => validateGraph(edit((s) => { s.input.shape = [1, 2, 0, 8]; }))).toThrow(/graph.input.shape\[2\]: expected a positive integer/);
  });
});

describe("inferShapes", () => {
  it("every layer's shape, the parameters, the computed crop offset", () => {
    const a = analyzeGraph(small());
    expect([...a.shapes.entries()]).toEqual([
      ["data", [1, 2, 8, 8]], ["conv1", [1, 4, 8, 8]], ["r1", [1, 4, 8, 8]], ["pool", [1, 4, 4, 4]],
      ["up", [1, 3, 10, 10]], ["c", [1, 3, 8, 8]],
    ]);
    expect([...a.parameters.entries()]).toEqual([["conv1.weight", [4, 2, 3, 3]], ["conv1.bias", [4]], ["up.weight", [4, 3, 4, 4]]]);
    // conv1 and pool: data→pool = (x − 0.5)/2; up: 2·p + 1.5 ⇒ up = x + 1: crop offset 1
    expect(a.cropOffsets.get("c")).toEqual([1, 1]);
    expect(inferShapes(small(), [2, 2, 13, 6]).get("c")).toEqual([2, 3, 13, 6]);
    expect(parameterShapes(small(), [1, 2, 20, 20]).get("conv1.weight")).toEqual([4, 2, 3, 3]);
  });
  it("rank 1 (N, C, L)", () => {
    const s = edit((s) => {
      s.input.shape = [1, 2, 9];
      s.layers[0].attrs.kernelShape = [3]; s.layers[2].attrs = { kernelShape: 2, strides: 2 };
      s.layers[3].attrs.kernelShape = [4]; s.layers[3].attrs.strides = 2;
    });
    expect(inferShapes(s).get("c")).toEqual([1, 3, 9]);
    expect(analyzeGraph(s).cropOffsets.get("c")).toEqual([1]);
  });
  it("grouped ConvTranspose weights are [C, M/group, k, k]", () => {
    const s = edit((s) => { s.layers[3].attrs = { outChannels: 4, kernelShape: [4, 4], strides: 2, group: 4 }; });
    expect(parameterShapes(s).get("up.weight")).toEqual([4, 1, 4, 4]);
    expect(parameterShapes(s).get("up.bias")).toEqual([4]);
  });
  const shapeErrors: [string, () => GraphSpec, RegExp, typeof pkg.FcnWasmError][] = [
    ["an Add of different shapes", () => edit((s) => { s.layers.push({ name: "sum", op: "Add", inputs: ["c", "data"] }); }),
      /layer "sum" \(Add\): inputs "c" \[1, 3, 8, 8\] and "data" \[1, 2, 8, 8\] must have the same shape/, pkg.ShapeError],
    ["a Crop larger than its input", () => edit((s) => { s.layers[4].inputs = ["pool", "data"]; s.layers[4].attrs = { offsets: [0, 0] }; }),
      /layer "c" \(Crop\): the crop is larger than its input: axis 0 offset 0 \+ size 8/, pkg.ShapeError],
    ["a Crop whose offset runs over the end", () => edit((s) => { s.layers[4].attrs = { offsets: [3, 0] }; }),
      /layer "c" \(Crop\): the crop is larger than its input: axis 0 offset 3 \+ size 8 .* exceeds "up"'s size 10/, pkg.ShapeError],
    ["a computed crop between maps of different resolution", () => edit((s) => { s.layers[4].inputs = ["data", "pool"]; }),
      /layer "c" \(Crop\): computing the offsets that align "data" with "pool": axis 0: the two feature maps have different resolutions \(scale 1\/2/, pkg.ShapeError],
    ["a computed crop that would need padding", () => edit((s) => { s.layers[4].inputs = ["data", "up"]; }),
      /layer "c" \(Crop\): .*cannot pad/, pkg.ShapeError],
    ["a conv whose output would be empty", () => edit((s) => { s.layers[0].attrs = { outChannels: 4, kernelShape: [9, 9] }; }),
      /layer "conv1" \(Conv\): conv: output axis 0 would be empty/, pkg.ShapeError],
    ["a bad stride", () => edit((s) => { s.layers[0].attrs.strides = 0; }), /layer "conv1" \(Conv\): conv\(attrs.strides\)\[0\]/, pkg.AttributeError],
    ["a group that does not divide the channels", () => edit((s) => { s.layers[0].attrs.group = 3; }), /layer "conv1" \(Conv\): .*divisible by group 3/, pkg.ShapeError],
    ["outChannels not divisible by a ConvTranspose's group", () => edit((s) => { s.layers[3].attrs.group = 2; }), /layer "up" \(ConvTranspose\): attrs.outChannels 3 must be divisible by group 2/, pkg.ShapeError],
    ["a kernelShape of the wrong rank", () => edit((s) => { s.layers[0].attrs.kernelShape = [3, 3, 3]; }), /layer "conv1" \(Conv\): attrs.kernelShape: expected 2 values/, pkg.AttributeError],
    ["a MaxPool window over padding only", () => edit((s) => { s.layers[2].attrs.pads = 2; }), /layer "pool" \(MaxPool\): maxPool/, pkg.AttributeError],
  ];
  for (const [what, make, message, cls] of shapeErrors) {
    it(`rejects ${what}, naming the layer`, () => {
      const spec = make();
      expect(() => inferShapes(spec)).toThrow(cls);
      expect(() => inferShapes(spec)).toThrow(message);
    });
  }
});

describe("coordinate maps (Caffe's coord_map)", () => {
  const chain = (layers: LayerSpec[], shape = [1, 1, 20, 20]): GraphSpec => ({ input: { name: "data", shape }, output: layers[layers.length - 1].name, layers });
  it("an unpadded 5×5 conv loses 2 pixels per side: it sits at offset 2 in its input", () => {
    const s = chain([{ name: "conv", op: "Conv", inputs: ["data"], attrs: { outChannels: 1, kernelShape: [5, 5] } }]);
    expect(cropOffset(s, "data", "conv")).toEqual([2, 2]);
    expect(coordinateMaps(s).get("conv")).toEqual([{ scale: 1, shift: -2 }, { scale: 1, shift: -2 }]);
    expect(() => cropOffset(s, "conv", "data")).toThrow(/cannot pad/);
  });
  it("strides that are not powers of two stay exact (rational arithmetic)", () => {
    const s = chain([
      { name: "down", op: "Conv", inputs: ["data"], attrs: { outChannels: 1, kernelShape: [3, 3], strides: 3 } },
      { name: "up", op: "ConvTranspose", inputs: ["down"], attrs: { outChannels: 1, kernelShape: [5, 5], strides: 3 } },
    ], [1, 1, 21, 21]);
    // down = (x − 1)/3; up = 3·down + 2 = x + 1 ⇒ up is data shifted by one pixel
    expect(coordinateMaps(s).get("down")![0].scale).toBeCloseTo(1 / 3, 12);
    expect(cropOffset(s, "up", "data")).toEqual([1, 1]);
  });
  it("asymmetric pads and dilation use the begin pad and the dilated extent", () => {
    const s = chain([{ name: "conv", op: "Conv", inputs: ["data"], attrs: { outChannels: 1, kernelShape: [3, 3], dilations: [2, 1], pads: [0, 1, 4, 1] } }]);
    // axis 0: extent 5, pad 0 ⇒ conv = x − 2; axis 1: extent 3, pad 1 ⇒ conv = x
    expect(cropOffset(s, "data", "conv")).toEqual([2, 0]);
  });
  it("a half-pixel shift is not an integer offset", () => {
    const s = chain([{ name: "conv", op: "Conv", inputs: ["data"], attrs: { outChannels: 1, kernelShape: [2, 2] } }]);
    expect(() => cropOffset(s, "data", "conv")).toThrow(/offset 1\/2 is not an integer/);
  });
  it("withCropOffsets fills in offsets and keeps given ones", () => {
    const filled = withCropOffsets(small());
    expect((filled.layers[4].attrs as { offsets: number[] }).offsets).toEqual([1, 1]);
    expect(small().layers[4].attrs).toBeUndefined(); // the argument is not modified
    const given = withCropOffsets(edit((s) => { s.layers[4].attrs = { offsets: [2, 0] }; }));
    expect((given.layers[4].attrs as { offsets: number[] }).offsets).toEqual([2, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("fcn()", () => {
  const VARIANTS = [
    { variant: "8s", crops: { score_pool4c: 5, score_pool3c: 9, score: 31 } },
    { variant: "16s", crops: { score_pool4c: 5, score: 27 } },
    { variant: "32s", crops: { score: 19 } },
  ] as const;
  const WIDTHS = [
    { name: "VGG16", widths: undefined, fc: undefined },
    { name: "scaled down", widths: [4, 8, 8, 16, 16], fc: 32 },
  ];

  for (const { variant, crops } of VARIANTS) {
    for (const w of WIDTHS) {
      it(`FCN-${variant} (${w.name}): crop offsets ${Object.values(crops).join(", ")} come from the coordinate maps`, () => {
        const spec = buildFcn({ variant, classes: 21, widths: w.widths, fc: w.fc });
        const cropLayers = spec.layers.filter((l) => l.op === "Crop");
        expect(Object.fromEntries(cropLayers.map((l) => [l.name, (l.attrs as { offsets: number[] }).offsets]))).toEqual(
          Object.fromEntries(Object.entries(crops).map(([k, v]) => [k, [v, v]])));
        // the same numbers from the exported helper, for other input sizes too
        expect(cropOffset(spec, spec.layers.find((l) => l.name === "score")!.inputs[0], "data", [1, 3, 100, 37])).toEqual([crops.score, crops.score]);
        // every Add's inputs line up exactly (same coordinate map)
        const maps = coordinateMaps(spec);
        for (const add of spec.layers.filter((l) => l.op === "Add")) expect(maps.get(add.inputs[0])).toEqual(maps.get(add.inputs[1]));
        expect(maps.get("score")).toEqual([{ scale: 1, shift: 0 }, { scale: 1, shift: 0 }]);
      });
      for (const size of [64, 224]) {
        it(`FCN-${variant} (${w.name}) at 1×3×${size}×${size}: score is [1, classes, ${size}, ${size}]`, () => {
          const spec = buildFcn({ variant, classes: 21, widths: w.widths, fc: w.fc });
          const shapes = inferShapes(spec, [1, 3, size, size]);
          expect(shapes.get("score")).toEqual([1, 21, size, size]);
          // (size + 198) through five ceil-mode pools, then the 7×7 fc6
          let h = size + 198;
          for (let i = 0; i < 5; i++) h = Math.ceil(h / 2);
          expect(shapes.get("pool5")).toEqual([1, w.widths?.[4] ?? 512, h, h]);
          expect(shapes.get("fc7")).toEqual([1, w.fc ?? 4096, h - 6, h - 6]);
        });
      }
    }
  }

  it("FCN-8s has the layers of voc-fcn8s-atonce, in order", () => {
    const names = buildFcn({ variant: "8s", classes: 21 }).layers.map((l) => l.name);
    const vgg = [[1, 2], [2, 2], [3, 3], [4, 3], [5, 3]].flatMap(([b, n]) => [
      ...Array.from({ length: n }, (_, i) => [`conv${b}_${i + 1}`, `relu${b}_${i + 1}`]).flat(), `pool${b}`]);
    expect(names).toEqual([...vgg, "fc6", "relu6", "drop6", "fc7", "relu7", "drop7", "score_fr", "upscore2",
      "scale_pool4", "score_pool4", "score_pool4c", "fuse_pool4", "upscore_pool4",
      "scale_pool3", "score_pool3", "score_pool3c", "fuse_pool3", "upscore8", "score"]);
    const spec = buildFcn({ variant: "8s", classes: 21 });
    const byName = new Map(spec.layers.map((l) => [l.name, l]));
    expect(byName.get("conv1_1")!.attrs).toMatchObject({ pads: [100, 100, 100, 100], kernelShape: [3, 3], outChannels: 64 });
    expect(byName.get("pool1")!.attrs).toEqual({ kernelShape: [2, 2], strides: [2, 2], ceilMode: true });
    expect(byName.get("fc6")!.attrs).toMatchObject({ kernelShape: [7, 7], pads: [0, 0, 0, 0], outChannels: 4096 });
    expect(byName.get("drop6")!.attrs).toEqual({ ratio: 0.5 });
    expect(byName.get("scale_pool4")).toMatchObject({ inputs: ["pool4"], attrs: { scale: 0.01 } });
    expect(byName.get("scale_pool3")).toMatchObject({ inputs: ["pool3"], attrs: { scale: 0.0001 } });
    expect(byName.get("score_pool4")!.inputs).toEqual(["scale_pool4"]);
    expect(byName.get("fuse_pool4")!.inputs).toEqual(["upscore2", "score_pool4c"]);
    expect(byName.get("score")!.inputs).toEqual(["upscore8", "data"]);
    expect(byName.get("score_fr")!.attrs).toMatchObject({ init: "zeros", outChannels: 21 });
    expect(spec.output).toBe("score");
  });

  it("16s and 32s: the reference layers (no Scale in 16s unless asked)", () => {
    const s16 = buildFcn({ variant: "16s", classes: 2 }).layers.map((l) => l.name);
    expect(s16.slice(s16.indexOf("score_fr"))).toEqual(["score_fr", "upscore2", "score_pool4", "score_pool4c", "fuse_pool4", "upscore16", "score"]);
    const scaled = buildFcn({ variant: "16s", classes: 2, scaleSkips: true }).layers.map((l) => l.name);
    expect(scaled).toContain("scale_pool4");
    expect(buildFcn({ variant: "8s", classes: 2, scaleSkips: false }).layers.map((l) => l.name)).not.toContain("scale_pool3");
    const s32 = buildFcn({ variant: "32s", classes: 2 }).layers.map((l) => l.name);
    expect(s32.slice(s32.indexOf("score_fr"))).toEqual(["score_fr", "upscore", "score"]);
    const up = buildFcn({ variant: "32s", classes: 2 }).layers.find((l) => l.name === "upscore")!;
    expect(up.attrs).toMatchObject({ kernelShape: [64, 64], strides: [32, 32] });
    const up16 = buildFcn({ variant: "16s", classes: 2 }).layers.find((l) => l.name === "upscore16")!;
    expect(up16.attrs).toMatchObject({ kernelShape: [32, 32], strides: [16, 16] });
  });

  it("upsampling: fixed depthwise bilinear by default, dense learned with learnUpsampling", () => {
    const fixed = buildFcn({ variant: "8s", classes: 21 });
    const learned = buildFcn({ variant: "8s", classes: 21, learnUpsampling: true });
    for (const name of ["upscore2", "upscore_pool4", "upscore8"]) {
      const f = fixed.layers.find((l) => l.name === name)!;
      expect(f.attrs).toMatchObject({ group: 21, outChannels: 21, bias: false, trainable: false, init: "bilinear" });
      const l = learned.layers.find((l) => l.name === name)!;
      expect(l.attrs).toMatchObject({ outChannels: 21, bias: false, trainable: true, init: "bilinear" });
      expect((l.attrs as { group?: number }).group).toBeUndefined();
    }
    const p = parameterShapes(fixed);
    expect(p.get("upscore8.weight")).toEqual(bilinearWeights(21, 16).shape);
    expect(p.has("upscore8.bias")).toBe(false);
    expect(parameterShapes(learned).get("upscore8.weight")).toEqual(bilinearWeightsDense(21, 16).shape);
    expect(p.get("conv1_1.weight")).toEqual([64, 3, 3, 3]);
    expect(p.get("fc6.weight")).toEqual([4096, 512, 7, 7]);
    expect(p.get("score_pool3.weight")).toEqual([21, 256, 1, 1]);
  });

  it("rejects bad options", () => {
    expect(() => buildFcn({ variant: "4s" as "8s", classes: 2 })).toThrow(/options.variant/);
    expect(() => buildFcn({ variant: "8s", classes: 0 })).toThrow(pkg.AttributeError);
    expect(() => buildFcn({ variant: "8s", classes: 2, widths: [1, 2, 3] })).toThrow(/5 block widths/);
    expect(() => buildFcn({ variant: "8s", classes: 2, fc: 1.5 })).toThrow(/options.fc/);
    expect(() => buildFcn({ variant: "8s", classes: 2, lern: true } as never)).toThrow(/options.lern/);
  });
});

describe("safetensors from a Node Buffer", () => {
  it("loads a file read with readFileSync-like Buffers (pooled, offset views)", async () => {
    const { saveSafetensors, loadSafetensors } = await import("../dist/nn/safetensors.js");
    const { fcn: pkg } = await import("./lib.js");
    const bytes = saveSafetensors({ a: pkg.tensor([1, 2, 3], [3]), b: pkg.tensor([4, 5], [1, 2]) });
    // Buffer.from(array) of a small file lands in Node's shared pool at a non-zero offset.
    const pooled = Buffer.from(bytes);
    const loaded = loadSafetensors(pooled);
    expect(Array.from(loaded.a.data)).toEqual([1, 2, 3]);
    expect(Array.from(loaded.b.data)).toEqual([4, 5]);
    expect(loaded.b.shape).toEqual([1, 2]);
  });
});

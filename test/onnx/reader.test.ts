// The ONNX reader (src/onnx/wire.ts, proto.ts, tensor-data.ts) on bytes built field by field
// (proto-writer.ts) and on a real model: packed and unpacked repeated fields read the same,
// unknown fields are skipped, every truncation and random byte flips give typed errors (never a
// TypeError, RangeError or a hang), tensor data decodes from every encoding, and versions or
// domains outside what is supported are named in an UnsupportedError.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { fcn, rng, useBuild } from "../lib.js";
import { readModel, readTensorProto } from "../../dist/onnx/proto.js";
import { floatData, intData } from "../../dist/onnx/tensor-data.js";
import { type Bytes, attr, cat, f32, int, len, model, msg, node, tensorProto, valueInfo } from "./proto-writer.js";
const { Net, FcnWasmError, OnnxFormatError, UnsupportedError, AttributeError } = fcn;

const CONV2D = new Uint8Array(readFileSync(fileURLToPath(new URL("../fixtures/onnx-models/pytorch-converted/test_Conv2d/model.onnx", import.meta.url))));
const RESNET = new Uint8Array(readFileSync(fileURLToPath(new URL("../fixtures/onnx-models/light/light_resnet50.onnx", import.meta.url))));

/** A Conv → Relu model; `packed` picks the encoding of every repeated number, `extra` adds bytes to the node. */
function convModel(packed: boolean, extra: Bytes[] = [], opts: { ir?: number; opset?: number; domains?: [string, number][] } = {}): Bytes {
  const w = Array.from({ length: 3 * 2 * 3 * 3 }, (_, i) => Math.sin(i));
  return model({
    ...opts,
    nodes: [
      cat(node("Conv", ["x", "w", "b"], ["c"], [attr.ints("pads", [1, 0, 1, 0], packed), attr.ints("strides", [1, 2], packed), attr.int("group", 1)], "conv"), ...extra),
      node("Relu", ["c"], ["y"], [], "relu"),
    ],
    initializers: [
      tensorProto({ name: "w", dims: [3, 2, 3, 3], data: w, as: "float_data", packed }),
      tensorProto({ name: "b", dims: [3], data: [0.5, -0.25, 0.125], as: "float_data", packed }),
    ],
    inputs: [valueInfo("x", ["N", 2, 5, 6])],
    outputs: [valueInfo("y", ["N", 3, 5, 2])],
  });
}

/** Drops the `path` fields, which differ only in where the reader found things. */
const withoutPaths = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === "path" ? undefined : x instanceof Uint8Array ? Array.from(x) : x)));

/** Loads, and returns the error (or null): anything but an FcnWasmError fails the test. */
function loadOutcome(bytes: Uint8Array): Error | null {
  try {
    Net.fromOnnx(bytes);
    return null;
  } catch (e) {
    if (!(e instanceof FcnWasmError)) throw new Error(`a ${(e as Error).constructor.name} escaped: ${String(e)}`);
    return e as Error;
  }
}

describe("ONNX reader", () => {
  beforeAll(() => useBuild("simd"));

  it("packed and unpacked repeated ints and floats give the same model, and the same output", () => {
    const a = readModel(convModel(true)), b = readModel(convModel(false));
    expect(withoutPaths(b)).toEqual(withoutPaths(a));
    expect(a.graph!.node[0].attribute[0].ints).toEqual([1, 0, 1, 0]);
    const x = fcn.tensor(Float32Array.from({ length: 2 * 2 * 5 * 6 }, (_, i) => Math.cos(i)), [2, 2, 5, 6]);
    const ya = Net.fromOnnx(convModel(true)).run(x), yb = Net.fromOnnx(convModel(false)).run(x);
    expect(ya.shape).toEqual([2, 3, 5, 2]); // W: (6 − 3)/2 + 1
    expect(Array.from(yb.data)).toEqual(Array.from(ya.data));
  });

  it("skips unknown fields of every wire type, at every level", () => {
    const i64 = cat([0x99, 0x06], new Uint8Array(8));                  // field 99, wire type 1
    const unknown = cat(int(98, 7), i64, len(97, "?"), f32(96, 1.5));   // wire types 0, 1, 2, 5
    const plain = readModel(convModel(true));
    const noisy = readModel(cat(unknown, convModel(true, [unknown]), unknown));
    expect(withoutPaths(noisy)).toEqual(withoutPaths(plain));
    // inside an attribute and a tensor too
    const t = readTensorProto(cat(unknown, tensorProto({ dims: [2], data: [1, 2] }), unknown));
    expect(Array.from(floatData(t))).toEqual([1, 2]);
  });

  it("reads negative int64 (10-byte varints) exactly", () => {
    const m = readModel(model({ nodes: [node("Softmax", ["x"], ["y"], [attr.int("axis", -3), attr.ints("v", [-1, 2 ** 40, -(2 ** 40)])])], inputs: [], outputs: [] }));
    const [axis, v] = m.graph!.node[0].attribute;
    expect(axis.i).toBe(-3);
    expect(v.ints).toEqual([-1, 2 ** 40, -(2 ** 40)]);
  });

  it("every truncation of a real model is an OnnxFormatError or a shorter valid message, and loading it a typed error", () => {
    for (let n = 0; n < CONV2D.length; n++) {
      const prefix = CONV2D.subarray(0, n);
      try {
        readModel(prefix);
      } catch (e) {
        if (!(e instanceof OnnxFormatError)) throw new Error(`truncated at ${n}: ${String(e)}`);
        expect((e as Error).message).toMatch(/^ModelProto[^:]*: .* at byte offset \d+$/);
      }
      loadOutcome(prefix);
    }
    expect(loadOutcome(CONV2D)).toBeNull();
  });

  it("a dense sample of truncations of a zoo model (80 KB) never escapes as another error", () => {
    for (let n = 0; n < RESNET.length; n += 97) loadOutcome(RESNET.subarray(0, n));
  });

  it("random byte flips never crash with anything but an FcnWasmError", () => {
    const random = rng(14);
    for (const original of [CONV2D, convModel(true), convModel(false)]) {
      for (let trial = 0; trial < 400; trial++) {
        const bytes = original.slice();
        const flips = 1 + Math.floor(random() * 3);
        for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        loadOutcome(bytes);
      }
    }
  });

  it("names the message path and the byte offset of a malformed field", () => {
    // attribute[1] of node[0] holds a tag for field 3 (a varint) with no value after it
    const bad = cat(len(1, "broken"), [0x18]);
    const bytes = model({ nodes: [cat(node("Relu", ["x"], ["y"], [attr.int("ok", 1)]), len(5, bad))], inputs: [], outputs: [] });
    const e = loadOutcome(bytes);
    expect(e).toBeInstanceOf(OnnxFormatError);
    expect(e!.message).toMatch(/^ModelProto\.graph\.node\[0\]\.attribute\[1\]: truncated varint at byte offset (\d+)$/);
    expect(Number(/offset (\d+)/.exec(e!.message)![1])).toBe(bytes.indexOf(0x18, bytes.indexOf(0x62)) + 1); // 0x62 = "b" of "broken"
    // a group (wire type 3) is refused, named likewise
    expect(() => readModel(new Uint8Array([0x0b]))).toThrow(/^ModelProto: unsupported wire type 3 for field 1 at byte offset 0$/);
  });

  it("decodes tensor data from raw_data, typed fields, FLOAT16, BFLOAT16, DOUBLE, INT64 and INT32", () => {
    const raw = (type: number, bytes: number[], dims: number[]) => readTensorProto(cat(tensorProto({ dims, dataType: type }), len(9, new Uint8Array(bytes))));
    // float16: 0x3c00 = 1, 0xc000 = −2, 0x0001 = 2^−24 (subnormal), 0x7c00 = ∞
    expect(Array.from(floatData(raw(10, [0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c], [4])))).toEqual([1, -2, 2 ** -24, Infinity]);
    // bfloat16: the top 16 bits of a float32: 0x3f80 = 1, 0xc0a0 = −5
    expect(Array.from(floatData(raw(16, [0x80, 0x3f, 0xa0, 0xc0], [2])))).toEqual([1, -5]);
    // the 16-bit types in int32_data (field 5), one value per element
    expect(Array.from(floatData(readTensorProto(tensorProto({ dims: [2], dataType: 10, extra: [int(5, 0x3c00), int(5, 0x3800)] }))))).toEqual([1, 0.5]);
    // DOUBLE in double_data (field 10, fixed64): rounded to float32
    const d = new Uint8Array(8);
    new DataView(d.buffer).setFloat64(0, 0.1, true);
    expect(floatData(readTensorProto(tensorProto({ dims: [1], dataType: 11, extra: [cat([0x51], d)] })))[0]).toBe(Math.fround(0.1));
    // INT64 in int64_data (field 7) and raw; INT32 raw
    expect(intData(readTensorProto(tensorProto({ dims: [3], dataType: 7, extra: [int(7, -1), int(7, 5), int(7, 2 ** 33)] })))).toEqual([-1, 5, 2 ** 33]);
    expect(intData(raw(7, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [1]))).toEqual([-2]);
    expect(intData(raw(6, [0x07, 0, 0, 0], [1]))).toEqual([7]);
    // a count that does not fit the dims is an OnnxFormatError naming the tensor
    expect(() => floatData(readTensorProto(tensorProto({ name: "w", dims: [3], data: [1, 2] })))).toThrow(/TensorProto\("w"\): dims \[3\] need 3 elements, raw data holds 2/);
  });

  it("reads external data with offset and length, and names a missing file", () => {
    const weights = Float32Array.from({ length: 3 * 2 * 3 * 3 }, (_, i) => Math.sin(i));
    const file = cat(new Uint8Array(16), new Uint8Array(weights.buffer), new Uint8Array(8)); // the weights at offset 16
    const entry = (k: string, v: string) => msg(13, len(1, k), len(2, v));
    const external = tensorProto({ name: "w", dims: [3, 2, 3, 3], extra: [entry("location", "weights.bin"), entry("offset", "16"), entry("length", String(weights.byteLength)), int(14, 1)] });
    const bytes = model({
      nodes: [node("Conv", ["x", "w"], ["y"], [attr.ints("pads", [1, 1, 1, 1])])],
      initializers: [external],
      inputs: [valueInfo("x", [1, 2, 4, 4])],
      outputs: [valueInfo("y", [1, 3, 4, 4])],
    });
    const net = Net.fromOnnx(bytes, { externalData: { "weights.bin": file } });
    expect(Array.from(net.parameters().get("y.weight")!.data)).toEqual(Array.from(weights));
    expect(() => Net.fromOnnx(bytes)).toThrow(AttributeError);
    expect(() => Net.fromOnnx(bytes)).toThrow(/external file "weights\.bin".*options\.externalData\["weights\.bin"\]/);
    expect(() => Net.fromOnnx(bytes, { externalData: { "other.bin": file } })).toThrow(/"weights\.bin".*has "other\.bin"/);
    expect(() => Net.fromOnnx(bytes, { externalData: { "weights.bin": file.subarray(0, 40) } })).toThrow(OnnxFormatError);
  });

  it("accepts IR 3–10 and opsets 6–22; another version or domain is an UnsupportedError naming it", () => {
    expect(loadOutcome(convModel(true, [], { ir: 3, opset: 6 }))).toBeNull();
    expect(loadOutcome(convModel(true, [], { ir: 10, opset: 22 }))).toBeNull();
    const cases: [Bytes, RegExp][] = [
      [convModel(true, [], { ir: 2 }), /ir_version is 2; fcn-wasm reads IR versions 3–10/],
      [convModel(true, [], { ir: 11 }), /ir_version is 11/],
      [convModel(true, [], { opset: 5 }), /opset is 5; fcn-wasm reads opsets 6–22/],
      [convModel(true, [], { opset: 23 }), /opset is 23/],
      [convModel(true, [], { domains: [["com.microsoft", 1]] }), /operator domain "com\.microsoft" \(version 1\)/],
    ];
    for (const [bytes, message] of cases) {
      const e = loadOutcome(bytes);
      expect(e).toBeInstanceOf(UnsupportedError);
      expect(e!.message).toMatch(message);
    }
  });

  it("checks its arguments", () => {
    expect(() => Net.fromOnnx(Array.from(CONV2D) as never)).toThrow(/Net\.fromOnnx\(bytes\): expected a Uint8Array.*got Array/);
    expect(() => Net.fromOnnx(CONV2D, { external: {} } as never)).toThrow(/options\.external\): unknown option/);
    expect(() => Net.fromOnnx(CONV2D, { externalData: { a: [1] } } as never)).toThrow(/externalData\["a"\]\): expected a Uint8Array/);
  });
});

// NotReadyError: ops before `await ready()`. Vitest gives each test file its own module instance,
// so nothing here has called ready() until the tests below do (they run in order).
import { describe, expect, it } from "vitest";
import { fcn } from "./lib.js";

function T(shape: number[]): fcn.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fcn.tensor(Float32Array.from({ length: n }, (_, i) => i + 1), shape);
}

// Every op, with valid arguments.
const OPS: [string, () => fcn.Tensor][] = [
  ["conv", () => fcn.conv(T([1, 1, 3, 3]), T([1, 1, 2, 2]))],
  ["convTranspose", () => fcn.convTranspose(T([1, 1, 2, 2]), T([1, 1, 2, 2]), null, { strides: 2 })],
  ["maxPool", () => fcn.maxPool(T([1, 1, 4, 4]), { kernelShape: 2 })],
  ["gemm", () => fcn.gemm(T([2, 3]), T([3, 2]))],
  ["matmul", () => fcn.matmul(T([2, 3]), T([3, 2]))],
  ["im2col", () => fcn.im2col(T([1, 1, 3, 3]), { kernelShape: 2 })],
  ["col2im", () => fcn.col2im(T([1, 4, 4]), { imageShape: [3, 3], kernelShape: 2 })],
  ["relu", () => fcn.relu(T([4]))],
  ["add", () => fcn.add(T([2, 2]), T([2]))],
  ["crop", () => fcn.crop(T([1, 1, 3, 3]), { offsets: 1, shape: 2 })],
  ["sigmoid", () => fcn.sigmoid(T([5]))], // the activations the wasm kernel computes
  ["tanh", () => fcn.tanh(T([5]))],
];

function expectNotReady(call: () => unknown): void {
  let err: unknown = null;
  try {
    call();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(fcn.NotReadyError);
  expect(err).toBeInstanceOf(fcn.FcnWasmError);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).name).toBe("NotReadyError");
  expect((err as Error).message).toMatch(/ready\(\)/);
}

describe("before ready()", () => {
  it("isReady() is false", () => {
    expect(fcn.isReady()).toBe(false);
  });
  it.each(OPS)("%s throws NotReadyError synchronously, naming ready()", (_name, call) => {
    expectNotReady(call);
  });
  it("tensor() needs no runtime", () => {
    const t = fcn.tensor([1, 2, 3, 4], [2, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    expect(t.shape).toEqual([2, 2]);
  });
  it("a rejected ready() leaves the module not ready", async () => {
    await expect(fcn.ready({ threads: 65 })).rejects.toThrow(fcn.AttributeError);
    await expect(fcn.ready({ simd: "bogus" as never })).rejects.toThrow(fcn.AttributeError);
    expect(fcn.isReady()).toBe(false);
    for (const [, call] of OPS) expectNotReady(call);
  });
  it("ops still throw NotReadyError while ready() is pending, and work once it resolves", async () => {
    const pending = fcn.ready({ simd: "simd" });
    for (const [, call] of OPS) expectNotReady(call);
    const info = await pending;
    expect(info.build).toBe("simd");
    expect(fcn.isReady()).toBe(true);
    for (const [name, call] of OPS) expect(() => call(), name).not.toThrow();
    const y = fcn.convTranspose(fcn.tensor([1, 2, 3, 4], [1, 1, 2, 2]), fcn.tensor([1, 1, 1, 1], [1, 1, 2, 2]), null, { strides: 2 });
    expect(Array.from(y.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });
});

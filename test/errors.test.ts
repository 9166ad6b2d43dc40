// Error handling of the public API (README "Errors"): every bad input gets a typed
// error, thrown synchronously before any work, whose message names the argument, what was expected
// and what was given. Each case asserts the class (and that it extends FcnWasmError and Error, with
// `name` set to the class name) and regexes for the argument and the given value.
import v8 from "node:v8";
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, useBuild } from "./lib.js";
import { runtime } from "../dist/runtime/runtime.js";

/** The "got …" part of a message for value v: strings quoted, arrays bracketed (as src/attrs.ts `show`). */
function got(v: unknown): RegExp {
  const text = (u: unknown): string => typeof u === "string" ? JSON.stringify(u) : Array.isArray(u) ? `[${u.map(text).join(", ")}]` : String(u);
  return new RegExp(`got ${text(v).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type ErrorClass = new (message: string) => Error;
type AnyTensor = any;

const F = fcn as any; // for deliberately ill-typed calls

/** A tensor of `shape` filled with 1, 2, 3, … (deterministic, no zeros). */
function T(shape: number[]): fcn.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fcn.tensor(Float32Array.from({ length: n }, (_, i) => i + 1), shape);
}

/** A hand-made tensor object: not frozen, not checked by `tensor()`. */
function raw(data: unknown, shape: unknown): AnyTensor {
  return { data, shape };
}

/**
 * Asserts that `fn` throws synchronously an instance of `cls` (which must be an FcnWasmError and an
 * Error whose `name` is the class name) and that the message matches every pattern.
 */
function throws(fn: () => unknown, cls: ErrorClass, ...patterns: RegExp[]): Error {
  expect(fn).toThrow(cls);
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(fcn.FcnWasmError);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).name).toBe(cls.name);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
  return err as Error;
}

/** The given value as it appears in a message. */
function given(v: number): RegExp {
  if (Number.isNaN(v)) return /NaN/;
  if (v === Infinity) return /(?<!-)Infinity/;
  if (v === -Infinity) return /-Infinity/;
  return new RegExp(`(?<![\\d.])${String(v).replace(/[.-]/g, (c) => `\\${c}`)}(?![\\d.])`);
}

const BAD_INTS = [0, -1, 1.5, NaN, Infinity, -Infinity];

describe("error classes", () => {
  const classes: [string, ErrorClass][] = [
    ["ShapeError", fcn.ShapeError], ["AttributeError", fcn.AttributeError], ["UnsupportedError", fcn.UnsupportedError],
    ["OutOfMemoryError", fcn.OutOfMemoryError], ["NotReadyError", fcn.NotReadyError],
  ];
  it.each(classes)("%s extends FcnWasmError and Error, and its name is the class name", (name, cls) => {
    const e = new cls("message");
    expect(e).toBeInstanceOf(fcn.FcnWasmError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(cls.name).toBe(name);
    expect(e.message).toBe("message");
    expect(String(e)).toBe(`${name}: message`);
    expect(typeof e.stack).toBe("string");
  });
  it("FcnWasmError itself is an Error named FcnWasmError", () => {
    const e = new fcn.FcnWasmError("m");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("FcnWasmError");
  });
  it("the five classes are distinct (no class is an instance of another)", () => {
    for (const [, a] of classes) for (const [, b] of classes) {
      if (a !== b) expect(new a("m")).not.toBeInstanceOf(b);
    }
  });
});

describe("tensor()", () => {
  it("rejects data whose length is not the product of the shape", () => {
    throws(() => fcn.tensor([1, 2, 3], [2, 2]), fcn.ShapeError, /tensor\(data\)/, /4 elements/, /got 3/, /\[2, 2\]/);
    throws(() => fcn.tensor(new Float32Array(5), [2, 2]), fcn.ShapeError, /tensor\(data\)/, /4/, /got 5/);
    throws(() => fcn.tensor([], [1]), fcn.ShapeError, /tensor\(data\)/, /1 element/, /got 0/);
    throws(() => fcn.tensor([1, 2], []), fcn.ShapeError, /tensor\(data\)/, /1 element/, /scalar/, /got 2/);
  });
  it.each([-1, 1.5, NaN, Infinity])("rejects the dimension %s", (d) => {
    throws(() => fcn.tensor([1, 2], [2, d]), fcn.ShapeError, /tensor\(shape\)\[1\]/, /non-negative integer/, given(d));
  });
  it("rejects a shape that is not an array, and data that is not array-like", () => {
    throws(() => F.tensor([1, 2], "2"), fcn.ShapeError, /tensor\(shape\)/, /array/, /string/);
    throws(() => F.tensor([1, 2], 2), fcn.ShapeError, /tensor\(shape\)/, /number/);
    throws(() => F.tensor(null, [2]), fcn.ShapeError, /tensor\(data\)/, /Float32Array/, /null/);
    throws(() => F.tensor(5, [1]), fcn.ShapeError, /tensor\(data\)/, /number/);
    throws(() => F.tensor("ab", [2]), fcn.ShapeError, /tensor\(data\)/, /string/);
  });
});

describe.each(BUILDS)("errors (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  // ---------------------------------------------------------------------------------------------
  // Hand-made tensor objects, in every tensor argument of every op.
  // Each entry: the argument as named in messages, a valid shape for it, and a call that puts the
  // tensor in that position with otherwise valid arguments.
  const positions: [string, number[], (t: AnyTensor) => unknown][] = [
    ["conv(x)", [1, 2, 4, 4], (t) => fcn.conv(t, T([3, 2, 3, 3]))],
    ["conv(w)", [3, 2, 3, 3], (t) => fcn.conv(T([1, 2, 4, 4]), t)],
    ["conv(b)", [3], (t) => fcn.conv(T([1, 2, 4, 4]), T([3, 2, 3, 3]), t)],
    ["convTranspose(x)", [1, 2, 3, 3], (t) => fcn.convTranspose(t, T([2, 3, 2, 2]))],
    ["convTranspose(w)", [2, 3, 2, 2], (t) => fcn.convTranspose(T([1, 2, 3, 3]), t)],
    ["convTranspose(b)", [3], (t) => fcn.convTranspose(T([1, 2, 3, 3]), T([2, 3, 2, 2]), t)],
    ["maxPool(x)", [1, 2, 4, 4], (t) => fcn.maxPool(t, { kernelShape: 2 })],
    ["im2col(x)", [1, 2, 4, 4], (t) => fcn.im2col(t, { kernelShape: 2 })],
    ["col2im(cols)", [1, 8, 9], (t) => fcn.col2im(t, { imageShape: [4, 4], kernelShape: 2 })],
    ["gemm(a)", [2, 3], (t) => fcn.gemm(t, T([3, 4]))],
    ["gemm(b)", [3, 4], (t) => fcn.gemm(T([2, 3]), t)],
    ["gemm(c)", [2, 4], (t) => fcn.gemm(T([2, 3]), T([3, 4]), t)],
    ["matmul(a)", [2, 3], (t) => fcn.matmul(t, T([3, 4]))],
    ["matmul(b)", [3, 4], (t) => fcn.matmul(T([2, 3]), t)],
    ["add(a)", [2, 3], (t) => fcn.add(t, T([2, 3]))],
    ["add(b)", [2, 3], (t) => fcn.add(T([2, 3]), t)],
    ["crop(x)", [1, 2, 4, 4], (t) => fcn.crop(t, { offsets: 1, shape: 2 })],
    ["relu(x)", [2, 3], (t) => fcn.relu(t)],
  ];
  const esc = (s: string) => s.replace(/[()]/g, (c) => `\\${c}`);

  describe("hand-made tensors", () => {
    it.each(positions)("%s: a valid hand-made tensor object is accepted (control)", (_name, shape, call) => {
      const n = shape.reduce((a, b) => a * b, 1);
      expect(() => call(raw(new Float32Array(n).fill(0.5), shape.slice()))).not.toThrow();
    });
    it.each(positions)("%s: data that is a plain Array is rejected", (name, shape, call) => {
      const n = shape.reduce((a, b) => a * b, 1);
      throws(() => call(raw(new Array<number>(n).fill(1), shape)), fcn.ShapeError,
        new RegExp(`${esc(name)}\\.data`), /Float32Array/, /got Array/);
    });
    it.each(positions)("%s: data that is a Float64Array is rejected", (name, shape, call) => {
      const n = shape.reduce((a, b) => a * b, 1);
      throws(() => call(raw(new Float64Array(n), shape)), fcn.ShapeError, new RegExp(`${esc(name)}\\.data`), /Float32Array/, /Float64Array/);
    });
    it.each(positions)("%s: data that is missing or not an array is rejected", (name, shape, call) => {
      throws(() => call(raw(undefined, shape)), fcn.ShapeError, new RegExp(`${esc(name)}\\.data`), /Float32Array/, /undefined/);
      throws(() => call(raw(null, shape)), fcn.ShapeError, new RegExp(`${esc(name)}\\.data`), /null/);
    });
    it.each(positions)("%s: data one element short or long of the shape is rejected", (name, shape, call) => {
      const n = shape.reduce((a, b) => a * b, 1);
      throws(() => call(raw(new Float32Array(n - 1), shape)), fcn.ShapeError,
        new RegExp(esc(name)), new RegExp(`data has ${n - 1} elements`), new RegExp(`needs ${n}\\b`), new RegExp(`\\[${shape.join(", ")}\\]`));
      throws(() => call(raw(new Float32Array(n + 1), shape)), fcn.ShapeError,
        new RegExp(esc(name)), new RegExp(`data has ${n + 1} elements`), new RegExp(`needs ${n}\\b`));
    });
    it.each(positions)("%s: a shape with a negative, fractional or non-number dimension is rejected", (name, shape, call) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const last = shape.length - 1;
      for (const bad of [-1, 1.5, NaN, "4"]) {
        const s: unknown[] = shape.slice();
        s[last] = bad;
        throws(() => call(raw(new Float32Array(n), s)), fcn.ShapeError,
          new RegExp(`${esc(name)}\\.shape\\[${last}\\]`), /non-negative integer/, new RegExp(String(bad).replace(".", "\\.")));
      }
      throws(() => call(raw(new Float32Array(n), "1,2")), fcn.ShapeError, new RegExp(`${esc(name)}\\.shape`), /array/, /string/);
    });
    it.each(positions)("%s: null, a number or a bare Float32Array instead of a tensor is rejected", (name, _shape, call) => {
      // null means "no bias" / "no c" for the optional arguments
      if (!["conv(b)", "convTranspose(b)", "gemm(c)"].includes(name)) throws(() => call(null), fcn.ShapeError, new RegExp(esc(name)), /Tensor/, /null/);
      throws(() => call(3), fcn.ShapeError, new RegExp(esc(name)), /Tensor/, /number/);
      throws(() => call(new Float32Array(4)), fcn.ShapeError, new RegExp(esc(name)));
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("unknown attribute names (typos are never ignored)", () => {
    const x4 = () => T([1, 2, 5, 5]);
    const cases: [string, string, string, () => unknown][] = [
      ["conv", "stride", "strides", () => F.conv(x4(), T([3, 2, 3, 3]), null, { stride: 2 })],
      ["conv", "kernel_shape", "kernelShape", () => F.conv(x4(), T([3, 2, 3, 3]), null, { kernel_shape: [3, 3] })],
      ["conv", "pad", "pads", () => F.conv(x4(), T([3, 2, 3, 3]), null, { pad: 1 })],
      ["conv", "dilation", "dilations", () => F.conv(x4(), T([3, 2, 3, 3]), null, { dilation: 1 })],
      ["conv", "groups", "group", () => F.conv(x4(), T([3, 2, 3, 3]), null, { groups: 1 })],
      ["conv", "auto_pad", "autoPad", () => F.conv(x4(), T([3, 2, 3, 3]), null, { auto_pad: "VALID" })],
      ["conv", "outputPadding", "kernelShape", () => F.conv(x4(), T([3, 2, 3, 3]), null, { outputPadding: 0 })],
      ["convTranspose", "output_padding", "outputPadding", () => F.convTranspose(T([1, 2, 3, 3]), T([2, 3, 3, 3]), null, { output_padding: 1 })],
      ["convTranspose", "output_shape", "outputShape", () => F.convTranspose(T([1, 2, 3, 3]), T([2, 3, 3, 3]), null, { output_shape: [5, 5] })],
      ["convTranspose", "stride", "strides", () => F.convTranspose(T([1, 2, 3, 3]), T([2, 3, 3, 3]), null, { stride: 2 })],
      ["maxPool", "kernel_shape", "kernelShape", () => F.maxPool(x4(), { kernelShape: 2, kernel_shape: [2, 2] })],
      ["maxPool", "ceil_mode", "ceilMode", () => F.maxPool(x4(), { kernelShape: 2, ceil_mode: 1 })],
      ["maxPool", "stride", "strides", () => F.maxPool(x4(), { kernelShape: 2, stride: 2 })],
      ["im2col", "stride", "strides", () => F.im2col(x4(), { kernelShape: 2, stride: 1 })],
      ["im2col", "autoPad", "kernelShape", () => F.im2col(x4(), { kernelShape: 2, autoPad: "VALID" })],
      ["col2im", "block_shape", "kernelShape", () => F.col2im(T([1, 8, 16]), { imageShape: [5, 5], block_shape: [2, 2] })],
      ["col2im", "image_shape", "imageShape", () => F.col2im(T([1, 8, 16]), { kernelShape: 2, image_shape: [5, 5] })],
      ["gemm", "trans_a", "transA", () => F.gemm(T([2, 3]), T([3, 4]), null, { trans_a: 1 })],
      ["gemm", "transb", "transB", () => F.gemm(T([2, 3]), T([3, 4]), null, { transb: 1 })],
      ["gemm", "Alpha", "alpha", () => F.gemm(T([2, 3]), T([3, 4]), null, { Alpha: 2 })],
      ["crop", "offset", "offsets", () => F.crop(x4(), { offset: [1, 1], shape: [2, 2] })],
      ["crop", "size", "shape", () => F.crop(x4(), { offsets: [1, 1], size: [2, 2] })],
    ];
    it.each(cases)("%s rejects attrs.%s (the expected names include %s)", (op, key, known, call) => {
      throws(call, fcn.AttributeError, new RegExp(`${op}\\(attrs\\.${key}\\)`), /unknown/, new RegExp(`\\b${known}\\b`));
    });
    it("an unknown name is rejected even when its value is undefined", () => {
      throws(() => F.conv(x4(), T([3, 2, 3, 3]), null, { stride: undefined }), fcn.AttributeError, /attrs\.stride\b/);
    });
    it.each([
      ["an array", [1, 1], /array/],
      ["a number", 2, /number/],
      ["a string", "strides=2", /string/],
    ])("attrs that are %s are rejected", (_what, attrs, pattern) => {
      throws(() => F.conv(x4(), T([3, 2, 3, 3]), null, attrs), fcn.AttributeError, /conv\(attrs\)/, /object/, pattern);
      throws(() => F.maxPool(x4(), attrs), fcn.AttributeError, /maxPool\(attrs\)/, pattern);
      throws(() => F.gemm(T([2, 3]), T([3, 4]), null, attrs), fcn.AttributeError, /gemm\(attrs\)/, pattern);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("conv", () => {
    const x = () => T([1, 2, 5, 5]);
    const w = () => T([3, 2, 3, 3]);

    it("rejects weights whose channels do not match x", () => {
      throws(() => fcn.conv(x(), T([3, 3, 3, 3])), fcn.ShapeError, /conv\(w\)/, /C\/group = 2/, /got 3/);
      throws(() => fcn.conv(T([1, 4, 5, 5]), T([4, 4, 3, 3]), null, { group: 2 }), fcn.ShapeError, /conv\(w\)/, /C\/group = 2/, /group 2/, /got 4/);
    });
    it("rejects C not divisible by group", () => {
      throws(() => fcn.conv(T([1, 3, 5, 5]), T([4, 1, 3, 3]), null, { group: 2 }), fcn.ShapeError, /conv\(x\)/, /channels 3/, /group 2/);
    });
    it("rejects M not divisible by group", () => {
      throws(() => fcn.conv(T([1, 4, 5, 5]), T([3, 2, 3, 3]), null, { group: 2 }), fcn.ShapeError, /conv\(w\)/, /output channels 3/, /group 2/);
    });
    it.each([0, -1, 1.5, NaN, "2", null])("rejects group %s", (g) => {
      throws(() => F.conv(x(), w(), null, { group: g }), fcn.AttributeError, /conv\(attrs\.group\)/, /integer/, got(g));
    });
    for (const name of ["strides", "dilations"]) {
      it.each(BAD_INTS)(`rejects ${name} = %s (scalar and per axis)`, (v) => {
        throws(() => F.conv(x(), w(), null, { [name]: v }), fcn.AttributeError, new RegExp(`conv\\(attrs\\.${name}\\)`), given(v));
        throws(() => F.conv(x(), w(), null, { [name]: [1, v] }), fcn.AttributeError, new RegExp(`conv\\(attrs\\.${name}\\)`), /\[1\]/, given(v));
      });
      it(`rejects ${name} of the wrong count or type`, () => {
        throws(() => F.conv(x(), w(), null, { [name]: [1, 1, 1] }), fcn.AttributeError, new RegExp(`conv\\(attrs\\.${name}\\)`), /expected 2 values/, /got 3/);
        throws(() => F.conv(x(), w(), null, { [name]: [1] }), fcn.AttributeError, new RegExp(`conv\\(attrs\\.${name}\\)`), /expected 2 values/, /got 1/);
        throws(() => F.conv(x(), w(), null, { [name]: "2" }), fcn.AttributeError, new RegExp(`conv\\(attrs\\.${name}\\)`), /string|"2"/);
        throws(() => F.conv(x(), w(), null, { [name]: null }), fcn.AttributeError, new RegExp(`conv\\(attrs\\.${name}\\)`));
        throws(() => F.conv(T([1, 2, 5]), T([3, 2, 3]), null, { [name]: [1, 1] }), fcn.AttributeError, new RegExp(`conv\\(attrs\\.${name}\\)`), /expected 1 value/, /got 2/);
      });
    }
    it("rejects negative pads (scalar and per side)", () => {
      throws(() => fcn.conv(x(), w(), null, { pads: -1 }), fcn.AttributeError, /conv\(attrs\.pads\)/, /≥ 0/, /-1/);
      throws(() => fcn.conv(x(), w(), null, { pads: [0, 0, -2, 0] }), fcn.AttributeError, /conv\(attrs\.pads\)\[2\]/, /-2/);
      throws(() => fcn.conv(x(), w(), null, { pads: [0, 0.5, 0, 0] }), fcn.AttributeError, /conv\(attrs\.pads\)\[1\]/, /0\.5/);
    });
    it("rejects pads of the wrong count (begins then ends: 2 per axis)", () => {
      throws(() => fcn.conv(x(), w(), null, { pads: [1, 1] }), fcn.AttributeError, /conv\(attrs\.pads\)/, /expected 4 values/, /got 2/);
      throws(() => fcn.conv(x(), w(), null, { pads: [1, 1, 1] }), fcn.AttributeError, /conv\(attrs\.pads\)/, /expected 4/, /got 3/);
      throws(() => fcn.conv(x(), w(), null, { pads: [1, 1, 1, 1, 1] }), fcn.AttributeError, /conv\(attrs\.pads\)/, /got 5/);
      throws(() => fcn.conv(T([1, 2, 5]), T([3, 2, 3]), null, { pads: [1] }), fcn.AttributeError, /conv\(attrs\.pads\)/, /expected 2 values/, /got 1/);
    });
    it("rejects an output axis that would be empty (kernel larger than the padded input)", () => {
      throws(() => fcn.conv(T([1, 2, 2, 5]), w()), fcn.ShapeError, /conv/, /axis 0/, /empty/, /input 2/, /kernel 3/);
      throws(() => fcn.conv(x(), w(), null, { dilations: [1, 3] }), fcn.ShapeError, /axis 1/, /empty/, /7/);
      throws(() => fcn.conv(T([1, 2, 1, 5]), w(), null, { pads: [0, 0, 1, 0] }), fcn.ShapeError, /axis 0/, /empty/, /0\+1/);
    });
    it("rejects an invalid autoPad", () => {
      for (const v of ["SAME", "same_upper", "", "VALID ", 1, null]) {
        throws(() => F.conv(x(), w(), null, { autoPad: v }), fcn.AttributeError, /conv\(attrs\.autoPad\)/, /SAME_UPPER/, got(v));
      }
    });
    it("rejects autoPad other than NOTSET together with pads (NOTSET + pads is fine)", () => {
      for (const v of ["SAME_UPPER", "SAME_LOWER", "VALID"]) {
        throws(() => F.conv(x(), w(), null, { autoPad: v, pads: 1 }), fcn.AttributeError, /conv\(attrs\.pads\)/, /autoPad/, new RegExp(v));
      }
      expect(fcn.conv(x(), w(), null, { autoPad: "NOTSET", pads: 1 }).shape).toEqual([1, 3, 5, 5]);
    });
    it("rejects a kernelShape that disagrees with the weights", () => {
      throws(() => fcn.conv(x(), w(), null, { kernelShape: [2, 2] }), fcn.ShapeError, /conv\(attrs\.kernelShape\)/, /\[3, 3\]/, /\[2, 2\]/);
      throws(() => fcn.conv(x(), w(), null, { kernelShape: 2 }), fcn.ShapeError, /conv\(attrs\.kernelShape\)/, /\[3, 3\]/, /\[2, 2\]/);
      throws(() => fcn.conv(x(), w(), null, { kernelShape: [3, 3, 3] }), fcn.AttributeError, /conv\(attrs\.kernelShape\)/, /expected 2/, /got 3/);
      throws(() => fcn.conv(x(), w(), null, { kernelShape: [0, 3] }), fcn.AttributeError, /conv\(attrs\.kernelShape\)/, /got 0/);
      expect(fcn.conv(x(), w(), null, { kernelShape: [3, 3] }).shape).toEqual([1, 3, 3, 3]);
    });
    it("rejects a bias of the wrong length or rank", () => {
      throws(() => fcn.conv(x(), w(), T([2])), fcn.ShapeError, /conv\(b\)/, /\[3\]/, /got \[2\]/);
      throws(() => fcn.conv(x(), w(), T([4])), fcn.ShapeError, /conv\(b\)/, /\[3\]/, /got \[4\]/);
      throws(() => fcn.conv(x(), w(), T([1, 3])), fcn.ShapeError, /conv\(b\)/, /\[3\]/, /got \[1, 3\]/);
      throws(() => fcn.conv(x(), w(), T([])), fcn.ShapeError, /conv\(b\)/, /\[3\]/, /scalar/);
    });
    it("takes spatial rank 3 (x [N, C, D, H, W])", () => {
      expect(fcn.conv(T([1, 2, 3, 3, 3]), T([3, 2, 1, 1, 1])).shape).toEqual([1, 3, 3, 3, 3]);
    });
    it("rejects x of rank < 3 (and rank 6) with ShapeError", () => {
      throws(() => fcn.conv(T([2, 5]), T([3, 2])), fcn.ShapeError, /conv/, /x of rank 3, 4 or 5/, /got rank 2/);
      throws(() => fcn.conv(T([5]), T([3])), fcn.ShapeError, /conv/, /rank 3, 4 or 5/, /got rank 1/);
      throws(() => fcn.conv(T([]), T([])), fcn.ShapeError, /conv/, /rank 3, 4 or 5/, /got rank 0/);
      throws(() => fcn.conv(T([1, 1, 2, 2, 2, 2]), T([1, 1, 1, 1, 1, 1])), fcn.ShapeError, /conv/, /got rank 6/);
    });
    it("rejects weights whose rank differs from x", () => {
      throws(() => fcn.conv(x(), T([3, 2, 3])), fcn.ShapeError, /conv\(w\)/, /rank 4/, /got \[3, 2, 3\]/);
      throws(() => fcn.conv(T([1, 2, 5]), T([3, 2, 3, 3])), fcn.ShapeError, /conv\(w\)/, /rank 3/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("convTranspose", () => {
    const x = () => T([1, 2, 3, 3]);
    const w = () => T([2, 3, 3, 3]); // [C, M/group, kH, kW]
    const ct = (attrs: any, b: AnyTensor = null, xx = x(), ww = w()) => fcn.convTranspose(xx, ww, b, attrs);

    it("rejects weights whose first axis is not C", () => {
      throws(() => ct({}, null, x(), T([3, 3, 3, 3])), fcn.ShapeError, /convTranspose\(w\)/, /C = 2/, /got 3/);
      throws(() => ct({}, null, x(), T([1, 3, 3, 3])), fcn.ShapeError, /convTranspose\(w\)/, /C = 2/, /got 1/);
    });
    it("rejects C not divisible by group", () => {
      throws(() => ct({ group: 2 }, null, T([1, 3, 3, 3]), T([3, 1, 3, 3])), fcn.ShapeError, /convTranspose\(x\)/, /channels 3/, /group 2/);
    });
    it.each([0, -2, 2.5])("rejects group %s", (g) => {
      throws(() => ct({ group: g }), fcn.AttributeError, /convTranspose\(attrs\.group\)/, given(g));
    });
    for (const name of ["strides", "dilations"]) {
      it.each(BAD_INTS)(`rejects ${name} = %s`, (v) => {
        throws(() => ct({ [name]: v }), fcn.AttributeError, new RegExp(`convTranspose\\(attrs\\.${name}\\)`), given(v));
        throws(() => ct({ [name]: [v, 2] }), fcn.AttributeError, new RegExp(`convTranspose\\(attrs\\.${name}\\)`), /\[0\]/, given(v));
      });
    }
    it("rejects negative pads and pads of the wrong count", () => {
      throws(() => ct({ pads: [0, -1, 0, 0] }), fcn.AttributeError, /convTranspose\(attrs\.pads\)\[1\]/, /-1/);
      throws(() => ct({ pads: [1, 1] }), fcn.AttributeError, /convTranspose\(attrs\.pads\)/, /expected 4/, /got 2/);
    });
    it("rejects pads that make an output axis empty", () => {
      // full size s·(in−1) + d·(k−1) + 1 = 5 per axis
      throws(() => ct({ pads: [3, 0, 3, 0] }), fcn.ShapeError, /convTranspose/, /axis 0/, /empty/, /5/, /3\+3/);
      throws(() => ct({ pads: [0, 2, 0, 3] }), fcn.ShapeError, /convTranspose/, /axis 1/, /empty/, /2\+3/);
      expect(ct({ pads: [0, 2, 0, 2] }).shape).toEqual([1, 3, 5, 1]); // one pixel left: fine
    });
    it("rejects outputPadding ≥ max(stride, dilation)", () => {
      throws(() => ct({ strides: 2, outputPadding: 2 }), fcn.AttributeError, /convTranspose\(attrs\.outputPadding\[0\]\)/, /max\(stride, dilation\) = 2/, /got 2/);
      throws(() => ct({ strides: [1, 3], outputPadding: [0, 3] }), fcn.AttributeError, /outputPadding\[1\]/, /= 3/, /got 3/);
      throws(() => ct({ outputPadding: 1 }), fcn.AttributeError, /outputPadding\[0\]/, /= 1/, /got 1/);
      throws(() => ct({ dilations: 2, strides: 1, outputPadding: 2 }), fcn.AttributeError, /outputPadding/, /= 2/, /got 2/);
      throws(() => ct({ strides: 2, outputPadding: -1 }), fcn.AttributeError, /outputPadding/, /-1/);
      throws(() => ct({ strides: 2, outputPadding: 0.5 }), fcn.AttributeError, /outputPadding/, /0\.5/);
      // controls: just below the limit
      expect(ct({ strides: 2, outputPadding: 1 }).shape).toEqual([1, 3, 8, 8]);
      expect(ct({ dilations: 3, outputPadding: 2 }).shape).toEqual([1, 3, 11, 11]);
    });
    it("rejects an outputShape larger than reachable", () => {
      // stride 2, in 3, k 3: full 7, at most 7 + max(s, d) − 1 = 8
      throws(() => ct({ strides: 2, outputShape: [100, 100] }), fcn.AttributeError, /convTranspose\(attrs\.outputShape\[0\]\)/, /100/, /unreachable/, /at most 8/);
      throws(() => ct({ strides: 2, outputShape: [8, 9] }), fcn.AttributeError, /outputShape\[1\]/, /\b9\b/, /at most 8/);
      throws(() => ct({ strides: 2, outputShape: 1e9 }), fcn.AttributeError, /outputShape/, /1000000000|1e\+?9/);
      expect(ct({ strides: 2, outputShape: [8, 8] }).shape).toEqual([1, 3, 8, 8]);
    });
    it("rejects an outputShape that is not positive integers of the spatial rank", () => {
      throws(() => ct({ outputShape: [0, 5] }), fcn.AttributeError, /convTranspose\(attrs\.outputShape\)/, /got 0/);
      throws(() => ct({ outputShape: [5, 5.5] }), fcn.AttributeError, /outputShape/, /5\.5/);
      throws(() => ct({ outputShape: [1, 3, 5, 5] }), fcn.AttributeError, /outputShape/, /expected 2/, /got 4/);
    });
    it("rejects outputShape combined with pads", () => {
      throws(() => ct({ strides: 2, outputShape: [7, 7], pads: 0 }), fcn.AttributeError, /convTranspose\(attrs\.pads\)/, /outputShape/);
      throws(() => ct({ strides: 2, outputShape: [6, 6], pads: [0, 0, 1, 1] }), fcn.AttributeError, /pads/, /outputShape/);
    });
    it("rejects an invalid autoPad, and autoPad with pads", () => {
      throws(() => ct({ autoPad: "same_upper" }), fcn.AttributeError, /convTranspose\(attrs\.autoPad\)/, /SAME_UPPER/, got("same_upper"));
      throws(() => ct({ autoPad: "FULL" }), fcn.AttributeError, /autoPad/, got("FULL"));
      throws(() => ct({ autoPad: "SAME_LOWER", pads: [0, 0, 0, 0] }), fcn.AttributeError, /convTranspose\(attrs\.pads\)/, /SAME_LOWER/);
      throws(() => ct({ autoPad: "VALID", pads: 0 }), fcn.AttributeError, /pads/, /VALID/);
    });
    it("rejects a bias of the wrong length (M = w.shape[1]·group)", () => {
      throws(() => ct({}, T([2])), fcn.ShapeError, /convTranspose\(b\)/, /\[3\]/, /got \[2\]/);
      throws(() => ct({ group: 2 }, T([3]), x(), w()), fcn.ShapeError, /convTranspose\(b\)/, /\[6\]/, /got \[3\]/);
    });
    it("rejects a kernelShape that disagrees with the weights", () => {
      throws(() => ct({ kernelShape: [2, 3] }), fcn.ShapeError, /convTranspose\(attrs\.kernelShape\)/, /\[3, 3\]/, /\[2, 3\]/);
    });
    it("takes spatial rank 3; rejects rank < 3 and rank 6 (ShapeError)", () => {
      expect(ct({}, null, T([1, 2, 3, 3, 3]), T([2, 3, 3, 3, 3])).shape).toEqual([1, 3, 5, 5, 5]);
      throws(() => ct({}, null, T([2, 3]), T([2, 3])), fcn.ShapeError, /convTranspose/, /rank 3, 4 or 5/, /got rank 2/);
      throws(() => ct({}, null, T([1, 1, 2, 2, 2, 2]), T([1, 1, 1, 1, 1, 1])), fcn.ShapeError, /convTranspose/, /got rank 6/);
      throws(() => ct({}, null, x(), T([2, 3, 3])), fcn.ShapeError, /convTranspose\(w\)/, /rank 4/);
    });
    it("rejects bad options (the non-ONNX algorithm switch)", () => {
      throws(() => F.convTranspose(x(), w(), null, {}, { algorithm: "fft" }), fcn.AttributeError, /algorithm/, /fft/);
      throws(() => F.convTranspose(x(), w(), null, {}, { algo: "subpixel" }), fcn.AttributeError, /algo\b/, /unknown/);
      throws(() => F.convTranspose(x(), w(), null, { dilations: 2 }, { algorithm: "subpixel" }), fcn.UnsupportedError, /subpixel/, /dilation/);
      throws(() => F.convTranspose(x(), w(), null, {}, { algorithm: "depthwise" }), fcn.UnsupportedError, /depthwise/, /C = 2/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("maxPool", () => {
    const x = () => T([1, 2, 5, 5]);
    it("requires kernelShape", () => {
      throws(() => F.maxPool(x(), {}), fcn.AttributeError, /maxPool\(attrs\.kernelShape\)/, /required/);
      throws(() => F.maxPool(x()), fcn.AttributeError, /maxPool\(attrs\.kernelShape\)/, /required/);
      throws(() => F.maxPool(x(), { strides: 2 }), fcn.AttributeError, /kernelShape/, /required/);
    });
    it("rejects a kernelShape that is not positive integers of the spatial rank", () => {
      throws(() => fcn.maxPool(x(), { kernelShape: [0, 2] }), fcn.AttributeError, /maxPool\(attrs\.kernelShape\)\[0\]/, /got 0/);
      throws(() => fcn.maxPool(x(), { kernelShape: [2, 2, 2] }), fcn.AttributeError, /kernelShape/, /expected 2/, /got 3/);
      throws(() => fcn.maxPool(x(), { kernelShape: 1.5 }), fcn.AttributeError, /kernelShape/, /1\.5/);
    });
    for (const name of ["strides", "dilations"]) {
      it.each(BAD_INTS)(`rejects ${name} = %s`, (v) => {
        throws(() => fcn.maxPool(x(), { kernelShape: 2, [name]: [2, v] }), fcn.AttributeError, new RegExp(`maxPool\\(attrs\\.${name}\\)`), /\[1\]/, given(v));
      });
    }
    it("rejects negative pads, pads of the wrong count, and pads as large as the kernel", () => {
      throws(() => fcn.maxPool(x(), { kernelShape: 2, pads: -1 }), fcn.AttributeError, /maxPool\(attrs\.pads\)/, /-1/);
      throws(() => fcn.maxPool(x(), { kernelShape: 2, pads: [0, 0] }), fcn.AttributeError, /maxPool\(attrs\.pads\)/, /expected 4/, /got 2/);
      throws(() => fcn.maxPool(x(), { kernelShape: 2, pads: [0, 0, 2, 0] }), fcn.AttributeError, /maxPool\(attrs\.pads\)/, /axis 0/, /0\+2/, /kernel 2/);
    });
    it("rejects an output axis that would be empty", () => {
      throws(() => fcn.maxPool(x(), { kernelShape: [2, 6] }), fcn.ShapeError, /maxPool/, /axis 1/, /empty/, /input 5/, /kernel 6/);
      throws(() => fcn.maxPool(x(), { kernelShape: 3, dilations: [3, 1] }), fcn.ShapeError, /axis 0/, /empty/, /7/);
    });
    it.each([2, -1, 0.5, "true", "1", null, [1]])("rejects ceilMode %j (only true, false, 0 or 1)", (v) => {
      throws(() => F.maxPool(x(), { kernelShape: 2, ceilMode: v }), fcn.AttributeError, /maxPool\(attrs\.ceilMode\)/, /true, false, 0 or 1/, got(v));
    });
    it("accepts ceilMode true, false, 1 and 0 (control)", () => {
      for (const v of [true, 1]) expect(fcn.maxPool(x(), { kernelShape: 2, strides: 2, ceilMode: v }).shape).toEqual([1, 2, 3, 3]);
      for (const v of [false, 0]) expect(fcn.maxPool(x(), { kernelShape: 2, strides: 2, ceilMode: v }).shape).toEqual([1, 2, 2, 2]);
    });
    it("tells a string ceilMode apart from a boolean in the message", () => {
      // "expected true, false, 0 or 1, got true" contradicts itself when the caller passed the string "true".
      throws(() => F.maxPool(x(), { kernelShape: 2, ceilMode: "true" }), fcn.AttributeError, /ceilMode/, /"true"|'true'|string/);
    });
    it("rejects an invalid autoPad, autoPad with pads, and storageOrder other than 0/1", () => {
      throws(() => F.maxPool(x(), { kernelShape: 2, autoPad: "SAME" }), fcn.AttributeError, /maxPool\(attrs\.autoPad\)/, got("SAME"));
      throws(() => F.maxPool(x(), { kernelShape: 2, autoPad: "SAME_UPPER", pads: 0 }), fcn.AttributeError, /maxPool\(attrs\.pads\)/, /SAME_UPPER/);
      throws(() => F.maxPool(x(), { kernelShape: 2, storageOrder: 2 }), fcn.AttributeError, /maxPool\(attrs\.storageOrder\)/, /got 2/);
    });
    it("takes spatial rank 3; rejects rank < 3 and rank 6 (ShapeError)", () => {
      expect(fcn.maxPool(T([1, 1, 2, 2, 2]), { kernelShape: 1 }).shape).toEqual([1, 1, 2, 2, 2]);
      throws(() => fcn.maxPool(T([4, 4]), { kernelShape: 1 }), fcn.ShapeError, /maxPool/, /rank 3, 4 or 5/, /got rank 2/);
      throws(() => fcn.maxPool(T([1, 1, 2, 2, 2, 2]), { kernelShape: 1 }), fcn.ShapeError, /maxPool/, /got rank 6/);
      throws(() => fcn.maxPoolBackward(T([1, 1, 1, 1, 1, 1]), T([1, 1, 1, 1, 1, 1]), { kernelShape: 1 }), fcn.ShapeError, /maxPoolBackward/, /got rank 6/);
      throws(() => fcn.maxPool(T([1, 1, 2, 2, 2]), { kernelShape: [1, 1] }), fcn.AttributeError, /maxPool\(attrs\.kernelShape\)/, /expected 3/);
    });
    it("Net's pooling and conv layers take spatial rank 3 and refuse rank 6 (ShapeError naming the layer)", () => {
      const layer = (shape: number[], op: string, attrs?: object) => fcn.Net.fromGraph({
        input: { name: "x", shape }, output: "p", layers: [{ name: "p", op, inputs: ["x"], ...(attrs ? { attrs } : {}) }],
      } as fcn.GraphSpec);
      const cases: [string, object | undefined, number[]][] = [
        ["MaxPool", { kernelShape: 2 }, [1, 2, 3, 3, 3]], ["AveragePool", { kernelShape: 2 }, [1, 2, 3, 3, 3]],
        ["GlobalMaxPool", undefined, [1, 2, 1, 1, 1]], ["GlobalAveragePool", undefined, [1, 2, 1, 1, 1]],
        ["Conv", { kernelShape: 2, outChannels: 3 }, [1, 3, 3, 3, 3]], ["ConvTranspose", { kernelShape: 2, outChannels: 3 }, [1, 3, 5, 5, 5]],
      ];
      for (const [op, attrs, outShape] of cases) {
        expect(layer([1, 2, 4, 4, 4], op, attrs).run(T([1, 2, 4, 4, 4])).shape).toEqual(outShape);
        throws(() => layer([1, 2, 4, 4, 4, 4], op, attrs), fcn.ShapeError, /layer "p"/, /got rank 6/);
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("im2col", () => {
    const x = () => T([1, 2, 5, 5]);
    it("requires kernelShape", () => {
      throws(() => F.im2col(x(), {}), fcn.AttributeError, /im2col\(attrs\.kernelShape\)/, /required/);
      throws(() => F.im2col(x()), fcn.AttributeError, /im2col\(attrs\.kernelShape\)/, /required/);
    });
    for (const name of ["strides", "dilations"]) {
      it.each(BAD_INTS)(`rejects ${name} = %s`, (v) => {
        throws(() => fcn.im2col(x(), { kernelShape: 2, [name]: v }), fcn.AttributeError, new RegExp(`im2col\\(attrs\\.${name}\\)`), given(v));
      });
    }
    it("rejects negative pads and pads of the wrong count", () => {
      throws(() => fcn.im2col(x(), { kernelShape: 2, pads: [0, 0, 0, -1] }), fcn.AttributeError, /im2col\(attrs\.pads\)\[3\]/, /-1/);
      throws(() => fcn.im2col(x(), { kernelShape: 2, pads: [0, 0, 0] }), fcn.AttributeError, /im2col\(attrs\.pads\)/, /expected 4/, /got 3/);
    });
    it("rejects a window with no position", () => {
      throws(() => fcn.im2col(x(), { kernelShape: 3, dilations: 3 }), fcn.ShapeError, /im2col/, /axis 0/, /image 5/, /kernel 7/);
      throws(() => fcn.im2col(x(), { kernelShape: [1, 6] }), fcn.ShapeError, /axis 1/, /kernel 6/);
    });
    it("takes spatial rank 3; rejects rank < 3 and rank 6 (ShapeError)", () => {
      expect(fcn.im2col(T([1, 1, 2, 2, 2]), { kernelShape: 1 }).shape).toEqual([1, 1, 8]);
      throws(() => fcn.im2col(T([1, 2]), { kernelShape: 1 }), fcn.ShapeError, /im2col/, /got rank 2/);
      throws(() => fcn.im2col(T([1, 1, 2, 2, 2, 2]), { kernelShape: 1 }), fcn.ShapeError, /im2col/, /rank 3, 4 or 5/, /got rank 6/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("col2im", () => {
    const cols = () => T([1, 8, 16]); // C = 2, 2×2 kernel, 4×4 positions (a 5×5 image)
    it("rejects L that does not match the window grid", () => {
      throws(() => fcn.col2im(cols(), { imageShape: [6, 5], kernelShape: 2 }), fcn.ShapeError, /col2im\(cols\)/, /dimension 2/, /20/, /5×4/, /got 16/);
      throws(() => fcn.col2im(T([1, 8, 15]), { imageShape: [5, 5], kernelShape: 2 }), fcn.ShapeError, /col2im\(cols\)/, /16/, /got 15/);
      throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: 2, strides: 2 }), fcn.ShapeError, /col2im\(cols\)/, /\b4\b/, /got 16/);
    });
    it("rejects a row count that is not C·∏kernelShape", () => {
      throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: 3 }), fcn.ShapeError, /col2im\(cols\)/, /dimension 1/, /multiple of 9/, /got 8/);
    });
    it("rejects cols that are not rank 3", () => {
      throws(() => fcn.col2im(T([1, 8, 4, 4]), { imageShape: [5, 5], kernelShape: 2 }), fcn.ShapeError, /col2im\(cols\)/, /rank 3/, /\[1, 8, 4, 4\]/);
      throws(() => fcn.col2im(T([8, 16]), { imageShape: [5, 5], kernelShape: 2 }), fcn.ShapeError, /col2im\(cols\)/, /\[8, 16\]/);
    });
    it("rejects a bad imageShape or kernelShape", () => {
      throws(() => fcn.col2im(cols(), { imageShape: [5, 0], kernelShape: 2 }), fcn.AttributeError, /col2im\(attrs\.imageShape\)/, /got 0/);
      throws(() => fcn.col2im(cols(), { imageShape: [5, 5.5], kernelShape: 2 }), fcn.AttributeError, /imageShape/, /5\.5/);
      throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: [2, 2, 2] }), fcn.AttributeError, /col2im\(attrs\.kernelShape\)/, /got 3/);
      throws(() => F.col2im(cols(), { imageShape: [5, 5] }), fcn.AttributeError, /col2im\(attrs\.kernelShape\)/, /required/);
    });
    it("rejects an imageShape that is not a number or an array, naming imageShape and the value", () => {
      throws(() => F.col2im(cols(), { imageShape: "5x5", kernelShape: 2 }), fcn.AttributeError, /col2im\(attrs\.imageShape\)/, /5x5|string/);
    });
    it("rejects bad strides, dilations and pads", () => {
      for (const v of BAD_INTS) {
        throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: 2, strides: v }), fcn.AttributeError, /col2im\(attrs\.strides\)/, given(v));
        throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: 2, dilations: v }), fcn.AttributeError, /col2im\(attrs\.dilations\)/, given(v));
      }
      throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: 2, pads: -1 }), fcn.AttributeError, /col2im\(attrs\.pads\)/, /-1/);
      throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: 2, pads: [1, 1] }), fcn.AttributeError, /col2im\(attrs\.pads\)/, /expected 4/);
    });
    it("rejects a kernel larger than the padded image", () => {
      throws(() => fcn.col2im(cols(), { imageShape: [5, 5], kernelShape: 6 }), fcn.ShapeError, /col2im/, /axis 0/, /kernel 6/);
    });
    it("takes spatial rank 3; rejects 4 spatial sizes (AttributeError)", () => {
      expect(fcn.col2im(T([1, 8, 64]), { imageShape: [5, 5, 5], kernelShape: 2 }).shape).toEqual([1, 1, 5, 5, 5]);
      throws(() => fcn.col2im(T([1, 16, 81]), { imageShape: [4, 4, 4, 4], kernelShape: 2 }), fcn.AttributeError, /col2im/, /1, 2 or 3 spatial sizes/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("gemm", () => {
    it("rejects an inner-dimension mismatch (with and without trans flags)", () => {
      throws(() => fcn.gemm(T([2, 3]), T([4, 4])), fcn.ShapeError, /gemm\(b\)/, /inner/, /2×3/, /4×4/);
      throws(() => fcn.gemm(T([2, 3]), T([3, 4]), null, { transB: true }), fcn.ShapeError, /gemm\(b\)/, /2×3/, /4×3/, /transB true/);
      throws(() => fcn.gemm(T([2, 3]), T([3, 4]), null, { transA: 1 }), fcn.ShapeError, /gemm\(b\)/, /3×2/, /3×4/, /transA true/);
    });
    it("rejects c that does not broadcast to [M, N]", () => {
      for (const shape of [[3], [4, 2], [2, 3], [3, 4], [1, 2, 4], [2, 4, 1]]) {
        throws(() => fcn.gemm(T([2, 3]), T([3, 4]), T(shape)), fcn.ShapeError, /gemm\(c\)/, /\[2, 4\]/, new RegExp(`got \\[${shape.join(", ")}\\]`));
      }
      // controls: every allowed form
      for (const shape of [[], [1], [4], [1, 4], [2, 1], [2, 4], [1, 1]]) {
        expect(fcn.gemm(T([2, 3]), T([3, 4]), T(shape)).shape).toEqual([2, 4]);
      }
    });
    it("rejects a or b that are not matrices", () => {
      throws(() => fcn.gemm(T([1, 2, 3]), T([3, 4])), fcn.ShapeError, /gemm\(a\)/, /rank 2/, /\[1, 2, 3\]/);
      throws(() => fcn.gemm(T([2, 3]), T([3])), fcn.ShapeError, /gemm\(b\)/, /rank 2/, /got \[3\]/);
      throws(() => fcn.gemm(T([]), T([3, 4])), fcn.ShapeError, /gemm\(a\)/, /scalar/);
    });
    it("rejects alpha/beta that are not finite numbers and trans flags that are not 0/1/boolean", () => {
      for (const v of [NaN, Infinity, "2", null]) {
        throws(() => F.gemm(T([2, 3]), T([3, 4]), null, { alpha: v }), fcn.AttributeError, /gemm\(attrs\.alpha\)/, /finite number/, got(v));
        throws(() => F.gemm(T([2, 3]), T([3, 4]), null, { beta: v }), fcn.AttributeError, /gemm\(attrs\.beta\)/, /finite number/);
      }
      for (const v of [2, -1, "yes"]) {
        throws(() => F.gemm(T([2, 3]), T([3, 4]), null, { transA: v }), fcn.AttributeError, /gemm\(attrs\.transA\)/, got(v));
        throws(() => F.gemm(T([2, 3]), T([3, 4]), null, { transB: v }), fcn.AttributeError, /gemm\(attrs\.transB\)/, got(v));
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("matmul", () => {
    it("rejects inner-dimension mismatches (2-D, 1-D, batched)", () => {
      throws(() => fcn.matmul(T([2, 3]), T([2, 4])), fcn.ShapeError, /matmul\(b\)/, /inner/, /K = 3/, /K = 2/, /\[2, 3\]/, /\[2, 4\]/);
      throws(() => fcn.matmul(T([3]), T([4])), fcn.ShapeError, /matmul\(b\)/, /K = 3/, /K = 4/);
      throws(() => fcn.matmul(T([3]), T([4, 5])), fcn.ShapeError, /matmul\(b\)/, /K = 3/, /K = 4/);
      throws(() => fcn.matmul(T([2, 5, 3]), T([2, 4, 5])), fcn.ShapeError, /matmul\(b\)/, /K = 3/, /K = 4/);
    });
    it("rejects batch axes that do not broadcast", () => {
      throws(() => fcn.matmul(T([2, 2, 3]), T([3, 3, 4])), fcn.ShapeError, /matmul/, /batch/, /\[2\]/, /\[3\]/);
      throws(() => fcn.matmul(T([2, 3, 2, 3]), T([4, 3, 4])), fcn.ShapeError, /matmul/, /\[2, 3\]/, /\[4\]/, /3 vs 4/);
    });
    it("rejects scalar operands", () => {
      throws(() => fcn.matmul(T([]), T([3, 4])), fcn.ShapeError, /matmul/, /rank ≥ 1/, /scalar/);
      throws(() => fcn.matmul(T([2, 3]), T([])), fcn.ShapeError, /matmul/, /rank ≥ 1/, /scalar/);
      throws(() => fcn.matmul(T([]), T([])), fcn.ShapeError, /matmul/, /scalar/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("add", () => {
    it("rejects shapes that do not broadcast", () => {
      throws(() => fcn.add(T([2, 3]), T([2])), fcn.ShapeError, /add/, /\[2, 3\]/, /\[2\]/, /3 vs 2/);
      throws(() => fcn.add(T([2, 3, 4]), T([3, 3, 4])), fcn.ShapeError, /add/, /2 vs 3/);
    });
    it("rejects a missing operand", () => {
      throws(() => F.add(T([2])), fcn.ShapeError, /add\(b\)/, /undefined/);
      throws(() => F.add(undefined, T([2])), fcn.ShapeError, /add\(a\)/, /undefined/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("crop", () => {
    const x = () => T([1, 2, 5, 6]);
    it("rejects a crop that exceeds the input", () => {
      throws(() => fcn.crop(x(), { offsets: [1, 1], shape: [5, 3] }), fcn.ShapeError, /crop/, /axis 0/, /offset 1/, /size 5/, /input size 5/);
      throws(() => fcn.crop(x(), { offsets: [0, 4], shape: [1, 3] }), fcn.ShapeError, /crop/, /axis 1/, /offset 4/, /size 3/, /input size 6/);
      throws(() => fcn.crop(x(), { offsets: [5, 0], shape: 1 }), fcn.ShapeError, /axis 0/, /offset 5/);
      throws(() => fcn.crop(T([1, 2, 6]), { offsets: 6, shape: 1 }), fcn.ShapeError, /axis 0/, /offset 6/, /input size 6/);
      expect(fcn.crop(x(), { offsets: [0, 3], shape: [5, 3] }).shape).toEqual([1, 2, 5, 3]); // control: exactly fits
    });
    it("rejects negative offsets, empty or fractional sizes, and the wrong count", () => {
      throws(() => fcn.crop(x(), { offsets: [-1, 0], shape: 1 }), fcn.AttributeError, /crop\(attrs\.offsets\)\[0\]/, /-1/);
      throws(() => fcn.crop(x(), { offsets: 0, shape: [0, 1] }), fcn.AttributeError, /crop\(attrs\.shape\)\[0\]/, /got 0/);
      throws(() => fcn.crop(x(), { offsets: 0, shape: [1, 1.5] }), fcn.AttributeError, /crop\(attrs\.shape\)\[1\]/, /1\.5/);
      throws(() => fcn.crop(x(), { offsets: [1, 1, 1], shape: [1, 1] }), fcn.AttributeError, /crop\(attrs\.offsets\)/, /expected 2/, /got 3/);
    });
    it("takes spatial rank 3; rejects rank < 3 and rank 6 (ShapeError)", () => {
      expect(fcn.crop(T([1, 1, 2, 2, 2]), { offsets: 0, shape: 1 }).shape).toEqual([1, 1, 1, 1, 1]);
      throws(() => fcn.crop(T([4, 4]), { offsets: 0, shape: 1 }), fcn.ShapeError, /crop/, /rank 3, 4 or 5/, /got rank 2/);
      throws(() => fcn.crop(T([1, 1, 2, 2, 2, 2]), { offsets: 0, shape: 1 }), fcn.ShapeError, /crop/, /got rank 6/);
      throws(() => fcn.cropBackward(T([1, 1, 1, 1, 1, 1]), [1, 1, 2, 2, 2, 2], { offsets: 0, shape: 1 }), fcn.ShapeError, /cropBackward/, /got rank 6/);
      throws(() => fcn.crop(T([1, 1, 2, 3, 4]), { offsets: [1, 0, 0], shape: [2, 1, 1] }), fcn.ShapeError, /crop: axis 0 offset 1 \+ size 2 exceeds the input size 2/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("missing required attributes", () => {
    // One kind of mistake, one class: maxPool, im2col and col2im report a missing kernelShape as an
    // AttributeError; the other required attributes should be reported the same way.
    const cases: [string, () => unknown][] = [
      ["maxPool kernelShape", () => F.maxPool(T([1, 1, 4, 4]), {})],
      ["im2col kernelShape", () => F.im2col(T([1, 1, 4, 4]), {})],
      ["col2im kernelShape", () => F.col2im(T([1, 4, 9]), { imageShape: [4, 4] })],
      ["col2im imageShape", () => F.col2im(T([1, 4, 9]), { kernelShape: 2 })],
      ["crop offsets", () => F.crop(T([1, 1, 4, 4]), { shape: [2, 2] })],
      ["crop shape", () => F.crop(T([1, 1, 4, 4]), { offsets: [1, 1] })],
    ];
    it.each(cases)("%s missing → AttributeError naming it", (label, call) => {
      const name = label.split(" ")[1];
      throws(call, fcn.AttributeError, new RegExp(`attrs\\.${name}\\b`), /required/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("attribute values beyond the 32-bit range", () => {
    // Values like 2**32 pass the "finite integer" check; whatever the package does with them, the
    // result must be either ONNX's answer or a typed error: never a WebAssembly trap.
    const S = 2 ** 32;
    function correctOrTyped(call: () => fcn.Tensor, want: number[]): void {
      let out: fcn.Tensor;
      try {
        out = call();
      } catch (e) {
        expect(e, `threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`).toBeInstanceOf(fcn.AttributeError);
        expect((e as Error).message).toMatch(/strides|dilations/);
        return;
      }
      expect(Array.from(out.data)).toEqual(want);
    }
    it("conv with strides 2**32 (one window)", () => {
      correctOrTyped(() => fcn.conv(T([1, 1, 1, 3]), T([1, 1, 1, 1]), null, { strides: [1, S] }), [1]);
    });
    it("conv 1-D with strides 2**32", () => {
      correctOrTyped(() => fcn.conv(T([1, 1, 3]), T([1, 1, 1]), null, { strides: S }), [1]);
    });
    it("im2col with strides 2**32", () => {
      correctOrTyped(() => fcn.im2col(T([1, 1, 1, 3]), { kernelShape: 1, strides: [1, S] }), [1]);
    });
    it("col2im with strides 2**32", () => {
      correctOrTyped(() => fcn.col2im(T([1, 1, 1]), { imageShape: [1, 3], kernelShape: 1, strides: [1, S] }), [1, 0, 0]);
    });
    it("convTranspose (GEMM + col2im path) with strides 2**32", () => {
      // x = [1, 2] over C = 2, w = [1, 2]: y = 1·1 + 2·2
      correctOrTyped(() => fcn.convTranspose(T([1, 2, 1, 1]), T([2, 1, 1, 1]), null, { strides: [1, S] }), [5]);
    });
    it("maxPool with dilations 2**32 and a 1×1 kernel", () => {
      correctOrTyped(() => fcn.maxPool(T([1, 1, 1, 3]), { kernelShape: 1, dilations: [1, S] }), [1, 2, 3]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe("thrown before any work", () => {
    it("a failing call with a 64 MiB input copies nothing into wasm memory", async () => {
      // Every check below fails late in validation; had the input been copied into the wasm
      // arena first, the module's memory (counted in `external`) would grow by ≥ 64 MiB.
      const big = fcn.tensor(new Float32Array(4096 * 4096).fill(1), [1, 1, 4096, 4096]);
      const w = T([1, 1, 3, 3]);
      const external = () => process.memoryUsage().external;
      // a full GC first, so that garbage freed during the measurement cannot hide growth
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as () => void;
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
      gc();
      const before = external();
      const calls: [() => unknown, ErrorClass][] = [
        [() => fcn.conv(big, w, null, { dilations: 3000 }), fcn.ShapeError],
        [() => fcn.conv(big, w, T([2])), fcn.ShapeError],
        [() => F.conv(big, w, null, { strides: 2, dilation: 1 }), fcn.AttributeError],
        [() => fcn.convTranspose(big, w, null, { strides: 2, outputShape: 9999 }), fcn.AttributeError],
        [() => F.convTranspose(big, w, null, {}, { algorithm: "depthwise!" }), fcn.AttributeError],
        [() => fcn.maxPool(big, { kernelShape: 2, ceilMode: 3 as any }), fcn.AttributeError],
        [() => fcn.im2col(big, { kernelShape: [1, 5000] }), fcn.ShapeError],
        [() => fcn.crop(big, { offsets: [0, 1], shape: [4096, 4096] }), fcn.ShapeError],
        [() => fcn.add(big, T([2])), fcn.ShapeError],
        [() => fcn.col2im(fcn.tensor(big.data, [1, 4, 4096 * 1024]), { imageShape: [4096, 4096], kernelShape: 2 }), fcn.ShapeError],
        [() => fcn.gemm(fcn.tensor(big.data, [4096, 4096]), T([4095, 2])), fcn.ShapeError],
        [() => fcn.matmul(fcn.tensor(big.data, [4096, 4096]), T([4095, 2])), fcn.ShapeError],
      ];
      const wasmBytes = runtime().memory.buffer.byteLength;
      for (const [call, cls] of calls) expect(call).toThrow(cls);
      expect(runtime().memory.buffer.byteLength, "wasm memory after the failing calls").toBe(wasmBytes);
      expect(external() - before).toBeLessThan(16 * 2 ** 20);
      expect(big.data[0]).toBe(1);
    });
  });
});

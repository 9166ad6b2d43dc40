// The async forms take their operands at call time (README "Threads: async forms"): changing x.data, w.data,
// b.data, a shape array or an attribute array after the call, before awaiting, changes nothing —
// the result equals the sync op on the values the call was given, bit for bit. Checked for
// convAsync, convTransposeAsync, gemmAsync, matmulAsync and Net.runAsync's input, on one thread
// and on a 2-thread pool. The changes are made synchronously right after the call, so they always
// come before the op runs (which is at least one event-loop turn later): no timing involved.
import vm from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { fcn, randArray, rng, expectSameBits } from "./lib.js";
import type { GraphSpec, Tensor } from "../dist/index.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** A plain, mutable tensor object (tensor() freezes its shape; users may pass their own objects). */
function mutable(r: () => number, shape: number[]): { data: Float32Array; shape: number[] } {
  return { data: randArray(r, size(shape)), shape: shape.slice() };
}

/** A frozen copy for the sync reference, made before the async call. */
const copy = (t: { data: Float32Array; shape: readonly number[] }): Tensor => fcn.tensor(t.data.slice(), t.shape.slice());

/** What a careless caller does right after the call: reuse every buffer and array it passed. */
function scribble(...ts: { data: Float32Array; shape: number[] }[]): void {
  for (const t of ts) {
    t.data.fill(0);
    t.shape.reverse();
  }
}

/** conv → relu → convTranspose: an output that depends on every input pixel (FCN's zero-initialised scores would not). */
const small: GraphSpec = {
  input: { name: "x", shape: [1, 3, 13, 11] },
  output: "up",
  layers: [
    { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 4, kernelShape: 3, pads: 1 } },
    { name: "r1", op: "Relu", inputs: ["c1"] },
    { name: "up", op: "ConvTranspose", inputs: ["r1"], attrs: { outChannels: 2, kernelShape: 4, strides: 2, init: "xavier" } },
  ],
};

afterAll(async () => {
  await fcn.dispose();
});

describe.each([1, 2])("async operands are taken at call time, %i thread(s)", (threads) => {
  it("ready", async () => {
    expect((await fcn.ready({ threads })).threads).toBe(threads);
  });

  it("convAsync: x, w, b and attrs changed after the call change nothing", async () => {
    const r = rng(1);
    const x = mutable(r, [1, 3, 9, 8]), w = mutable(r, [4, 3, 3, 3]), b = mutable(r, [4]);
    const attrs = { pads: [1, 1, 1, 1], strides: [2, 1] };
    const want = fcn.conv(copy(x), copy(w), copy(b), { pads: [1, 1, 1, 1], strides: [2, 1] });
    const pending = fcn.convAsync(x, w, b, attrs);
    scribble(x, w, b);
    attrs.pads.fill(0);
    attrs.strides[0] = 1;
    expectSameBits(await pending, want, "convAsync");
  });

  it("convTransposeAsync: x, w, b, attrs and options changed after the call change nothing", async () => {
    const r = rng(2);
    const x = mutable(r, [1, 4, 5, 6]), w = mutable(r, [4, 2, 4, 4]), b = mutable(r, [2]);
    const attrs = { strides: [2, 2], pads: [1, 1, 1, 1] };
    const options = { algorithm: "subpixel" as "subpixel" | "gemm-col2im" };
    const want = fcn.convTranspose(copy(x), copy(w), copy(b), { strides: [2, 2], pads: [1, 1, 1, 1] }, { algorithm: "subpixel" });
    const pending = fcn.convTransposeAsync(x, w, b, attrs, options);
    scribble(x, w, b);
    attrs.strides.fill(1);
    options.algorithm = "gemm-col2im";
    expectSameBits(await pending, want, "convTransposeAsync");
  });

  it("gemmAsync: a, b, c and attrs changed after the call change nothing", async () => {
    const r = rng(3);
    const a = mutable(r, [7, 5]), b = mutable(r, [5, 6]), c = mutable(r, [7, 6]);
    const attrs = { alpha: 0.5, beta: 2 };
    const want = fcn.gemm(copy(a), copy(b), copy(c), { alpha: 0.5, beta: 2 });
    const pending = fcn.gemmAsync(a, b, c, attrs);
    for (const t of [a, b, c]) t.data.fill(0);
    attrs.alpha = 0;
    expectSameBits(await pending, want, "gemmAsync");
  });

  it("matmulAsync: a and b changed after the call change nothing", async () => {
    const r = rng(4);
    const a = mutable(r, [2, 3, 4]), b = mutable(r, [4, 5]);
    const want = fcn.matmul(copy(a), copy(b));
    const pending = fcn.matmulAsync(a, b);
    scribble(a, b);
    expectSameBits(await pending, want, "matmulAsync");
  });

  for (const resident of [true, false]) {
    it(`Net.runAsync (resident ${resident}): the input changed after the call changes nothing`, async () => {
      const net = fcn.Net.fromGraph(small, undefined, { seed: 3, resident });
      const x = mutable(rng(5), [1, 3, 13, 11]);
      const want = net.run(copy(x));
      expect(want.data.some((v) => v !== 0)).toBe(true);
      const pending = net.runAsync(x);
      x.data.fill(0);
      expectSameBits(await pending, want, "Net.runAsync");
      net.dispose();
    });
  }

  it("a resident operand may be disposed right after the call, and a bad operand still rejects with the op's typed error", async () => {
    const r = rng(6);
    const x = mutable(r, [1, 2, 5, 5]), w = fcn.resident(fcn.tensor(randArray(r, 3 * 2 * 9), [3, 2, 3, 3]));
    const want = fcn.conv(copy(x), fcn.tensor(w.data, [3, 2, 3, 3]));
    const pending = fcn.convAsync(x, w);
    x.data.fill(0);
    w.dispose(); // as leaving a `using` block would
    expectSameBits(await pending, want, "convAsync with a resident weight disposed after the call");
    await expect(fcn.convAsync(copy(x), w)).rejects.toBeInstanceOf(fcn.NotReadyError);
    await expect(fcn.convAsync({ data: [1, 2] as unknown as Float32Array, shape: [2] }, copy(x))).rejects.toThrow(/conv\(x\)\.data: expected a Float32Array, got Array/);
    await expect(fcn.convAsync(null as unknown as Tensor, copy(x))).rejects.toBeInstanceOf(fcn.ShapeError);
  });

  it("operands from another realm, null-prototype attributes and Float32Array subclasses are copied too", async () => {
    const r = rng(7);
    const values = randArray(r, 12);
    const foreign = vm.runInNewContext("new Float32Array(12)") as Float32Array;
    foreign.set(values);
    const a = { data: foreign, shape: [3, 4] }, id = fcn.tensor(Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)), [4, 4]);
    const pendingForeign = fcn.matmulAsync(a, id);
    foreign.fill(100);
    expectSameBits(await pendingForeign, fcn.tensor(values, [3, 4]), "matmulAsync of another realm's Float32Array");

    class Tagged extends Float32Array {
      constructor(n: number, readonly tag: string) {
        super(n);
        this.tag = tag.toUpperCase(); // slice() would call this with (n) alone
      }
    }
    const tagged = new Tagged(12, "t");
    tagged.set(values);
    const pendingTagged = fcn.matmulAsync({ data: tagged, shape: [3, 4] }, id);
    tagged.fill(0);
    expectSameBits(await pendingTagged, fcn.tensor(values, [3, 4]), "matmulAsync of a Float32Array subclass");

    const x = mutable(r, [1, 1, 5, 5]), w = mutable(r, [1, 1, 3, 3]);
    const want = fcn.conv(copy(x), copy(w), null, { strides: [2, 2] });
    for (const attrs of [Object.assign(Object.create(null), { strides: [2, 2] }), vm.runInNewContext("({ strides: [2, 2] })")]) {
      const pending = fcn.convAsync(copy(x), copy(w), null, attrs);
      attrs.strides[0] = 1;
      expectSameBits(await pending, want, "convAsync with attributes of another prototype or realm");
    }
  });
});

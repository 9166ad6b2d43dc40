// Robustness (README "Errors"): every public op and Net.fromGraph, given a malformed argument of any kind
// in any position, throws a typed FcnWasmError (never a TypeError, never a silent accept) whose
// message names that argument, changes none of its inputs, and answers the next valid call as the
// references do. A well-formed tensor of a random wrong shape gets a typed error or the
// reference's answer. fast-check prints the seed and path of a failure: FC_SEED=… FC_PATH=…
// replays it, FC_NUM_RUNS=… runs more cases.
import vm from "node:vm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, fcn, useBuild } from "../lib.js";
import { type Call, type Op, OPS, expectReference, expectUnchanged, run, snapshot } from "./calls.js";
import {
  DISPOSED, T, badAutoPad, badFlag, badInts, badNumber, badObject, badPositiveInt, badShape, badTensor, fcParams, unknownKey, validCall,
} from "./arbitraries.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** One argument position of an op: what to put there, and how its messages must name it. */
interface Slot {
  label: string;
  /** Malformed values for this position, given the valid call. */
  bad: (call: Call) => fc.Arbitrary<unknown>;
  /** The call with `value` in this position (a new args array; the valid call is left alone). */
  place: (call: Call, value: unknown) => Call;
  /** What the message must contain. */
  names: string[];
  /** For a tensor position: the valid tensor there (a DISPOSED stand-in is made from it). */
  tensor?: (call: Call) => fcn.Tensor;
  /** Random well-formed tensors (or dimension lists) of the wrong shape also go here. */
  reshape?: "tensor" | "dims";
}

const at = (call: Call, i: number, value: unknown): Call => {
  const args = call.args.slice();
  args[i] = value;
  return { op: call.op, args };
};
const inObject = (call: Call, i: number, key: string, value: unknown): Call => at(call, i, { ...(call.args[i] as object), [key]: value });

/** The spatial rank of a call (from its first tensor or shape). */
function rankOf(call: Call): number {
  const first = call.args[0] as Any;
  if (call.op === "col2im") {
    const image = (call.args[1] as Any).imageShape;
    return typeof image === "number" ? 1 : image.length;
  }
  return (Array.isArray(first) ? first : first.shape).length - 2;
}

/** The tensor in position i, or for an absent optional one (b, c) a stand-in to shape bad values after. */
const tensorAt = (call: Call, i: number): fcn.Tensor => (call.args[i] as fcn.Tensor | null) ?? fcn.tensor([1], [1]);
const tensorSlot = (op: Op, i: number, arg: string, optional = false): Slot => ({
  label: `${arg}`, names: [`${op}(${arg}`], reshape: "tensor",
  bad: (call) => badTensor(tensorAt(call, i), optional), place: (call, v) => at(call, i, v), tensor: (call) => tensorAt(call, i),
});
const dimsSlot = (op: Op, i: number, arg: string): Slot => ({
  label: arg, names: [`${op}(${arg}`], reshape: "dims",
  bad: (call) => badShape(call.args[i] as number[]), place: (call, v) => at(call, i, v),
});
/** A weight whose spatial axis is 0: a well-formed tensor no convolution accepts. */
const zeroKernelSlot = (op: Op, i: number, dims = false): Slot => ({
  label: "w with a zero-size kernel axis", names: [`${op}(w`],
  bad: (call) => {
    const shape = dims ? call.args[i] as number[] : (call.args[i] as fcn.Tensor).shape;
    return fc.nat(shape.length - 3).map((axis) => {
      const s = shape.slice();
      s[2 + axis] = 0;
      return dims ? s : fcn.tensor(new Float32Array(0), s);
    });
  },
  place: (call, v) => at(call, i, v),
});
const attrSlot = (op: Op, i: number, key: string, bad: (rank: number) => fc.Arbitrary<unknown>, what = "attrs"): Slot => ({
  label: `${what}.${key}`, names: [`${op}(${what}`, key],
  bad: (call) => bad(rankOf(call)), place: (call, v) => inObject(call, i, key, v),
});
const objectSlot = (op: Op, i: number, what = "attrs"): Slot => ({
  label: what, names: [`${op}(${what}`], bad: () => badObject, place: (call, v) => at(call, i, v),
});
const unknownKeySlot = (op: Op, i: number, what = "attrs"): Slot => ({
  label: `unknown ${what} name`, names: [`${op}(${what}.`],
  bad: (call) => unknownKey.filter((k) => !(k in (call.args[i] as object ?? {})) && k !== "__proto__" && !KNOWN.includes(k)),
  place: (call, key) => inObject(call, i, key as string, 1),
});
/** Every attribute and option name some op knows (an "unknown" name for one op may be known to another). */
const KNOWN = ["kernelShape", "strides", "pads", "dilations", "group", "autoPad", "outputPadding", "outputShape", "ceilMode", "storageOrder",
  "alpha", "beta", "transA", "transB", "imageShape", "offsets", "shape", "algorithm", "seed", "resident"];

const required = (arb: (rank: number) => fc.Arbitrary<unknown>) => (rank: number) => fc.oneof(arb(rank), fc.constant(undefined));

/** The attribute slots of a convolution-like op whose attrs are args[i]. */
function convAttrSlots(op: Op, i: number, transposed: boolean): Slot[] {
  const slots = [
    attrSlot(op, i, "kernelShape", (r) => badInts(r, 1)), attrSlot(op, i, "strides", (r) => badInts(r, 1)),
    attrSlot(op, i, "pads", (r) => badInts(2 * r, 0)), attrSlot(op, i, "dilations", (r) => badInts(r, 1)),
    attrSlot(op, i, "group", () => badPositiveInt), attrSlot(op, i, "autoPad", () => badAutoPad), objectSlot(op, i), unknownKeySlot(op, i),
  ];
  if (transposed) slots.push(attrSlot(op, i, "outputPadding", (r) => badInts(r, 0)), attrSlot(op, i, "outputShape", (r) => badInts(r, 1)));
  return slots;
}
function poolAttrSlots(op: Op, i: number): Slot[] {
  return [
    attrSlot(op, i, "kernelShape", required((r) => badInts(r, 1))), attrSlot(op, i, "strides", (r) => badInts(r, 1)),
    attrSlot(op, i, "pads", (r) => badInts(2 * r, 0)), attrSlot(op, i, "dilations", (r) => badInts(r, 1)),
    attrSlot(op, i, "autoPad", () => badAutoPad), attrSlot(op, i, "ceilMode", () => badFlag),
    attrSlot(op, i, "storageOrder", () => fc.constantFrom(2, -1, 0.5, "0", null, true, [0])), objectSlot(op, i), unknownKeySlot(op, i),
  ];
}
function windowAttrSlots(op: Op, i: number): Slot[] {
  return [
    attrSlot(op, i, "kernelShape", required((r) => badInts(r, 1))), attrSlot(op, i, "strides", (r) => badInts(r, 1)),
    attrSlot(op, i, "pads", (r) => badInts(2 * r, 0)), attrSlot(op, i, "dilations", (r) => badInts(r, 1)), objectSlot(op, i), unknownKeySlot(op, i),
  ];
}
function cropAttrSlots(op: Op, i: number): Slot[] {
  return [attrSlot(op, i, "offsets", required((r) => badInts(r, 0))), attrSlot(op, i, "shape", required((r) => badInts(r, 1))), objectSlot(op, i), unknownKeySlot(op, i)];
}

/** Net.fromGraph(spec, weights, options).run(x): its argument positions. */
const NET_SLOTS: Slot[] = [
  {
    label: "spec", names: ["graph"], place: (call, v) => at(call, 0, v),
    bad: (call) => fc.oneof(badObject, fc.constantFrom(null, undefined, {}), fc.constantFrom("input", "output", "layers").map((key) => ({ ...(call.args[0] as object), [key]: 5 }))),
  },
  {
    label: "weights", names: ["Net.fromGraph(weights"], place: (call, v) => at(call, 1, v),
    bad: () => fc.constantFrom(5, "c.weight", true, NaN, [], [1, 2], new Set(), new (class Weights {})(), () => 1, new Float32Array(2)),
  },
  {
    label: 'weights["c.weight"]', names: ['Net.fromGraph(weights["c.weight"]'], reshape: "tensor",
    bad: (call) => badTensor((call.args[1] as Any)["c.weight"], false), place: (call, v) => inObject(call, 1, "c.weight", v),
    tensor: (call) => (call.args[1] as Any)["c.weight"],
  },
  { label: "options", names: ["Net.fromGraph(options"], bad: () => badObject, place: (call, v) => at(call, 2, v) },
  { label: "options.seed", names: ["Net.fromGraph(options.seed"], bad: () => fc.constantFrom(1.5, NaN, Infinity, "1", null, true, [], {}, 2 ** 53), place: (call, v) => inObject(call, 2, "seed", v) },
  { label: "options.resident", names: ["Net.fromGraph(options.resident"], bad: () => fc.constantFrom("yes", "true", 1, 0, null, [], {}), place: (call, v) => inObject(call, 2, "resident", v) },
  { ...unknownKeySlot("Net", 2, "options"), names: ["Net.fromGraph(options."] },
  { ...tensorSlot("Net", 3, "x"), names: ["Net.run(x"] },
];

/** Every argument position of every op. */
const SLOTS: Record<Op, Slot[]> = {
  tensor: [
    { label: "data", names: ["tensor(data"], place: (call, v) => at(call, 0, v),
      bad: (call) => fc.constantFrom(null, undefined, 5, "ab", true, Symbol("d"), {}, { length: 2 }, [1, "2"], [1, null], new Array(2), new Float32Array((call.args[0] as Any).length + 1)) },
    dimsSlot("tensor", 1, "shape"),
  ],
  resident: [tensorSlot("resident", 0, "t")],
  conv: [tensorSlot("conv", 0, "x"), tensorSlot("conv", 1, "w"), tensorSlot("conv", 2, "b", true), zeroKernelSlot("conv", 1), ...convAttrSlots("conv", 3, false)],
  convTranspose: [
    tensorSlot("convTranspose", 0, "x"), tensorSlot("convTranspose", 1, "w"), tensorSlot("convTranspose", 2, "b", true), zeroKernelSlot("convTranspose", 1),
    ...convAttrSlots("convTranspose", 3, true), objectSlot("convTranspose", 4, "options"), unknownKeySlot("convTranspose", 4, "options"),
    attrSlot("convTranspose", 4, "algorithm", () => fc.constantFrom("fast", "", "AUTO", 1, true, {}, ["auto"]), "options"),
  ],
  convTransposePlan: [
    dimsSlot("convTransposePlan", 0, "xShape"), dimsSlot("convTransposePlan", 1, "wShape"), zeroKernelSlot("convTransposePlan", 1, true),
    ...convAttrSlots("convTransposePlan", 2, true),
  ],
  maxPool: [tensorSlot("maxPool", 0, "x"), ...poolAttrSlots("maxPool", 1)],
  gemm: [
    tensorSlot("gemm", 0, "a"), tensorSlot("gemm", 1, "b"), tensorSlot("gemm", 2, "c", true),
    attrSlot("gemm", 3, "alpha", () => badNumber), attrSlot("gemm", 3, "beta", () => badNumber),
    attrSlot("gemm", 3, "transA", () => badFlag), attrSlot("gemm", 3, "transB", () => badFlag), objectSlot("gemm", 3), unknownKeySlot("gemm", 3),
  ],
  matmul: [tensorSlot("matmul", 0, "a"), tensorSlot("matmul", 1, "b")],
  im2col: [tensorSlot("im2col", 0, "x"), ...windowAttrSlots("im2col", 1)],
  col2im: [
    tensorSlot("col2im", 0, "cols"), ...windowAttrSlots("col2im", 1),
    // a list of another length is another rank, not a malformed value: only wrong kinds and entries
    attrSlot("col2im", 1, "imageShape", required((r) => badInts(r, 1, false))),
  ],
  relu: [tensorSlot("relu", 0, "x")],
  add: [tensorSlot("add", 0, "a"), tensorSlot("add", 1, "b")],
  crop: [tensorSlot("crop", 0, "x"), ...cropAttrSlots("crop", 1)],
  convBackward: [
    tensorSlot("convBackward", 0, "dy"), tensorSlot("convBackward", 1, "x"), tensorSlot("convBackward", 2, "w"), zeroKernelSlot("convBackward", 2),
    ...convAttrSlots("convBackward", 3, false),
  ],
  convTransposeBackward: [
    tensorSlot("convTransposeBackward", 0, "dy"), tensorSlot("convTransposeBackward", 1, "x"), tensorSlot("convTransposeBackward", 2, "w"),
    zeroKernelSlot("convTransposeBackward", 2), ...convAttrSlots("convTransposeBackward", 3, true),
  ],
  maxPoolBackward: [tensorSlot("maxPoolBackward", 0, "dy"), tensorSlot("maxPoolBackward", 1, "x"), ...poolAttrSlots("maxPoolBackward", 2)],
  reluBackward: [tensorSlot("reluBackward", 0, "dy"), tensorSlot("reluBackward", 1, "x")],
  addBackward: [tensorSlot("addBackward", 0, "dy"), dimsSlot("addBackward", 1, "aShape"), dimsSlot("addBackward", 2, "bShape")],
  cropBackward: [tensorSlot("cropBackward", 0, "dy"), dimsSlot("cropBackward", 1, "xShape"), ...cropAttrSlots("cropBackward", 2)],
  Net: NET_SLOTS,
};

/** A call with one malformed argument: the slot's label and the value, printable in a counterexample. */
function corrupted(op: Op): fc.Arbitrary<[Call, string, unknown]> {
  const slots = SLOTS[op];
  return validCall(op).chain((call) => fc.nat(slots.length - 1).chain((i) => slots[i].bad(call).map((v) => [call, slots[i].label, v] as [Call, string, unknown])));
}

/** The value as placed: DISPOSED becomes a resident copy of the valid tensor, disposed. */
function materialize(value: unknown, slot: Slot, call: Call): unknown {
  if (value !== DISPOSED || slot.tensor === undefined) return value;
  const r = fcn.resident(slot.tensor(call));
  r.dispose();
  return r;
}

/** Makes the call, which must throw a typed error; returns it. */
function typedError(call: Call, what: string): Error {
  let error: unknown = null;
  try {
    run(call);
  } catch (e) {
    error = e;
  }
  if (error === null) throw new Error(`${what}: accepted without an error`);
  if (!(error instanceof fcn.FcnWasmError)) throw new Error(`${what}: threw ${(error as Error)?.name ?? typeof error} "${(error as Error)?.message}", not an FcnWasmError`);
  return error;
}

const describeValue = (v: unknown) => fc.stringify(v);

describe.each(BUILDS)("robustness: malformed arguments (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it.each(OPS)("%s: a malformed argument is a typed error naming it; inputs unchanged; the next valid call is right", (op) => {
    fc.assert(fc.property(corrupted(op), ([call, label, value]) => {
      const slot = SLOTS[op].find((s) => s.label === label) as Slot;
      const bad = slot.place(call, materialize(value, slot, call));
      const before = snapshot(bad.args);
      const error = typedError(bad, `${op}: ${label} = ${describeValue(value)}`);
      for (const name of slot.names) {
        if (!error.message.includes(name)) throw new Error(`${op}: ${label} = ${describeValue(value)}: the message "${error.message}" does not name ${name}`);
      }
      expectUnchanged(bad.args, before);
      expectReference(call, run(call));
    }), fcParams(40));
  });

  it.each(OPS.filter((op) => SLOTS[op].some((s) => s.reshape !== undefined)))(
    "%s: well-formed tensors of random shapes give a typed error or the reference's answer", (op) => {
      const slots = SLOTS[op].filter((s) => s.reshape !== undefined);
      const shapes = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 5 });
      fc.assert(fc.property(validCall(op), fc.nat(slots.length - 1), shapes, fc.nat(), (call, i, shape, seed) => {
        const slot = slots[i];
        const bad = slot.place(call, slot.reshape === "dims" ? shape : T(shape, seed));
        const before = snapshot(bad.args);
        let result: unknown, error: unknown = null;
        try {
          result = run(bad);
        } catch (e) {
          error = e;
        }
        if (error === null) expectReference(bad, result);
        else {
          if (!(error instanceof fcn.FcnWasmError)) throw new Error(`${op}: ${slot.label} of shape [${shape}]: threw ${(error as Error).name}: ${(error as Error).message}`);
          expect(error.message).toMatch(op === "Net" ? /^(Net\.|graph)/ : new RegExp(`^${op}\\b`));
        }
        expectUnchanged(bad.args, before);
        expectReference(call, run(call));
      }), fcParams(25));
    });

  // -------------------------------------------------------------------------------------------
  // The issue's own examples, each once (the properties above find them too, among others)
  describe("defects a robustness probe once found", () => {
    const x = () => T([1, 1, 3, 2], 1);
    const F = fcn as Any;
    it("2: a weight with a zero-size kernel axis is a ShapeError naming w", () => {
      expect(() => fcn.conv(x(), fcn.tensor(new Float32Array(0), [1, 1, 0, 1]), T([1], 2))).toThrow(/^conv\(w\).*size 0 on axis 0/);
      expect(() => fcn.convTranspose(x(), fcn.tensor(new Float32Array(0), [1, 1, 1, 0]))).toThrow(fcn.ShapeError);
    });
    it("3: Net.fromGraph checks weights and options", () => {
      const spec = { input: { name: "x", shape: [1, 1, 3, 3] }, output: "c", layers: [{ name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 1, kernelShape: 1 } }] };
      for (const w of [null, [], 5, "s"]) expect(() => F.Net.fromGraph(spec, { "c.weight": w })).toThrow(/Net\.fromGraph\(weights\["c\.weight"\]\)/);
      expect(() => F.Net.fromGraph(spec, 5)).toThrow(fcn.AttributeError);
      expect(() => F.Net.fromGraph(spec, undefined, { seeds: 1 })).toThrow(/options\.seeds.*unknown/);
      expect(() => F.Net.fromGraph(spec, undefined, { resident: "yes" })).toThrow(/options\.resident/);
      expect(() => F.Net.fromGraph(spec, { "c.weight": { data: new Float32Array(2), shape: [1, 1, 1, 1] } })).toThrow(/weights\["c\.weight"\]\).*2 elements/);
    });
    it("4: attribute arrays with holes are AttributeErrors naming the entry", () => {
      expect(() => fcn.conv(x(), T([1, 1, 1, 1], 2), null, { strides: new Array(2) })).toThrow(/conv\(attrs\.strides\)\[0\].*hole/);
      expect(() => fcn.crop(x(), { offsets: new Array(2), shape: 1 })).toThrow(fcn.AttributeError);
      expect(() => fcn.convTransposePlan([1, 1, 3, 2], [1, 1, 1, 1], { strides: new Array(2) })).toThrow(fcn.AttributeError);
    });
    it("5: convTransposePlan, cropBackward and addBackward check their shape arguments", () => {
      for (const bad of [null, [1, 1, NaN, 4], 4.5, [1, 1, 4.5, 4]]) {
        expect(() => F.convTransposePlan(bad, [1, 1, 1, 1])).toThrow(/convTransposePlan\(xShape\)/);
        expect(() => F.cropBackward(T([1, 1, 1, 1], 3), bad, { offsets: 0, shape: 1 })).toThrow(/cropBackward\(xShape\)/);
        expect(() => F.addBackward(T([1, 1, 1, 4], 3), bad, [1])).toThrow(/addBackward\(aShape\)/);
      }
    });
    it("10: a result dimension beyond 2³¹ − 1 is a ShapeError, also for zero-element inputs", () => {
      const empty = fcn.tensor(new Float32Array(0), [0, 2 ** 31 - 1, 4, 4]);
      expect(() => fcn.im2col(empty, { kernelShape: [2, 2] })).toThrow(/^im2col\(x\).*beyond 2³¹ − 1/);
      expect(() => fcn.convTranspose(fcn.tensor(new Float32Array(0), [0, 1, 2 ** 31 - 1]), T([1, 1, 1], 4), null, { strides: 4 })).toThrow(fcn.ShapeError);
      expect(() => fcn.tensor(new Float32Array(0), [0, 2 ** 40])).toThrow(/tensor\(shape\)\[1\]/);
    });
    it("10: a Float32Array or an attrs object from another realm is accepted as what it is", () => {
      const data = vm.runInNewContext("new Float32Array([1, -2, 3, -4, 5, -6])") as Float32Array;
      expect(data instanceof Float32Array).toBe(false); // really another realm's
      expect(Array.from(fcn.relu({ data, shape: [1, 1, 3, 2] }).data)).toEqual([1, 0, 3, 0, 5, 0]);
      expect(Array.from(fcn.relu(fcn.tensor(data, [6])).data)).toEqual([1, 0, 3, 0, 5, 0]);
      const attrs = vm.runInNewContext("({ kernelShape: [1, 2] })");
      expect(fcn.maxPool(fcn.tensor(Float32Array.from(data), [1, 1, 3, 2]), attrs).shape).toEqual([1, 1, 3, 1]);
      expect(() => F.relu({ data: vm.runInNewContext("new Float64Array(6)"), shape: [6] })).toThrow(/relu\(x\)\.data: expected a Float32Array, got Float64Array/);
    });
    it("10: messages give a value's kind with the right article", () => {
      expect(() => F.conv(x(), T([1, 1, 1, 1], 2), null, Object.create({}))).toThrow(/got an object that is no plain object/);
      expect(() => F.conv(x(), T([1, 1, 1, 1], 2), null, new Map())).toThrow(/got a Map/);
    });
    it("values String() cannot print are named by their kind; another realm's Map of weights is a Map", () => {
      expect(() => F.conv(x(), T([1, 1, 1, 1], 2), null, { strides: [Object.create(null), 1] })).toThrow(/conv\(attrs\.strides\)\[0\].*got an object that is no plain object|got a plain object/);
      expect(() => F.conv(x(), T([1, 1, 1, 1], 2), null, { kernelShape: [2n, 2n] })).toThrow(/got the bigint 2n/);
      expect(() => F.setResidentBudget(Object.create(null))).toThrow(fcn.AttributeError);
      const spec = { input: { name: "x", shape: [1, 1, 3, 3] }, output: "c", layers: [{ name: "c", op: "Conv", inputs: ["x"], attrs: { outChannels: 1, kernelShape: 1 } }] };
      const weights = vm.runInNewContext("new Map()");
      weights.set("c.weight", T([1, 1, 1, 1], 2));
      expect(F.Net.fromGraph(spec, weights).parameters().get("c.weight").data[0]).toBeCloseTo(T([1, 1, 1, 1], 2).data[0], 6);
    });
  });
});

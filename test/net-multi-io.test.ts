// A GraphSpec with several inputs and outputs (extraInputs / extraOutputs): net.runAll against the
// public ops composed by hand, the resident plan against the op-by-op path bit for bit, run(x)
// unchanged for one input, backward with a record of output gradients (absent = zero) against
// finite differences and by linearity, and the typed errors of the spec, runAll and backward.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { fcParams } from "./robustness/arbitraries.js";
import { BUILDS, expectClose, expectSameBits, fcn, randArray, rng, useBuild } from "./lib.js";
import type { GraphSpec, Tensor } from "../dist/index.js";
import { concat } from "../dist/ops/concat.js"; // not in the package index (yet): the op the Concat layer runs
const { Net, AttributeError, ShapeError } = fcn;

/**
 * Two inputs, two outputs: a [1, 2, 5, 6] and b [1, 3, 5, 6];
 * r = relu(conv3x3(a) + b) is an output AND feeds the second branch, so its gradient sums the
 * seed given for it and what flows back from `out`;
 * out = conv3x3(concat(r, conv1x1(b))).
 */
function twoByTwo(): GraphSpec {
  return {
    input: { name: "a", shape: [1, 2, 5, 6] },
    extraInputs: [{ name: "b", shape: [1, 3, 5, 6] }],
    output: "out",
    extraOutputs: ["r"],
    layers: [
      { name: "ca", op: "Conv", inputs: ["a"], attrs: { outChannels: 3, kernelShape: [3, 3], pads: 1 } },
      { name: "sum", op: "Add", inputs: ["ca", "b"] },
      { name: "r", op: "Relu", inputs: ["sum"] },
      { name: "cb", op: "Conv", inputs: ["b"], attrs: { outChannels: 2, kernelShape: [1, 1] } },
      { name: "cat", op: "Concat", inputs: ["r", "cb"], attrs: { axis: 1 } },
      { name: "out", op: "Conv", inputs: ["cat"], attrs: { outChannels: 4, kernelShape: [3, 3], pads: [1, 0, 1, 0] } },
    ],
  };
}

const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const random = (r: () => number, shape: number[]): Tensor => fcn.tensor(randArray(r, size(shape)), shape);
const dot = (a: Tensor, b: Tensor) => a.data.reduce((s, v, i) => s + v * b.data[i], 0);

/** The graph composed from the public ops: the definition runAll must follow. */
function byOps(p: Map<string, Tensor>, a: Tensor, b: Tensor): { out: Tensor; r: Tensor } {
  const ca = fcn.conv(a, p.get("ca.weight")!, p.get("ca.bias")!, { pads: 1 });
  const r = fcn.relu(fcn.add(ca, b));
  const cb = fcn.conv(b, p.get("cb.weight")!, p.get("cb.bias")!);
  const out = fcn.conv(concat([r, cb], { axis: 1 }), p.get("out.weight")!, p.get("out.bias")!, { pads: [1, 0, 1, 0] });
  return { out, r };
}

describe.each(BUILDS)("several graph inputs and outputs on the %s build", (build) => {
  beforeAll(() => useBuild(build));

  it("runAll returns every output by name, as the public ops composed give them", () => {
    const r = rng(1);
    const net = Net.fromGraph(twoByTwo(), undefined, { seed: 3 });
    const a = random(r, [1, 2, 5, 6]), b = random(r, [1, 3, 5, 6]);
    const got = net.runAll({ a, b });
    expect(Object.keys(got)).toEqual(["out", "r"]);
    const want = byOps(net.parameters(), a, b);
    expectClose(got.out, want.out, "out");
    expectClose(got.r, want.r, "r");
    expect(got.out.shape).toEqual([1, 4, 5, 4]);
  });

  for (const resident of [true, false]) {
    it(`runAllAsync (resident ${resident}): the same bits as runAll, inputs taken in the call, yields between layers, blocks run() meanwhile`, async () => {
      const r = rng(12);
      const net = Net.fromGraph(twoByTwo(), undefined, { seed: 5, resident });
      const a = random(r, [2, 2, 7, 6]), b = random(r, [2, 3, 7, 6]);
      const want = net.runAll({ a, b });
      const aBefore = a.data.slice();
      let turns = 0;
      let ticking = true;
      const tick = () => { turns++; if (ticking) setImmediate(tick); };
      setImmediate(tick);
      const pending = net.runAllAsync({ a, b });
      a.data.fill(7); // after the call: changes nothing
      expect(() => net.runAll({ a, b })).toThrow(/runAsync\(\) of this net is still running/);
      const got = await pending;
      ticking = false;
      expect(Object.keys(got)).toEqual(["out", "r"]);
      expectSameBits(got.out, want.out, "out");
      expectSameBits(got.r, want.r, "r");
      expect(turns, "event-loop turns during runAllAsync").toBeGreaterThan(2);
      a.data.set(aBefore);
      expectSameBits(net.runAll({ a, b }).out, want.out, "runAll after"); // free again
      // its typed errors are runAll's, naming the call
      await expect(net.runAllAsync({ a })).rejects.toThrow(/Net.runAllAsync\(inputs\["b"\]\): graph input "b" \[1, 3, 5, 6\] has no tensor/);
      net.dispose();
    });
  }

  it("the resident plan and the op-by-op path agree bit for bit, and a new batch or spatial size plans anew", () => {
    const r = rng(2);
    const resident = Net.fromGraph(twoByTwo(), undefined, { seed: 4 });
    const opByOp = Net.fromGraph(twoByTwo(), undefined, { seed: 4, resident: false });
    for (const [n, h, w] of [[1, 5, 6], [2, 7, 4], [1, 5, 6]]) {
      const inputs = { a: random(r, [n, 2, h, w]), b: random(r, [n, 3, h, w]) };
      const x = resident.runAll(inputs), y = opByOp.runAll(inputs);
      expectSameBits(x.out, y.out, `out at ${n}x${h}x${w}`);
      expectSameBits(x.r, y.r, `r at ${n}x${h}x${w}`);
      expect(x.out.shape).toEqual([n, 4, h, w - 2]);
      // the summary counts the plan's resident bytes for these shapes
      expect(resident.summary().plannedBytes).toBeGreaterThan(4 * (size(inputs.a.shape) + size(inputs.b.shape)));
    }
  });

  it("property: for random batch and spatial sizes, runAll follows the public ops and the plan matches op by op bit for bit", () => {
    const resident = Net.fromGraph(twoByTwo(), undefined, { seed: 11 });
    const opByOp = Net.fromGraph(twoByTwo(), undefined, { seed: 11, resident: false });
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 3, max: 8 }), fc.integer(), (n, h, w, seed) => {
      const r = rng(seed);
      const inputs = { a: random(r, [n, 2, h, w]), b: random(r, [n, 3, h, w]) };
      const got = resident.runAll(inputs), again = opByOp.runAll(inputs);
      const want = byOps(resident.parameters(), inputs.a, inputs.b);
      expectClose(got.out, want.out, `out at ${n}x${h}x${w}`);
      expectClose(got.r, want.r, `r at ${n}x${h}x${w}`);
      expectSameBits(got.out, again.out, `out: plan vs op by op at ${n}x${h}x${w}`);
      expectSameBits(got.r, again.r, `r: plan vs op by op at ${n}x${h}x${w}`);
    }), fcParams(25));
  });

  it("does not change the caller's tensors", () => {
    const r = rng(3);
    const net = Net.fromGraph(twoByTwo());
    const a = random(r, [1, 2, 5, 6]), b = random(r, [1, 3, 5, 6]);
    const [a0, b0] = [a.data.slice(), b.data.slice()];
    net.runAll({ a, b });
    expect(a.data).toEqual(a0);
    expect(b.data).toEqual(b0);
  });

  it("run(x) is unchanged on one input: runAll({ [input]: x }) gives its very bits, and extra outputs come along", () => {
    const r = rng(4);
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 2, 6, 6] }, output: "c2", extraOutputs: ["c1"],
      layers: [
        { name: "c1", op: "Conv", inputs: ["x"], attrs: { outChannels: 3, kernelShape: [3, 3] } },
        { name: "c2", op: "Conv", inputs: ["c1"], attrs: { outChannels: 2, kernelShape: [3, 3] } },
      ],
    };
    const net = Net.fromGraph(spec, undefined, { seed: 5 });
    const x = random(r, [1, 2, 6, 6]);
    const all = net.runAll({ x });
    expectSameBits(net.run(x), all.c2, "run(x) vs runAll().c2");
    expectSameBits(net.blob("c1")!, all.c1, "blob(c1) vs runAll().c1");
  });

  it("a graph output that is a Dropout passed on at inference stays alive in the plan", () => {
    const r = rng(5);
    const spec: GraphSpec = {
      input: { name: "x", shape: [1, 2, 4, 4] }, extraInputs: [{ name: "y", shape: [1, 2, 4, 4] }], output: "s", extraOutputs: ["d"],
      layers: [
        { name: "d", op: "Dropout", inputs: ["y"] },
        { name: "s", op: "Add", inputs: ["x", "d"] },
      ],
    };
    const net = Net.fromGraph(spec);
    const x = random(r, [1, 2, 4, 4]), y = random(r, [1, 2, 4, 4]);
    const got = net.runAll({ x, y });
    expectSameBits(got.d, y, "d = y at inference");
    expectClose(got.s, fcn.add(x, y), "s = x + y", 0, 0);
  });

  it("a plan evicted between runAll and backward replays the run on every input: same outputs, same gradients as a twin", () => {
    const r = rng(10);
    const net = Net.fromGraph(twoByTwo(), undefined, { seed: 8 }), twin = Net.fromGraph(twoByTwo(), undefined, { seed: 8 });
    net.training = twin.training = true;
    const inputs = { a: random(r, [1, 2, 5, 6]), b: random(r, [1, 3, 5, 6]) };
    const y = net.runAll(inputs);
    twin.runAll(inputs);
    // what the arena does under memory pressure (runtime/eviction.ts); a private field, as in memory.test.ts
    (net as unknown as { plan: { evict(): void } }).plan.evict();
    const seeds = { out: random(r, y.out.shape.slice()), r: random(r, y.r.shape.slice()) };
    const got = net.backward(seeds), want = twin.backward(seeds);
    for (const [name, g] of want) expectSameBits(got.get(name)!, g, `${name} after the replay`);
    expectSameBits(net.blob("r")!, y.r, "blob r after the replay");
  });

  for (const training of [false, true]) {
    it(`backward(record) matches finite differences of ⟨out, gOut⟩ + ⟨r, gR⟩ (${training ? "training plan" : "op by op from the run's blobs"})`, () => {
      const r = rng(6);
      const spec = twoByTwo();
      const net = Net.fromGraph(spec, undefined, { seed: 6 });
      net.training = training;
      const a = random(r, [1, 2, 5, 6]), b = random(r, [1, 3, 5, 6]);
      const y = net.runAll({ a, b });
      const gOut = random(r, y.out.shape.slice()), gR = random(r, y.r.shape.slice());
      const grads = net.backward({ out: gOut, r: gR });
      expect([...grads.keys()].sort()).toEqual(["ca.bias", "ca.weight", "cb.bias", "cb.weight", "out.bias", "out.weight"]);
      const params = net.parameters();
      const loss = (): number => {
        const o = Net.fromGraph(spec, params, { resident: false }).runAll({ a, b });
        return dot(o.out, gOut) + dot(o.r, gR);
      };
      const h = 1e-2;
      for (const [name, g] of grads) {
        const w = params.get(name)!;
        for (const i of [0, Math.floor(w.data.length / 2), w.data.length - 1]) {
          const keep = w.data[i];
          w.data[i] = keep + h; const plus = loss();
          w.data[i] = keep - h; const minus = loss();
          w.data[i] = keep;
          const fd = (plus - minus) / (2 * h);
          expect(Math.abs(fd - g.data[i]), `${name}[${i}]: finite difference ${fd}, backward ${g.data[i]}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
        }
      }
    });

    it(`backward is linear in the record, an absent output counts as zero, and the tensor form is the first output's (${training ? "training plan" : "op by op"})`, () => {
      const r = rng(7);
      const net = Net.fromGraph(twoByTwo(), undefined, { seed: 7 });
      net.training = training;
      const a = random(r, [1, 2, 5, 6]), b = random(r, [1, 3, 5, 6]);
      const y = net.runAll({ a, b });
      const gOut = random(r, y.out.shape.slice()), gR = random(r, y.r.shape.slice());
      const both = net.backward({ out: gOut, r: gR });
      const onlyOut = net.backward({ out: gOut });
      const onlyR = net.backward({ r: gR });
      expectSameBits(net.backward(gOut).get("ca.weight")!, onlyOut.get("ca.weight")!, "backward(gOut) vs backward({ out: gOut })");
      expectSameBits(net.backward({ out: gOut, r: undefined as unknown as Tensor }).get("out.weight")!, onlyOut.get("out.weight")!, "an undefined entry is absent");
      // r does not reach `out`'s own parameters nor cb's: only ca takes a gradient from gR alone
      expect([...onlyR.keys()].sort()).toEqual(["ca.bias", "ca.weight"]);
      for (const name of ["ca.weight", "ca.bias"]) {
        const sum = fcn.tensor(onlyOut.get(name)!.data.map((v, i) => v + onlyR.get(name)!.data[i]), onlyOut.get(name)!.shape.slice());
        expectClose(both.get(name)!, sum, `${name}: backward({ out, r }) = backward({ out }) + backward({ r })`, 1e-5, 1e-4);
      }
      expectSameBits(both.get("out.weight")!, onlyOut.get("out.weight")!, "out.weight takes nothing from gR");
      expect(net.backward({}).size).toBe(0);
    });
  }
});

describe("several graph inputs and outputs: typed errors", () => {
  beforeAll(() => useBuild("simd"));

  const edit = (change: (s: GraphSpec & Record<string, unknown>) => void): GraphSpec => {
    const s = twoByTwo() as GraphSpec & Record<string, unknown>;
    change(s);
    return s;
  };
  it.each([
    ["an extra input named like the first", edit((s) => { s.extraInputs![0].name = "a"; }), /graph.extraInputs\[0\].name: "a" is already graph.input's name/],
    ["two extra inputs of one name", edit((s) => { s.extraInputs!.push({ name: "b", shape: [1, 1, 5, 6] }); }), /graph.extraInputs\[1\].name: "b" is already graph.extraInputs\[0\]'s name/],
    ["a layer named like an extra input", edit((s) => { s.layers[0].name = "b"; }), /layer "b" \(Conv\): the name "b" is already a graph input's \(graph.extraInputs\[0\]\)/],
    ["extraInputs that is no array", edit((s) => { s.extraInputs = { name: "b" } as never; }), /graph.extraInputs: expected an array/],
    ["an extra output naming no layer", edit((s) => { s.extraOutputs = ["nope"]; }), /graph.extraOutputs\[0\]: "nope" names no layer/],
    ["an extra output naming an extra input", edit((s) => { s.extraOutputs = ["b"]; }), /graph.extraOutputs\[0\]: "b" names no layer \(it is a graph input, graph.extraInputs\[0\]\)/],
    ["an extra output that is the output", edit((s) => { s.extraOutputs = ["out"]; }), /graph.extraOutputs\[0\]: "out" is already graph.output; each output is listed once/],
    ["an extra output listed twice", edit((s) => { s.extraOutputs = ["r", "ca", "r"]; }), /graph.extraOutputs\[2\]: "r" is already graph.extraOutputs\[0\]/],
    ["extraOutputs that is no array", edit((s) => { s.extraOutputs = "r" as never; }), /graph.extraOutputs: expected an array of layer names/],
    ["a layer input naming no graph input", edit((s) => { s.layers[1].inputs = ["ca", "c"]; }), /input "c" names neither a graph input \("a", "b"\) nor an earlier layer/],
  ])("the spec: %s is an AttributeError", (_, spec, message) => {
    expect(() => fcn.validateGraph(spec)).toThrow(AttributeError);
    expect(() => fcn.validateGraph(spec)).toThrow(message);
  });

  it("an extra input without a shape, or with a bad one, is a ShapeError naming it (as graph.input's)", () => {
    const missing = edit((s) => { delete (s.extraInputs![0] as Partial<{ shape: number[] }>).shape; });
    expect(() => fcn.validateGraph(missing)).toThrow(ShapeError);
    expect(() => fcn.validateGraph(missing)).toThrow(/graph.extraInputs\[0\].shape: expected \[N, C, H, W\]/);
    expect(() => fcn.validateGraph(edit((s) => { s.extraInputs![0].shape = [1, 0, 5, 6]; }))).toThrow(/graph.extraInputs\[0\].shape\[1\]: expected a positive integer/);
  });

  it("an extra input's declared shape that its layers cannot take is a ShapeError naming the layer", () => {
    const spec = edit((s) => { s.extraInputs![0].shape = [1, 3, 4, 6]; });
    expect(() => Net.fromGraph(spec)).toThrow(ShapeError);
    expect(() => Net.fromGraph(spec)).toThrow(/layer "sum" \(Add\)/);
  });

  it("inferShapes takes a record of input shapes by name; an unknown name is a ShapeError", () => {
    expect(fcn.inferShapes(twoByTwo(), { a: [2, 2, 7, 8], b: [2, 3, 7, 8] }).get("out")).toEqual([2, 4, 7, 6]);
    expect(fcn.inferShapes(twoByTwo(), [1, 2, 5, 6]).get("b")).toEqual([1, 3, 5, 6]);
    expect(() => fcn.inferShapes(twoByTwo(), { c: [1, 1, 1, 1] })).toThrow(/"c" names no graph input \(they are "a", "b"\)/);
  });

  for (const resident of [true, false]) {
    it(`runAll and run name the graph input at fault (${resident ? "resident" : "op by op"})`, () => {
      const r = rng(8);
      const net = Net.fromGraph(twoByTwo(), undefined, { resident });
      const a = random(r, [1, 2, 5, 6]), b = random(r, [1, 3, 5, 6]);
      const cases: [() => unknown, typeof ShapeError | typeof AttributeError, RegExp][] = [
        [() => net.run(a), ShapeError, /Net.run\(x\): graph input "b" \[1, 3, 5, 6\] has no tensor: this net has 2 graph inputs \("a", "b"\); feed them all with net.runAll/],
        [() => net.runAll({ a }), ShapeError, /Net.runAll\(inputs\["b"\]\): graph input "b" \[1, 3, 5, 6\] has no tensor/],
        [() => net.runAll({ b }), ShapeError, /Net.runAll\(inputs\["a"\]\): graph input "a" \[1, 2, 5, 6\] has no tensor/],
        [() => net.runAll({ a, b: random(r, [1, 3, 30]) }), ShapeError, /Net.runAll\(inputs\["b"\]\): graph input "b" is declared \[1, 3, 5, 6\], so it takes rank 4 with 3 channels; got \[1, 3, 30\]/],
        [() => net.runAll({ a, b: random(r, [1, 2, 5, 6]) }), ShapeError, /Net.runAll\(inputs\["b"\]\): .*rank 4 with 3 channels; got \[1, 2, 5, 6\]/],
        [() => net.runAll({ a, b: { data: new Float64Array(90), shape: [1, 3, 5, 6] } as never }), ShapeError, /Net.runAll\(inputs\["b"\]\).data: expected a Float32Array/],
        [() => net.runAll({ a, b, c: b }), AttributeError, /Net.runAll\(inputs\): "c" names no graph input; the graph inputs are "a" \[1, 2, 5, 6\], "b" \[1, 3, 5, 6\]/],
        [() => net.runAll(new Map([["a", a]]) as never), AttributeError, /Net.runAll\(inputs\): expected a record of tensors by graph input name/],
        // spatial sizes the layers cannot join: the layer is named
        [() => net.runAll({ a, b: random(r, [1, 3, 5, 7]) }), ShapeError, /layer "sum" \(Add\)/],
      ];
      for (const [call, Kind, message] of cases) {
        expect(call).toThrow(Kind);
        expect(call).toThrow(message);
      }
      // the net still runs afterwards
      expect(net.runAll({ a, b }).out.shape).toEqual([1, 4, 5, 4]);
    });

    it(`backward names the output at fault (${resident ? "resident" : "op by op"})`, () => {
      const r = rng(9);
      const net = Net.fromGraph(twoByTwo(), undefined, { resident });
      net.training = true;
      const y = net.runAll({ a: random(r, [1, 2, 5, 6]), b: random(r, [1, 3, 5, 6]) });
      expect(() => net.backward({ cat: y.out })).toThrow(AttributeError);
      expect(() => net.backward({ cat: y.out })).toThrow(/Net.backward\(grads\): "cat" names no graph output; the outputs are "out", "r"/);
      expect(() => net.backward({ out: y.out, r: y.out })).toThrow(ShapeError);
      expect(() => net.backward({ out: y.out, r: y.out })).toThrow(/Net.backward\(grads\["r"\]\): expected output "r"'s shape \[1, 3, 5, 6\], got \[1, 4, 5, 4\]/);
      expect(() => net.backward(y.r)).toThrow(/Net.backward\(dOut\): expected the output's shape \[1, 4, 5, 4\], got \[1, 3, 5, 6\]/);
      expect(net.backward({ r: y.r }).size).toBe(2);
    });
  }
});

// A/B for the direct depthwise kernel: two fcn-wasm builds in one process (this worktree's dist/
// against another dist/, e.g. a copy made before a kernel change) and tfjs-wasm, on the
// depthwise Conv shapes of shapes.ts plus dilated and odd-sized extras. Each is checked against the
// float64 reference first (and the two builds against each other), then timed in interleaved
// rounds (order rotated), one thread, relaxed build; medians of per-round mean call times.
//   npx tsx bench/depthwise-ab.ts <old dist dir> [rounds] [filter]
// "xres": the op on an input already in wasm memory (no copy in; tfjs's timed call copies its
// input in, as the bench's does since 2026-12-07); "kern": f32_conv_depthwise__simd alone on operands in
// wasm memory (no output array either). DEPTHWISE_AB_NOCHECK=1 skips the checks (cost-split
// experiments on a deliberately partial kernel).
import "./v8-flags.js";
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import * as fcnNew from "../dist/index.js";
import { checkAgainstOutput, checkAgainstReference, makeData, reference } from "./check.js";
import { type ConvShape, type LayerShape, SHAPES, layerWindow, macs, tensorShapes } from "./shapes.js";
import { tfjsWasm } from "./implementations/tfjs-wasm.js";
import type { Prepared } from "./implementations/types.js";

const oldDir = resolve(process.argv[2] ?? "/tmp/dw2-old/dist");
const ROUNDS = Number(process.argv[3] ?? 7);
const FILTER = process.argv[4] ?? "";
const fcnOld = (await import(oldDir + "/index.js")) as typeof fcnNew;
const rtNew = await import("../dist/runtime/runtime.js"), rtOld = (await import(oldDir + "/runtime/runtime.js")) as typeof rtNew;
const paramsNew = await import("../dist/ops/params.js"), paramsOld = (await import(oldDir + "/ops/params.js")) as typeof paramsNew;

function extra(C: number, H: number, W: number, k: number, s: number, p: number, d: number, name: string): ConvShape {
  return {
    kind: "conv", group: "conv", name, N: 1, C, M: C, H, W, kH: k, kW: k, strides: [s, s], pads: [p, p, p, p],
    dilations: [d, d], groups: C, bias: true,
  } as ConvShape;
}
const shapes: LayerShape[] = [
  ...(SHAPES.filter((s) => s.kind === "conv" && s.name.includes("depthwise")) as LayerShape[]),
  extra(96, 56, 56, 3, 1, 2, 2, "conv k3 s1 p2 d2 96 56x56 dilated"),
  extra(64, 57, 57, 3, 2, 1, 1, "conv k3 s2 p1 64 57x57 odd"),
  extra(256, 14, 14, 3, 2, 1, 1, "conv k3 s2 p1 256 14x14"),
  extra(64, 56, 56, 3, 2, 0, 1, "conv k3 s2 p0 64 56x56"),
].filter((s) => s.name.includes(FILTER));

type Lib = typeof fcnNew;
function fcnPrepared(lib: Lib, shape: LayerShape, data: ReturnType<typeof makeData>, residentX: boolean): Prepared {
  const { dims } = data;
  const x = residentX ? lib.resident(lib.tensor(data.x, dims.x)) : lib.tensor(data.x, dims.x);
  const w = lib.resident(lib.tensor(data.w, dims.w));
  const b = data.b ? lib.resident(lib.tensor(data.b, dims.b!)) : null;
  const win = layerWindow(shape);
  const attrs = { kernelShape: win.kernel, strides: win.strides, pads: win.pads, dilations: win.dilations, group: shape.groups };
  const run = () => lib.conv(x, w, b, attrs, { algorithm: "depthwise" }).data;
  return { async: false, run, output: async () => run(), dispose: () => { if ("dispose" in x) (x as { dispose(): void }).dispose(); w.dispose(); b?.dispose(); } };
}

/** The kernel alone: f32_conv_depthwise__simd on operands already in wasm memory (one call, all channels). */
function kernelPrepared(lib: Lib, rtm: typeof rtNew, pm: typeof paramsNew, shape: LayerShape, data: ReturnType<typeof makeData>): Prepared {
  const r = rtm.runtime();
  const { dims } = data;
  const [, C, H, W] = dims.x, [, , OH, OW] = dims.y;
  const [KH, KW] = [shape.kH, shape.kW], [SH, SW] = shape.strides, [DH, DW] = shape.dilations, [PT, PL] = shape.pads;
  const mark = r.arena.mark();
  const x = r.arena.put(data.x, "x"), w = r.arena.put(data.w, "w"), bias = data.b ? r.arena.put(data.b, "b") : 0;
  const n = dims.y.reduce((a, b) => a * b, 1);
  const y = r.arena.alloc(n * 4, "y"), work = r.arena.alloc(r.kernels.f32_conv_depthwise_workspace_bytes(OH, OW, KH, KW, SH, SW, DH, DW), "work");
  r.arena.commit();
  const run = () => r.kernels.f32_conv_depthwise__simd(pm.writeBlock(r.params, pm.DEPTHWISE_PARAMS, { C, mult: 1, H, W, OH, OW, KH, KW, SH, SW, PT, PL, DH, DW, x, w, bias, y, work }));
  return { async: false, run, output: async () => { run(); return r.arena.f32(y, n).slice(); }, dispose: () => r.arena.release(mark) };
}

await fcnOld.ready({ simd: "relaxed" });
await fcnNew.ready({ simd: "relaxed" });
const tf = tfjsWasm();
await tf.init();

const median = (a: number[]) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };
console.log(`old: ${oldDir}; rounds ${ROUNDS}; ms per call (median of round means), GFLOP/s, new/old speed-up, new vs tfjs`);
console.log(["shape", "old", "new", "old xres", "new xres", "old kern", "new kern", "tfjs", "GF old", "GF new", "GF tfjs", "new/old", "xres new/old", "kern new/old", "new/tfjs", "new xres/tfjs"].join("\t"));
for (const shape of shapes) {
  const data = makeData(shape);
  const total = macs(shape);
  const ref = reference(shape, data, total);
  const outLen = tensorShapes(shape).y.reduce((a, b) => a * b, 1);
  const impls: [string, Prepared][] = [
    ["old", fcnPrepared(fcnOld, shape, data, false)],
    ["new", fcnPrepared(fcnNew, shape, data, false)],
    ["old xres", fcnPrepared(fcnOld, shape, data, true)],
    ["new xres", fcnPrepared(fcnNew, shape, data, true)],
    ["old kern", kernelPrepared(fcnOld, rtOld, paramsOld, shape, data)],
    ["new kern", kernelPrepared(fcnNew, rtNew, paramsNew, shape, data)],
  ];
  const t = await tf.prepare(shape, data);
  if (!("na" in t)) impls.push(["tfjs", t]);
  const newOut = await impls[1][1].output();
  // DEPTHWISE_AB_NOCHECK=1: time a deliberately partial kernel (a cost-split experiment)
  for (const [name, p] of process.env.DEPTHWISE_AB_NOCHECK ? [] : impls) {
    const got = await p.output();
    checkAgainstReference(got, ref, outLen, `${name} ${shape.name}`);
    if (name !== "new") checkAgainstOutput(got, newOut, `${name} vs new ${shape.name}`);
  }
  // calls per sample: ≈ 8 ms of the first
  const t0 = performance.now();
  impls[0][1].run();
  const reps = Math.max(1, Math.round(8 / Math.max(0.01, performance.now() - t0)));
  const samples = new Map<string, number[]>(impls.map(([n]) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < impls.length; i++) {
      const [name, p] = impls[(i + r) % impls.length];
      p.run();
      const s = performance.now();
      for (let k = 0; k < reps; k++) p.run();
      samples.get(name)!.push((performance.now() - s) / reps);
    }
  }
  const ms = (n: string) => samples.has(n) ? median(samples.get(n)!) : NaN;
  const gf = (n: string) => (2 * total / ms(n) / 1e6).toFixed(2);
  console.log([shape.name, ...["old", "new", "old xres", "new xres", "old kern", "new kern", "tfjs"].map((n) => ms(n).toFixed(3)), gf("old"), gf("new"), gf("tfjs"),
    (ms("old") / ms("new")).toFixed(2), (ms("old xres") / ms("new xres")).toFixed(2), (ms("old kern") / ms("new kern")).toFixed(2), (ms("tfjs") / ms("new")).toFixed(2), (ms("tfjs") / ms("new xres")).toFixed(2)].join("\t"));
  for (const [, p] of [...impls].reverse()) p.dispose();
}

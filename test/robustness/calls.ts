// The public calls the robustness suite makes, and how each result is checked against the
// independent references in test/ref/ (forward ops directly; backward ops through the identities
// that define them: ⟨f(x), dy⟩ = ⟨x, dx⟩ for a linear f, and likewise for the weights).
// A call is { op, args }; `run` makes it on the package, `expectReference` checks its result.
import { expect } from "vitest";
import { expectClose, fcn } from "../lib.js";
import { convRef, convTransposeGeometry, convTransposeRef } from "../ref/conv.js";
import { addRef, cropRef, reluRef } from "../ref/eltwise.js";
import { gemmRef, matmulRef } from "../ref/matrix.js";
import { col2imRef, im2colRef, maxPoolRef } from "../ref/window-ops.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** Every public entry point the suite covers (src/index.ts), named as its messages name it. */
export const OPS = [
  "tensor", "resident", "conv", "convTranspose", "convTransposePlan", "maxPool", "gemm", "matmul", "im2col", "col2im",
  "relu", "add", "crop", "convBackward", "convTransposeBackward", "maxPoolBackward", "reluBackward", "addBackward",
  "cropBackward", "Net",
] as const;
export type Op = (typeof OPS)[number];

export interface Call { op: Op; args: unknown[] }

/**
 * Makes the call. `Net` is Net.fromGraph(spec, weights, options).run(x) with args
 * [spec, weights, options, x]; `resident` copies its result out and disposes it.
 */
export function run({ op, args }: Call): unknown {
  const F = fcn as Any;
  if (op === "Net") {
    const [spec, weights, options, x] = args;
    return F.Net.fromGraph(spec, weights, options).run(x);
  }
  if (op === "resident") {
    const r = F.resident(args[0]);
    const copy = fcn.tensor(r.data, r.shape.slice());
    r.dispose();
    return copy;
  }
  return F[op](...args);
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const absDot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]); return s; };

/** ⟨a, b⟩ ≈ want, to float32 rounding of the |terms|. */
function expectInner(a: ArrayLike<number>, b: ArrayLike<number>, want: number, scale: number, what: string): void {
  const got = dot(a, b);
  if (Math.abs(got - want) > 1e-4 * (scale + 1)) throw new Error(`${what}: ⟨·,·⟩ is ${got}, the reference gives ${want}`);
}

function expectShape(t: Any, shape: readonly number[], what: string): void {
  expect(Array.from(t.shape), what).toEqual(Array.from(shape));
  expect(t.data.length, what).toBe(sizeOf(shape));
}

/** A deterministic float array of `n` values (not 0, distinct) for the identities' probe vectors. */
function probe(n: number, salt: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin(1 + i * 0.917 + salt * 0.31) + 0.01 * i);
}

/** The references of the backward ops: the identities that define each gradient. */
function expectBackward(op: Op, args: Any[], got: Any): void {
  if (op === "convBackward" || op === "convTransposeBackward") {
    const [dy, x, w, attrs] = args;
    const ref = op === "convBackward" ? convRef : convTransposeRef;
    const y = ref(x.data, x.shape, w.data, w.shape, null, attrs ?? {});
    expectShape(got.dx, x.shape, `${op} dx`);
    expectShape(got.dw, w.shape, `${op} dw`);
    // f is linear in x and in w: ⟨f(x, w), dy⟩ = ⟨x, dx⟩ = ⟨w, dw⟩
    const want = dot(y.data, dy.data), scale = absDot(y.data, dy.data);
    expectInner(x.data, got.dx.data, want, scale + absDot(x.data, got.dx.data), `${op} dx`);
    expectInner(w.data, got.dw.data, want, scale + absDot(w.data, got.dw.data), `${op} dw`);
    const [N, M] = y.shape, plane = sizeOf(y.shape.slice(2));
    const db = new Float64Array(M);
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) for (let i = 0; i < plane; i++) db[m] += dy.data[(n * M + m) * plane + i];
    expectClose(got.db, { data: db, shape: [M] }, `${op} db`, 1e-4, 1e-4);
  } else if (op === "maxPoolBackward") {
    // each window's dy goes to a tap holding its maximum: ⟨x, dx⟩ = ⟨maxPool(x), dy⟩
    const [dy, x, attrs] = args;
    const y = maxPoolRef(x, attrs);
    expectShape(got, x.shape, op);
    expectInner(x.data, got.data, dot(y.data, dy.data), absDot(y.data, dy.data), op);
  } else if (op === "reluBackward") {
    const [dy, x] = args;
    const want = Float32Array.from(x.data as Float32Array, (v, i) => (v > 0 ? dy.data[i] : 0));
    expectClose(got, { data: want, shape: x.shape }, op, 0, 0);
  } else if (op === "addBackward") {
    // ⟨a, da⟩ + ⟨b, db⟩ = ⟨a + b (broadcast), dy⟩ for any a, b of the given shapes
    const [dy, aShape, bShape] = args;
    const a = { data: probe(sizeOf(aShape), 1), shape: aShape }, b = { data: probe(sizeOf(bShape), 2), shape: bShape };
    expectShape(got.da, aShape, "addBackward da");
    expectShape(got.db, bShape, "addBackward db");
    const sum = addRef(a, b);
    expectInner(a.data, got.da.data, dot(sum.data, dy.data) - dot(b.data, got.db.data), absDot(sum.data, dy.data) + absDot(b.data, got.db.data), op);
  } else if (op === "cropBackward") {
    // crop is linear: ⟨x, dx⟩ = ⟨crop(x), dy⟩ for any x of xShape
    const [dy, xShape, attrs] = args;
    const x = { data: probe(sizeOf(xShape), 3), shape: xShape };
    const rank = xShape.length - 2;
    const per = (v: Any) => (typeof v === "number" ? new Array(rank).fill(v) : v);
    const y = cropRef(x, per(attrs.offsets), per(attrs.shape));
    expectShape(got, xShape, op);
    expectInner(x.data, got.data, dot(y.data, dy.data), absDot(y.data, dy.data), op);
  }
}

/** Throws unless `got`, the result of `call`, is what the references give for it. */
export function expectReference(call: Call, got: Any): void {
  const { op } = call;
  const a = call.args as Any[];
  const ctx = `${op} ${JSON.stringify(a.map((v) => (v?.shape !== undefined ? v.shape : v)))}`;
  switch (op) {
    case "tensor": return expectClose(got, { data: Float32Array.from(a[0]), shape: a[1] }, ctx, 0, 0);
    case "resident":
    case "relu": return expectClose(got, op === "relu" ? reluRef(a[0]) : a[0], ctx, 0, 0);
    case "conv": return expectClose(got, convRef(a[0].data, a[0].shape, a[1].data, a[1].shape, a[2]?.data ?? null, a[3] ?? {}), ctx, 1e-4, 1e-4);
    case "convTranspose": return expectClose(got, convTransposeRef(a[0].data, a[0].shape, a[1].data, a[1].shape, a[2]?.data ?? null, a[3] ?? {}), ctx, 1e-4, 1e-4);
    case "convTransposePlan": {
      const g = convTransposeGeometry(a[0], a[1], a[2] ?? {});
      expect(got.outShape, ctx).toEqual([g.N, g.M, ...g.output]);
      expect(["subpixel", "gemm-col2im", "depthwise"], ctx).toContain(got.algorithm);
      expect(Number.isSafeInteger(got.workspaceBytes) && got.workspaceBytes >= 0, ctx).toBe(true);
      return;
    }
    case "maxPool": return expectClose(got, maxPoolRef(a[0], a[1]), ctx, 0, 0);
    case "gemm": return expectClose(got, gemmRef(a[0], a[1], a[2] ?? null, a[3] ?? {}), ctx, 1e-4, 1e-4);
    case "matmul": return expectClose(got, matmulRef(a[0], a[1]), ctx, 1e-4, 1e-4);
    case "im2col": return expectClose(got, im2colRef(a[0], a[1]), ctx, 0, 0);
    case "col2im": return expectClose(got, col2imRef(a[0], a[1]), ctx, 1e-5, 1e-5);
    case "add": return expectClose(got, addRef(a[0], a[1]), ctx, 0, 0);
    case "crop": {
      const rank = a[0].shape.length - 2;
      const per = (v: Any) => (typeof v === "number" ? new Array(rank).fill(v) : v);
      return expectClose(got, cropRef(a[0], per(a[1].offsets), per(a[1].shape)), ctx, 0, 0);
    }
    case "Net": {
      // the suite's graph: Conv "c" then Relu; weights c.weight and c.bias given
      const [spec, weights, , x] = a;
      const attrs = spec.layers[0].attrs;
      const y = convRef(x.data, x.shape, weights["c.weight"].data, weights["c.weight"].shape, weights["c.bias"].data, { pads: attrs.pads });
      return expectClose(got, reluRef({ data: Float32Array.from(y.data), shape: y.shape }), ctx, 1e-4, 1e-4);
    }
    default: return expectBackward(op, a, got);
  }
}

/** A deep copy of what a call was given, to prove afterwards that nothing was changed. */
export interface Snapshot { value: unknown; items?: (Snapshot | "hole")[]; keys?: [string, Snapshot][]; values?: number[] }

/** Copies arrays (holes kept), plain objects and typed arrays' values; anything else by identity. */
export function snapshot(value: unknown, depth = 0): Snapshot {
  if (ArrayBuffer.isView(value)) return { value, values: value instanceof DataView ? [] : Array.from(value as unknown as ArrayLike<number>) };
  if (Array.isArray(value)) return { value, items: Array.from({ length: value.length }, (_, i) => (i in value ? snapshot(value[i], depth + 1) : "hole")) };
  const proto = value !== null && typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  if (depth < 5 && (proto === Object.prototype || proto === null)) {
    return { value, keys: Object.keys(value as object).map((k) => [k, snapshot((value as Any)[k], depth + 1)]) };
  }
  return { value };
}

/** Throws unless `value` is still what `snap` recorded (same objects, same entries, same numbers bit for bit). */
export function expectUnchanged(value: unknown, snap: Snapshot, where = "args"): void {
  expect(Object.is(value, snap.value), `${where} was replaced`).toBe(true);
  if (snap.values !== undefined) {
    const now = Array.from(value as ArrayLike<number>);
    expect(now.length, `${where}: length changed`).toBe(snap.values.length);
    now.forEach((v, i) => { if (!Object.is(v, snap.values![i])) throw new Error(`${where}[${i}] changed from ${snap.values![i]} to ${v}`); });
  }
  if (snap.items !== undefined) {
    const list = value as unknown[];
    expect(list.length, `${where}: length changed`).toBe(snap.items.length);
    snap.items.forEach((s, i) => {
      if (s === "hole") expect(i in list, `${where}[${i}] was a hole`).toBe(false);
      else expectUnchanged(list[i], s, `${where}[${i}]`);
    });
  }
  if (snap.keys !== undefined) {
    expect(Object.keys(value as object), `${where}: keys changed`).toEqual(snap.keys.map(([k]) => k));
    for (const [k, s] of snap.keys) expectUnchanged((value as Any)[k], s, `${where}.${k}`);
  }
}

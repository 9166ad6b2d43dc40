// The async forms of the heavy ops (README "Threads: async forms"): a page's main thread must not block on a long op.
// With a worker pool (threads > 1) an async op plans its memory exactly as the synchronous op
// (inputs copied in, workspace and output reserved) and records all of its kernel calls instead
// of running them: the same calls in the same order, in stages — each split the sync op would
// hand to the pool (its pieces), and the calls between splits (one piece). Then it runs the stages
// in order on the pool's workers, awaiting each with Atomics.waitAsync (polling where missing):
// the calling thread stays free, the workers split the work as for the sync op (the calling
// thread runs no piece), and the result is bit-identical. The result's data is copied out when
// the last stage is done. Async calls run one at a time, in order; synchronous ops called
// meanwhile run on the calling thread alone (the workers are busy). Without a pool they give the
// event loop a turn and run the synchronous op (so they block for its duration, as one thread must).
// Either way the op runs after the call has returned, so each form copies its operands and
// attributes in the call (snapshot.ts): the caller may reuse its arrays at once.
import type { Tensor } from "../tensor.js";
import type { ConvAttrs, ConvTransposeAttrs, GemmAttrs } from "../attrs.js";
import { conv } from "./conv.js";
import { convTranspose, type ConvTransposeOptions } from "./conv-transpose.js";
import { gemm } from "./gemm.js";
import { matmul } from "./matmul.js";
import { snapshotAttrs, snapshotTensor } from "./snapshot.js";
import { NotReadyError } from "../errors.js";
import { runtime, withRuntime } from "../runtime/runtime.js";
import type { Arena } from "../runtime/arena.js";
import { Recording, replay } from "../runtime/record.js";
import type { Pool } from "../runtime/pool.js";

/**
 * Runs the synchronous op `op` as one program on a pool worker (see the top of this file), or on
 * this thread after a turn of the event loop when there is no pool.
 */
export async function onPool<T>(op: () => T): Promise<T> {
  await yieldToHost();
  const rt = runtime();
  const pool = rt.pool;
  if (pool === null) return op();
  return pool.exclusive(async () => {
    if (runtime() !== rt) throw new NotReadyError("an async op: ready() or dispose() was called before it ran; call it again");
    const arena = rt.arena;
    const start = arena.mark();
    // The op's arena, with its results read later and its release deferred to the end.
    const fills: { ptr: number; out: Float32Array }[] = [];
    const deferred = new Proxy(arena, {
      get(target, prop) {
        if (prop === "take") {
          return (ptr: number, length: number, into?: Float32Array) => {
            const out = into ?? new Float32Array(length);
            fills.push({ ptr, out });
            return out;
          };
        }
        if (prop === "release") return () => {};
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Arena;
    try {
      // The op's kernel calls, recorded in stages: runs of calls made on the op's own thread
      // (one piece each) and the splits it hands to the pool (runTasks records their pieces and
      // table at once; the stand-in pool keeps them as a stage instead of running them).
      const stages: { table: number; count: number }[] = [];
      const serial: number[][] = [];
      const cut = () => {
        if (rec.calls.length === 0) return;
        serial.push(rec.calls.splice(0));
        stages.push({ table: -serial.length, count: 1 }); // its table is written below
      };
      const standIn = {
        threads: pool.threads,
        busy: false,
        run: (table: number, count: number) => {
          cut();
          stages.push({ table, count });
        },
      } as unknown as Pool;
      const rec: Recording = new Recording({ ...rt, arena: deferred }, standIn);
      const result = withRuntime(rec.rt, op);
      cut();
      const programs = serial.map((calls) => ({
        calls,
        ptr: arena.alloc(calls.length * 8, "async op program"),
        table: arena.alloc(16, "async op piece table"),
      }));
      arena.commit();
      rec.writeBlocks();
      for (const p of programs) {
        new Float64Array(rt.memory.buffer, p.ptr, p.calls.length).set(p.calls);
        new Float64Array(rt.memory.buffer, p.table, 2).set([p.ptr, p.calls.length]);
      }
      for (const stage of stages) {
        const table = stage.table < 0 ? programs[-stage.table - 1].table : stage.table;
        if (await pool.runAsync(table, stage.count)) continue;
        // No worker is up: run the stage's pieces here.
        const t = new Float64Array(rt.memory.buffer, table, 2 * stage.count).slice();
        for (let i = 0; i < stage.count; i++) replay(rt, t[2 * i], t[2 * i + 1]);
      }
      for (const { ptr, out } of fills) out.set(arena.f32(ptr, out.length));
      return result;
    } finally {
      arena.release(start);
    }
  });
}

/**
 * Resolves after the host's event loop has had a turn (pending input, timers and rendering in a
 * page): a MessageChannel message in browsers (not clamped like nested setTimeout), setImmediate
 * in Node.
 */
export function yieldToHost(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === "function") return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof g.MessageChannel === "function") {
    return new Promise((resolve) => {
      const { port1, port2 } = new g.MessageChannel!();
      port1.onmessage = () => {
        port1.close();
        port2.close();
        resolve();
      };
      port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** conv() on a pool worker (see the top of this file); x, w, b and attrs are copied in the call. */
export async function convAsync(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvAttrs): Promise<Tensor> {
  const [xs, ws, bs, at] = [snapshotTensor(x), snapshotTensor(w), snapshotTensor(b), snapshotAttrs(attrs)];
  return onPool(() => conv(xs, ws, bs, at));
}

/** convTranspose() on a pool worker (see the top of this file); its arguments are copied in the call. */
export async function convTransposeAsync(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs, options?: ConvTransposeOptions): Promise<Tensor> {
  const [xs, ws, bs, at, os] = [snapshotTensor(x), snapshotTensor(w), snapshotTensor(b), snapshotAttrs(attrs), snapshotAttrs(options)];
  return onPool(() => convTranspose(xs, ws, bs, at, os));
}

/** gemm() on a pool worker (see the top of this file); its arguments are copied in the call. */
export async function gemmAsync(a: Tensor, b: Tensor, c?: Tensor | null, attrs?: GemmAttrs): Promise<Tensor> {
  const [as, bs, cs, at] = [snapshotTensor(a), snapshotTensor(b), snapshotTensor(c), snapshotAttrs(attrs)];
  return onPool(() => gemm(as, bs, cs, at));
}

/** matmul() on a pool worker (see the top of this file); a and b are copied in the call. */
export async function matmulAsync(a: Tensor, b: Tensor): Promise<Tensor> {
  const [as, bs] = [snapshotTensor(a), snapshotTensor(b)];
  return onPool(() => matmul(as, bs));
}

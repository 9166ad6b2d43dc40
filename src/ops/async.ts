// The async forms of the heavy ops (issue 4): a page's main thread must not block on a long op.
// With a worker pool (threads > 1) an async op records all of its kernel calls as one program
// (its inputs copied in, its workspace and output reserved, exactly as the synchronous op plans
// them: the same calls in the same order, so the result is bit-identical), hands the program to
// one pool worker and awaits it with Atomics.waitAsync (polling where that is missing): the
// calling thread stays free while the op runs, the result's data is copied out when the worker is
// done. Async calls run one at a time, in order; synchronous ops called meanwhile run on the
// calling thread alone (the workers are busy). Without a pool they give the event loop a turn and
// run the synchronous op (so they block for its duration, as on one thread they must).
import type { Tensor } from "../tensor.js";
import type { ConvAttrs, ConvTransposeAttrs, GemmAttrs } from "../attrs.js";
import { conv } from "./conv.js";
import { convTranspose, type ConvTransposeOptions } from "./conv-transpose.js";
import { gemm } from "./gemm.js";
import { matmul } from "./matmul.js";
import { NotReadyError } from "../errors.js";
import { runtime, withRuntime } from "../runtime/runtime.js";
import type { Arena } from "../runtime/arena.js";
import { Recording, replay } from "../runtime/record.js";

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
          return (ptr: number, length: number) => {
            const out = new Float32Array(length);
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
      const rec = new Recording({ ...rt, arena: deferred });
      const result = withRuntime(rec.rt, op);
      const words = rec.calls.length;
      const program = arena.alloc(words * 8, "async op program");
      const table = arena.alloc(16, "async op piece table");
      arena.commit();
      rec.writeBlocks();
      new Float64Array(rt.memory.buffer, program, words).set(rec.calls);
      new Float64Array(rt.memory.buffer, table, 2).set([program, words]);
      if (!(await pool.runAsync(table, 1))) replay(rt, program, words); // no worker up: run it here
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

/** conv() on a pool worker, the calling thread free meanwhile (see the top of this file). */
export async function convAsync(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvAttrs): Promise<Tensor> {
  return onPool(() => conv(x, w, b, attrs));
}

/** convTranspose() on a pool worker (see the top of this file). */
export async function convTransposeAsync(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs, options?: ConvTransposeOptions): Promise<Tensor> {
  return onPool(() => convTranspose(x, w, b, attrs, options));
}

/** gemm() on a pool worker (see the top of this file). */
export async function gemmAsync(a: Tensor, b: Tensor, c?: Tensor | null, attrs?: GemmAttrs): Promise<Tensor> {
  return onPool(() => gemm(a, b, c, attrs));
}

/** matmul() on a pool worker (see the top of this file). */
export async function matmulAsync(a: Tensor, b: Tensor): Promise<Tensor> {
  return onPool(() => matmul(a, b));
}

// The async forms of the heavy ops (issue 4). A browser page's main thread must stay responsive:
// these give the host's event loop a turn before the op starts, then run it on the pool like the
// synchronous op (bit-identical results) and resolve with its result. What they do not do yet is
// run the op itself off the calling thread: while the op runs (on the pool, the calling thread
// working too) that thread is busy, as with the synchronous op. Net.runAsync yields between layers,
// so a whole network keeps a page responsive at the granularity of one layer.
import type { Tensor } from "../tensor.js";
import type { ConvAttrs, ConvTransposeAttrs, GemmAttrs } from "../attrs.js";
import { conv } from "./conv.js";
import { convTranspose, type ConvTransposeOptions } from "./conv-transpose.js";
import { gemm } from "./gemm.js";
import { matmul } from "./matmul.js";

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

/** conv(), after giving the event loop a turn: see the comment at the top of this file. */
export async function convAsync(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvAttrs): Promise<Tensor> {
  await yieldToHost();
  return conv(x, w, b, attrs);
}

/** convTranspose(), after giving the event loop a turn. */
export async function convTransposeAsync(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs, options?: ConvTransposeOptions): Promise<Tensor> {
  await yieldToHost();
  return convTranspose(x, w, b, attrs, options);
}

/** gemm(), after giving the event loop a turn. */
export async function gemmAsync(a: Tensor, b: Tensor, c?: Tensor | null, attrs?: GemmAttrs): Promise<Tensor> {
  await yieldToHost();
  return gemm(a, b, c, attrs);
}

/** matmul(), after giving the event loop a turn. */
export async function matmulAsync(a: Tensor, b: Tensor): Promise<Tensor> {
  await yieldToHost();
  return matmul(a, b);
}

// The pool's worker in a browser (a module Web Worker; pool.ts starts it with a bundler-visible
// `new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module' })`). The same loop as
// worker.ts (Node), serve.ts: it gets the shared memory, the compiled module and its control slot in one
// message, instantiates the module on that memory and runs each program it is given. A program
// that throws is reported (STATUS_THREW; the message goes to this worker's console, since the
// waiting thread cannot receive messages) and the worker goes on.
import { KERNEL_NAMES } from "./kernels.js";
import { runProgram, serve } from "./serve.js";

interface Start { memory: WebAssembly.Memory; module: WebAssembly.Module; slot: number }
interface WorkerScope { onmessage: ((e: { data: Start }) => void) | null; close(): void }
const scope = globalThis as unknown as WorkerScope;

/** Thrown to leave the loop as a worker that exits (a Web Worker cannot end itself mid-call). */
class Exit extends Error {}

scope.onmessage = (e) => {
  scope.onmessage = null;
  void start(e.data);
};

async function start({ memory, module, slot }: Start): Promise<void> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = KERNEL_NAMES.map((name) => instance.exports[name] as (...args: number[]) => unknown);
  const exit = (): never => { throw new Exit(); };
  serve(memory, slot, (ptr, words) => runProgram(memory, ptr, words, kernels, exit, `worker ${slot}`), (err) => {
    if (err instanceof Exit) return false; // serve marks the slot exited
    console.error("fcn-wasm pool worker:", err);
    return true;
  });
  scope.close();
}

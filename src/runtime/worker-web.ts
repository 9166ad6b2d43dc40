// The pool's worker in a browser (a module Web Worker; pool.ts starts it with a bundler-visible
// `new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module' })`). The same loop as
// worker.ts (Node): it gets the shared memory, the compiled module and its control slot in one
// message, instantiates the module on that memory and runs each program it is given. A program
// that throws is reported (STATUS_THREW; the message goes to this worker's console, since the
// waiting thread cannot receive messages) and the worker goes on.
import { KERNEL_NAMES } from "./kernels.js";
import {
  CLAIM, DEAD, DONE, FAULT_EXIT, FAULT_HANG, FAULT_THROW, GO, PROGRAM, READY, STATUS, STATUS_EXITED, STATUS_OK, STATUS_THREW,
  WORDS, slotIndex,
} from "./control.js";

interface Start { memory: WebAssembly.Memory; module: WebAssembly.Module; slot: number }
interface WorkerScope { onmessage: ((e: { data: Start }) => void) | null; close(): void }
const scope = globalThis as unknown as WorkerScope;

class Exit extends Error {}

scope.onmessage = (e) => {
  scope.onmessage = null;
  void serve(e.data);
};

async function serve({ memory, module, slot }: Start): Promise<void> {
  // The first page never moves and a shared buffer never detaches: one view serves for good.
  const ctl = new Int32Array(memory.buffer, 0, 16384);
  const at = (word: number) => slotIndex(slot, word);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = KERNEL_NAMES.map((name) => instance.exports[name] as (...args: number[]) => unknown);

  const run = (ptr: number, words: number): void => {
    const p = new Float64Array(memory.buffer, ptr, words);
    const args: number[] = [];
    for (let i = 0; i < words;) {
      const fn = p[i], argc = p[i + 1];
      args.length = argc;
      for (let j = 0; j < argc; j++) args[j] = p[i + 2 + j];
      i += 2 + argc;
      if (fn >= 0) kernels[fn](...args);
      else if (fn === FAULT_THROW) throw new Error(`fault injected in worker ${slot}`);
      else if (fn === FAULT_EXIT) throw new Exit();
      else if (fn === FAULT_HANG) for (;;);
    }
  };

  Atomics.store(ctl, at(READY), 1);
  Atomics.notify(ctl, at(READY));
  let seq = 0;
  for (;;) {
    Atomics.wait(ctl, at(GO), seq);
    const go = Atomics.load(ctl, at(GO));
    if (go < 0) break;
    if (go === seq) continue;
    seq = go;
    let status = STATUS_OK;
    try {
      const table = Atomics.load(ctl, at(PROGRAM)) >>> 0, count = Atomics.load(ctl, at(WORDS));
      const t = new Float64Array(memory.buffer, table, 2 * count);
      for (;;) {
        const i = Atomics.add(ctl, CLAIM, 1);
        if (i >= count) break;
        run(t[2 * i], t[2 * i + 1]);
      }
    } catch (err) {
      if (err instanceof Exit) {
        // Says so in its slot first, so the waiting thread never waits for it in vain.
        Atomics.store(ctl, at(DEAD), 1);
        Atomics.store(ctl, at(STATUS), STATUS_EXITED);
        Atomics.store(ctl, at(DONE), seq);
        Atomics.notify(ctl, at(DONE));
        scope.close();
        return;
      }
      status = STATUS_THREW;
      console.error("fcn-wasm pool worker:", err);
    }
    Atomics.store(ctl, at(STATUS), status);
    Atomics.store(ctl, at(DONE), seq);
    Atomics.notify(ctl, at(DONE));
  }
  scope.close();
}

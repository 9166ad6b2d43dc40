// The pool's worker (Node worker_threads): instantiates the same kernel module on the shared
// memory, then waits on its control slot (control.ts) and runs each program it is given. It
// never allocates in wasm memory; the main thread planned every byte. A program that throws is
// reported (STATUS_THREW, the message on `port`) and the worker goes on; a worker that exits
// says so in its slot first, so the main thread never waits for it in vain.
import { type MessagePort, workerData } from "node:worker_threads";
import { KERNEL_NAMES } from "./kernels.js";
import {
  CLAIM, DEAD, DONE, FAULT_EXIT, FAULT_HANG, FAULT_THROW, GO, PROGRAM, READY, STATUS, STATUS_EXITED, STATUS_OK, STATUS_THREW,
  WORDS, slotIndex,
} from "./control.js";

interface WorkerData { memory: WebAssembly.Memory; module: WebAssembly.Module; slot: number; port: MessagePort }
const { memory, module, slot, port } = workerData as WorkerData;
// The first page never moves and a shared buffer never detaches: one view serves for good.
const ctl = new Int32Array(memory.buffer, 0, 16384);
const at = (word: number) => slotIndex(slot, word);

process.on("exit", () => {
  Atomics.store(ctl, at(DEAD), 1);
  Atomics.store(ctl, at(STATUS), STATUS_EXITED);
  Atomics.store(ctl, at(DONE), Atomics.load(ctl, at(GO)));
  Atomics.notify(ctl, at(DONE));
});

const instance = await WebAssembly.instantiate(module, { env: { memory } });
const kernels = KERNEL_NAMES.map((name) => instance.exports[name] as (...args: number[]) => unknown);

/** Runs the program at byte offset `ptr` ([kernel, argc, args…]…, float64 words). */
function run(ptr: number, words: number): void {
  // A fresh view: the memory may have grown since the last program.
  const p = new Float64Array(memory.buffer, ptr, words);
  const args: number[] = [];
  for (let i = 0; i < words;) {
    const fn = p[i], argc = p[i + 1];
    args.length = argc;
    for (let j = 0; j < argc; j++) args[j] = p[i + 2 + j];
    i += 2 + argc;
    if (fn >= 0) kernels[fn](...args);
    else if (fn === FAULT_THROW) throw new Error(`fault injected in worker ${slot}`);
    else if (fn === FAULT_EXIT) process.exit(7);
    else if (fn === FAULT_HANG) for (;;);
  }
}

/** Runs pieces of the table at `table` (`count` of them) until every piece is claimed. */
function claim(table: number, count: number): void {
  const t = new Float64Array(memory.buffer, table, 2 * count);
  for (;;) {
    const i = Atomics.add(ctl, CLAIM, 1);
    if (i >= count) return;
    run(t[2 * i], t[2 * i + 1]);
  }
}

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
    claim(Atomics.load(ctl, at(PROGRAM)) >>> 0, Atomics.load(ctl, at(WORDS)));
  } catch (e) {
    status = STATUS_THREW;
    port.postMessage(e instanceof Error ? e.message : String(e));
  }
  Atomics.store(ctl, at(STATUS), status);
  Atomics.store(ctl, at(DONE), seq);
  Atomics.notify(ctl, at(DONE));
}
port.close();

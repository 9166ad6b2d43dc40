// What every pool worker does (worker.ts in Node, worker-web.ts in a browser), and how any thread
// runs a recorded program: a program is float64 words [kernel index, argc, args…]…; a worker waits
// on its control slot (control.ts) for a sequence number, claims pieces of the piece table from
// the shared counter until none is left, runs each, and reports. It never allocates in wasm
// memory: the main thread planned every byte.
import {
  CLAIM, DEAD, DONE, FAULT_EXIT, FAULT_GATE, FAULT_HANG, FAULT_THROW, GO, PROGRAM, READY, STATUS, STATUS_EXITED, STATUS_OK, STATUS_THREW,
  WORDS, slotIndex,
} from "./control.js";

type Kernel = (...args: number[]) => unknown;

/**
 * Runs the program at byte offset `ptr` (`words` float64 words) with `kernels` (by index). The
 * fault codes (tests inject them) throw (naming `who`), call `exit`, spin for ever, or wait for a
 * gate word to open.
 */
export function runProgram(memory: WebAssembly.Memory, ptr: number, words: number, kernels: readonly Kernel[], exit: () => never, who = "this thread"): void {
  // A fresh view: the memory may have grown since the last program.
  const p = new Float64Array(memory.buffer, ptr, words);
  const args: number[] = [];
  for (let i = 0; i < words;) {
    const fn = p[i], argc = p[i + 1];
    args.length = argc;
    for (let j = 0; j < argc; j++) args[j] = p[i + 2 + j];
    i += 2 + argc;
    if (fn >= 0) kernels[fn](...args);
    else if (fn === FAULT_THROW) throw new Error(`fault injected in ${who}`);
    else if (fn === FAULT_EXIT) exit();
    else if (fn === FAULT_HANG) for (;;);
    else if (fn === FAULT_GATE) {
      const gate = new Int32Array(memory.buffer);
      while (Atomics.load(gate, args[0]) === 0) Atomics.wait(gate, args[0], 0, 100);
    }
  }
}

/** Marks the slot's worker as gone (finished up to `seq`), so the waiting thread never waits for it in vain. */
export function markExited(ctl: Int32Array, slot: number, seq: number): void {
  Atomics.store(ctl, slotIndex(slot, DEAD), 1);
  Atomics.store(ctl, slotIndex(slot, STATUS), STATUS_EXITED);
  Atomics.store(ctl, slotIndex(slot, DONE), seq);
  Atomics.notify(ctl, slotIndex(slot, DONE));
}

/**
 * The worker loop on slot `slot`: says READY, then for each new sequence number runs pieces
 * (`runPiece(ptr, words)`) until the table is used up and reports STATUS and DONE; a negative
 * sequence number ends it. A piece that throws is `onThrow(e)`: true reports STATUS_THREW and
 * goes on, false marks the worker exited and returns.
 */
export function serve(memory: WebAssembly.Memory, slot: number, runPiece: (ptr: number, words: number) => void, onThrow: (e: unknown) => boolean): void {
  // The first page never moves and a shared buffer never detaches: one view serves for good.
  const ctl = new Int32Array(memory.buffer, 0, 16384);
  const at = (word: number) => slotIndex(slot, word);
  Atomics.store(ctl, at(READY), 1);
  Atomics.notify(ctl, at(READY));
  let seq = 0;
  for (;;) {
    Atomics.wait(ctl, at(GO), seq);
    const go = Atomics.load(ctl, at(GO));
    if (go < 0) return;
    if (go === seq) continue;
    seq = go;
    let status = STATUS_OK;
    try {
      const count = Atomics.load(ctl, at(WORDS));
      const table = new Float64Array(memory.buffer, Atomics.load(ctl, at(PROGRAM)) >>> 0, 2 * count);
      for (;;) {
        const i = Atomics.add(ctl, CLAIM, 1);
        if (i >= count) break;
        runPiece(table[2 * i], table[2 * i + 1]);
      }
    } catch (e) {
      if (!onThrow(e)) {
        markExited(ctl, slot, seq);
        return;
      }
      status = STATUS_THREW;
    }
    Atomics.store(ctl, at(STATUS), status);
    Atomics.store(ctl, at(DONE), seq);
    Atomics.notify(ctl, at(DONE));
  }
}

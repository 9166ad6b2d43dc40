// The pool's worker (Node worker_threads): instantiates the same kernel module on the shared
// memory and serves its control slot (serve.ts). A program that throws is reported (STATUS_THREW,
// the message on `port`) and the worker goes on; a worker that exits says so in its slot first.
import { type MessagePort, workerData } from "node:worker_threads";
import { KERNEL_NAMES } from "./kernels.js";
import { GO, slotIndex } from "./control.js";
import { markExited, runProgram, serve } from "./serve.js";

interface WorkerData { memory: WebAssembly.Memory; module: WebAssembly.Module; slot: number; port: MessagePort }
const { memory, module, slot, port } = workerData as WorkerData;

process.on("exit", () => {
  const ctl = new Int32Array(memory.buffer, 0, 16384);
  markExited(ctl, slot, Atomics.load(ctl, slotIndex(slot, GO)));
});

const instance = await WebAssembly.instantiate(module, { env: { memory } });
const kernels = KERNEL_NAMES.map((name) => instance.exports[name] as (...args: number[]) => unknown);

serve(memory, slot, (ptr, words) => runProgram(memory, ptr, words, kernels, () => process.exit(7), `worker ${slot}`), (e) => {
  port.postMessage(e instanceof Error ? e.message : String(e));
  return true;
});
port.close();

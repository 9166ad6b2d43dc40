// Recording a lane's kernel calls for the worker pool: a Runtime whose kernels append
// [kernel index, argc, args…] to a program instead of running, and whose parameter blocks each
// get their own arena block (the fixed block at PARAMS_PTR serves one thread only). Code that
// runs ops on a Runtime (conv's bands, GEMM panels…) records unchanged: it allocates its own
// workspace from the arena as usual, and memory is committed once, before the programs run.
import type { Runtime } from "./runtime.js";
import { type Kernels, KERNEL_NAMES, VALUE_KERNELS } from "./kernels.js";
import { runProgram } from "./serve.js";
import { type ParamWriter, storeWords } from "./param-block.js";


export class Recording {
  /** The program: float64 words [kernel index, argc, args…]… */
  readonly calls: number[] = [];
  /** The runtime to record through (no pool: nested splits run inline in this lane). */
  readonly rt: Runtime;
  private readonly blocks: { ptr: number; words: readonly number[]; floatSlots: readonly number[] }[] = [];

  /** `pool`: what the recording runtime's ops split over (null: nested splits run inline). */
  constructor(private readonly base: Runtime, pool: Runtime["pool"] = null) {
    const kernels: Record<string, unknown> = {};
    KERNEL_NAMES.forEach((name, index) => {
      // A kernel that returns a value runs at once, also while recording (the finite scan reads
      // operands already copied in: the kernels commit the arena first).
      kernels[name] = VALUE_KERNELS.has(name) ? base.kernels[name] : (...args: number[]) => {
        this.calls.push(index, args.length, ...args);
      };
    });
    const params: ParamWriter = {
      write: (words, floatSlots) => {
        const ptr = base.arena.alloc(words.length * 4, "thread pool parameter block");
        this.blocks.push({ ptr, words, floatSlots });
        return ptr;
      },
    };
    this.rt = { ...base, kernels: kernels as unknown as Kernels, params, pool };
  }

  /** Writes the recorded parameter blocks; call after the arena has committed. */
  writeBlocks(): void {
    const buffer = this.base.memory.buffer;
    const i32 = new Int32Array(buffer), f32 = new Float32Array(buffer);
    for (const { ptr, words, floatSlots } of this.blocks) storeWords(i32, f32, ptr >>> 2, words, floatSlots);
  }
}

/** Runs a program (as the pool's workers do) on this thread's kernels. */
export function replay(rt: Runtime, ptr: number, words: number): void {
  const kernels = KERNEL_NAMES.map((name) => rt.kernels[name] as (...a: number[]) => unknown);
  runProgram(rt.memory, ptr, words, kernels, () => { throw new Error("replay: a fault code in a program run on the calling thread"); });
}

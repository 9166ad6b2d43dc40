// Recording a lane's kernel calls for the worker pool: a Runtime whose kernels append
// [kernel index, argc, args…] to a program instead of running, and whose parameter blocks each
// get their own arena block (the fixed block at PARAMS_PTR serves one thread only). Code that
// runs ops on a Runtime (conv's bands, GEMM panels…) records unchanged: it allocates its own
// workspace from the arena as usual, and memory is committed once, before the programs run.
import type { Runtime } from "./runtime.js";
import { type Kernels, KERNEL_NAMES } from "./kernels.js";
import { runProgram } from "./serve.js";
import type { ParamWriter } from "./params.js";

/**
 * Kernels that compute a value instead of writing memory run at once, also while recording (the
 * finite scan reads operands already copied in: the kernels commit the arena first).
 */
const PURE: ReadonlySet<string> = new Set(["heap_base", "f32_gemm_workspace_bytes", "f32_all_finite__simd", "f32_all_finite__ref"]);

export class Recording {
  /** The program: float64 words [kernel index, argc, args…]… */
  readonly calls: number[] = [];
  /** The runtime to record through (no pool: nested splits run inline in this lane). */
  readonly rt: Runtime;
  private readonly blocks: { ptr: number; ints: number[]; floats: Record<number, number> }[] = [];

  /** `pool`: what the recording runtime's ops split over (null: nested splits run inline). */
  constructor(private readonly base: Runtime, pool: Runtime["pool"] = null) {
    const kernels: Record<string, unknown> = {};
    KERNEL_NAMES.forEach((name, index) => {
      kernels[name] = PURE.has(name) ? base.kernels[name] : (...args: number[]) => {
        this.calls.push(index, args.length, ...args);
      };
    });
    const params: ParamWriter = {
      write: (ints, floats = {}) => {
        const words = Math.max(ints.length, ...Object.keys(floats).map((k) => Number(k) + 1));
        const ptr = base.arena.alloc(words * 4, "thread pool parameter block");
        this.blocks.push({ ptr, ints: ints.slice(), floats: { ...floats } });
        return ptr;
      },
    };
    this.rt = { ...base, kernels: kernels as unknown as Kernels, params, pool };
  }

  /** Writes the recorded parameter blocks; call after the arena has committed. */
  writeBlocks(): void {
    const buffer = this.base.memory.buffer;
    for (const { ptr, ints, floats } of this.blocks) {
      const words = Math.max(ints.length, ...Object.keys(floats).map((k) => Number(k) + 1));
      const i32 = new Int32Array(buffer, ptr, words), f32 = new Float32Array(buffer, ptr, words);
      for (let i = 0; i < ints.length; i++) i32[i] = ints[i];
      for (const [slot, v] of Object.entries(floats)) f32[Number(slot)] = v;
    }
  }
}

/** Runs a program (as the pool's workers do) on this thread's kernels. */
export function replay(rt: Runtime, ptr: number, words: number): void {
  const kernels = KERNEL_NAMES.map((name) => rt.kernels[name] as (...a: number[]) => unknown);
  runProgram(rt.memory, ptr, words, kernels, () => { throw new Error("replay: a fault code in a program run on the calling thread"); });
}

// Where kernel parameter blocks go: a block of 32-bit words written at a fixed offset below the
// arena (one thread), whose address is then passed to the kernel. What the words mean is the ops'
// business (ops/params.ts, the TS half of assembly/params.ts); the runtime only stores them.

/** Byte offset of the parameter block (inside the first page, above the module's static data). */
export const PARAMS_PTR = 1024;
const PARAM_WORDS = 64;
/** The arena starts on the second page. */
export const ARENA_BASE = 65536;

/** Where kernel parameter blocks go: the fixed block (one thread), or a block per call (record.ts). */
export interface ParamWriter {
  /**
   * Writes `words` (those at the indices in `floatSlots` as f32, the others as 32-bit integers)
   * and returns the block's address. The caller hands the arrays over: a writer may keep them
   * (the recorder writes them later) and the caller does not change them afterwards.
   */
  write(words: readonly number[], floatSlots: readonly number[]): number;
}

/** Stores words into a block at `ptr` through views of the memory (i32 and f32 over the same bytes). */
export function storeWords(i32: Int32Array, f32: Float32Array, at: number, words: readonly number[], floatSlots: readonly number[]): void {
  for (let i = 0; i < words.length; i++) i32[at + i] = words[i];
  for (let j = 0; j < floatSlots.length; j++) f32[at + floatSlots[j]] = words[floatSlots[j]];
}

export class ParamBlock implements ParamWriter {
  private i32: Int32Array;
  private f32: Float32Array;

  constructor(private memory: WebAssembly.Memory) {
    this.i32 = new Int32Array(memory.buffer, PARAMS_PTR, PARAM_WORDS);
    this.f32 = new Float32Array(memory.buffer, PARAMS_PTR, PARAM_WORDS);
  }

  /** Writes `words` (f32 at `floatSlots`) at PARAMS_PTR and returns that address. */
  write(words: readonly number[], floatSlots: readonly number[]): number {
    // The views are kept: a shared memory's buffer never detaches; an unshared one detaches when
    // the memory grows, and its views then read as empty.
    if (this.i32.length === 0) {
      this.i32 = new Int32Array(this.memory.buffer, PARAMS_PTR, PARAM_WORDS);
      this.f32 = new Float32Array(this.memory.buffer, PARAMS_PTR, PARAM_WORDS);
    }
    storeWords(this.i32, this.f32, 0, words, floatSlots);
    return PARAMS_PTR;
  }
}

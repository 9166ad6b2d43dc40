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
  /** Writes `ints` (and f32 values at the slots in `floats`) and returns the block's address. */
  write(ints: readonly number[], floats?: Readonly<Record<number, number>>): number;
}

export class ParamBlock implements ParamWriter {
  constructor(private memory: WebAssembly.Memory) {}

  /** Writes `ints` (and f32 values at the slots in `floats`) and returns the block's address. */
  write(ints: readonly number[], floats: Readonly<Record<number, number>> = {}): number {
    const i32 = new Int32Array(this.memory.buffer, PARAMS_PTR, PARAM_WORDS);
    const f32 = new Float32Array(this.memory.buffer, PARAMS_PTR, PARAM_WORDS);
    for (let i = 0; i < ints.length; i++) i32[i] = ints[i];
    for (const [slot, v] of Object.entries(floats)) f32[Number(slot)] = v;
    return PARAMS_PTR;
  }
}

// memoryInfo(): what the runtime's WebAssembly memory holds, for programs that watch their
// footprint (and `npm run soak`). The memory only grows; inside it the resident zone holds Net
// plans and resident tensors, kept within setResidentBudget() by evicting plans (eviction.ts).
import { runtime } from "./runtime/runtime.js";
import { residentBudget } from "./runtime/eviction.js";

export interface MemoryInfo {
  /** Bytes of the WebAssembly memory (it never shrinks). */
  wasmBytes: number;
  /** Extent of the resident zone: its blocks and the free gaps between them. */
  zoneBytes: number;
  /** Bytes in resident blocks: Net plans, resident tensors and their packed forms. */
  residentBytes: number;
  /** Net plans laid out now (evictable), and their bytes. */
  plans: number;
  planBytes: number;
  /** Plans evicted by this runtime so far. */
  evictions: number;
  /** The resident zone's budget (setResidentBudget). */
  budget: number;
}

/** A snapshot of the runtime's memory use; throws NotReadyError before `ready()`. */
export function memoryInfo(): MemoryInfo {
  const { arena, memory } = runtime();
  const held = arena.evictable.held();
  return {
    wasmBytes: memory.buffer.byteLength,
    zoneBytes: arena.zoneBytes(),
    residentBytes: arena.residentBytes(),
    plans: held.count,
    planBytes: held.bytes,
    evictions: arena.evictable.evictions,
    budget: residentBudget(),
  };
}

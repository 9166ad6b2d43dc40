// Derived resident state that can be dropped under memory pressure (README "Memory"). A Net's
// plan (nn/plan.ts) holds only copies of what its Net owns (parameters, copied in on every run)
// and blocks it can lay out again, so it may be evicted: its blocks go back to the resident zone
// and the Net plans again at its next use. Each arena keeps its evictable holders in least-recently-
// used order; when a resident reservation would extend the zone past the budget (or the memory
// cannot grow), the arena evicts the least recently used ones first. A WebAssembly memory never
// shrinks, so the budget is what keeps forgotten Nets from growing it without bound when the
// garbage collector does not run (their FinalizationRegistry frees them only when it does).
import { AttributeError } from "../errors.js";
import { show } from "../attrs.js";

/** Something holding resident blocks that it can rebuild when next used. */
export interface Evictable {
  /** Resident bytes it holds. */
  readonly bytes: number;
  /** Frees its blocks; its owner rebuilds them at its next use. Called once, by the list. */
  evict(): void;
}

/** The default budget: 1 GiB, a quarter of the 4 GiB a 32-bit WebAssembly memory can address. */
export const DEFAULT_RESIDENT_BUDGET = 2 ** 30;

let budget = DEFAULT_RESIDENT_BUDGET;

/** The resident zone's budget in force, in bytes. */
export function residentBudget(): number {
  return budget;
}

/**
 * Sets how large the resident zone (Net plans and resident tensors) may grow before fcn-wasm
 * evicts the least recently used Net plans to make room; returns the previous budget. Default
 * 1 GiB. It applies to every runtime, now and after later `ready()` calls. It is a budget, not a
 * limit: what cannot be evicted (resident tensors, plans in use) is never refused for it.
 */
export function setResidentBudget(bytes: number): number {
  if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) {
    throw new AttributeError(`setResidentBudget(bytes): expected a finite number of bytes ≥ 0, got ${show(bytes)}`);
  }
  const previous = budget;
  budget = bytes;
  return previous;
}

/** An arena's evictable holders, least recently used first. */
export class EvictionList {
  /** Insertion order is recency: touch() moves a holder to the end. Value: how many uses pin it. */
  private readonly entries = new Map<Evictable, number>();
  /** Holders evicted so far (for reports and tests). */
  evictions = 0;

  add(e: Evictable): void {
    this.entries.set(e, 0);
  }

  /** Marks `e` as just used. */
  touch(e: Evictable): void {
    const pins = this.entries.get(e);
    if (pins === undefined) return;
    this.entries.delete(e);
    this.entries.set(e, pins);
  }

  remove(e: Evictable): void {
    this.entries.delete(e);
  }

  /** While pinned (an async run is using it across event-loop turns), `e` is not evicted. */
  pin(e: Evictable, by: 1 | -1): void {
    const pins = this.entries.get(e);
    if (pins !== undefined) this.entries.set(e, pins + by);
  }

  /** Evicts the least recently used unpinned holder; false when there is none. */
  evictOne(): boolean {
    for (const [e, pins] of this.entries) {
      if (pins > 0) continue;
      this.entries.delete(e);
      this.evictions++;
      e.evict();
      return true;
    }
    return false;
  }

  /** Bytes the unpinned holders hold: the most that evicting can give back now. */
  evictableBytes(): number {
    let bytes = 0;
    for (const [e, pins] of this.entries) if (pins === 0) bytes += e.bytes;
    return bytes;
  }

  /** How many holders, and the bytes they hold. */
  held(): { count: number; bytes: number } {
    let bytes = 0;
    for (const e of this.entries.keys()) bytes += e.bytes;
    return { count: this.entries.size, bytes };
  }
}

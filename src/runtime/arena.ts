// The workspace arena: a bump allocator over the WebAssembly memory that TS owns. An op marks
// the arena, reserves its inputs, output and scratch, runs kernels, copies the output out and
// releases back to the mark (in `finally`, so an error leaves the arena as it was).
// Reserving only moves the top (and fails with OutOfMemoryError past 4 GiB); `commit()` grows
// the memory once to cover everything reserved and copies the inputs in. The runtime commits
// before every kernel call, so an op that fails its memory check has not grown anything.
// Memory only grows. Growing detaches every view of the old buffer, so views are made fresh by
// `f32()` after a commit, never kept across one.
// Below the stack sits the resident zone: long-lived blocks (a Net's weights and activations)
// that outlive op calls. It is a first-fit free list; it extends (moving the stack's base up)
// only between ops, when the stack is empty, and gives its tail back when the tail is freed.
// Blocks that can be rebuilt (a Net's plan) are evicted, least recently used first, to keep the
// zone within a budget (eviction.ts).
import { OutOfMemoryError, UnsupportedError } from "../errors.js";
import { EvictionList, residentBudget } from "./eviction.js";

const PAGE = 65536;
/** wasm32 can address 4 GiB: 65536 pages. */
export const MAX_PAGES = 65536;
const ALIGN = 64; // a cache line: SIMD loads never straddle one needlessly

export class Arena {
  private top: number;
  /** Where the stack starts: the end of the resident zone. */
  private base: number;
  /** Inputs reserved by `put` and copied in at the next `commit`. */
  private pending: { ptr: number; data: Float32Array }[] = [];
  /** Resident blocks in use (start → bytes) and free gaps inside the zone, sorted by start. */
  private readonly resident = new Map<number, number>();
  private free: { ptr: number; bytes: number }[] = [];

  /** Holders of derived resident blocks (Net plans), evicted least recently used first. */
  readonly evictable = new EvictionList();

  constructor(readonly memory: WebAssembly.Memory, private readonly zoneStart: number) {
    this.top = zoneStart;
    this.base = zoneStart;
  }

  /**
   * Reserves a long-lived block of `bytes` (64-byte aligned) that op calls never touch, and
   * grows the memory to cover it: first fit in a free gap, else the zone extends. Before the zone
   * extends past the budget (eviction.ts), or when the memory cannot grow, or while an op holds
   * the stack (the zone cannot extend then), it evicts the least recently used plans until a gap
   * fits; the zone extends past the budget only when nothing is left to evict. Extending must
   * happen between ops (the stack empty).
   */
  allocResident(bytes: number, what: string): number {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    for (;;) {
      const ptr = this.fromGap(size);
      if (ptr !== null) return ptr;
      const stackInUse = this.top !== this.base;
      // With the stack in use only a gap can serve: evict only if that could make one big enough
      // (else every plan would be evicted for nothing before the same error).
      const worthEvicting = !stackInUse || this.freeBytes() + this.evictable.evictableBytes() >= size;
      if (worthEvicting && (stackInUse || this.zoneBytes() + size > residentBudget()) && this.evictable.evictOne()) continue;
      if (stackInUse) throw new UnsupportedError(`${what}: resident memory can only be reserved between op calls`);
      try {
        return this.extend(size, what);
      } catch (e) {
        if (e instanceof OutOfMemoryError && this.evictable.evictOne()) continue;
        throw e;
      }
    }
  }

  /** First fit of `size` bytes in the zone's free gaps, or null. */
  private fromGap(size: number): number | null {
    const gap = this.free.findIndex((f) => f.bytes >= size);
    if (gap < 0) return null;
    const f = this.free[gap];
    if (f.bytes === size) this.free.splice(gap, 1);
    else this.free[gap] = { ptr: f.ptr + size, bytes: f.bytes - size };
    this.resident.set(f.ptr, size);
    return f.ptr;
  }

  /** Extends the zone by `size` bytes at its end (the stack empty) and grows the memory to cover it. */
  private extend(size: number, what: string): number {
    const before = this.top;
    const ptr = this.alloc(size, what); // checks the 4 GiB limit and moves top
    try {
      this.commit();
    } catch (e) {
      this.top = before; // the memory could not grow: the zone stays as it was
      throw e;
    }
    this.base = this.top;
    this.resident.set(ptr, size);
    return ptr;
  }

  /** Returns a block from `allocResident`; the zone shrinks when its tail is free. */
  freeResident(ptr: number): void {
    const bytes = this.resident.get(ptr);
    if (bytes === undefined) return;
    this.resident.delete(ptr);
    this.free.push({ ptr, bytes });
    this.free.sort((a, b) => a.ptr - b.ptr);
    const merged: { ptr: number; bytes: number }[] = [];
    for (const f of this.free) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last.ptr + last.bytes === f.ptr) last.bytes += f.bytes;
      else merged.push({ ...f });
    }
    this.free = merged;
    this.trimTail();
  }

  /** With the stack empty, a free gap at the zone's end goes back to the stack (the zone shrinks). */
  private trimTail(): void {
    const tail = this.free[this.free.length - 1];
    if (tail !== undefined && tail.ptr + tail.bytes === this.base && this.top === this.base) {
      this.free.pop();
      this.base = tail.ptr;
      this.top = tail.ptr;
    }
  }

  /** The zone's extent in bytes: resident blocks and the free gaps between them. */
  zoneBytes(): number {
    return this.base - this.zoneStart;
  }

  /** Bytes in the zone's free gaps. */
  private freeBytes(): number {
    let n = 0;
    for (const f of this.free) n += f.bytes;
    return n;
  }

  /** Bytes held by resident blocks (for tests and reports). */
  residentBytes(): number {
    let n = 0;
    for (const b of this.resident.values()) n += b;
    return n;
  }

  /** Current top; pass it to `release` to free everything allocated after it. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
    this.pending = this.pending.filter((p) => p.ptr < mark);
    this.trimTail(); // a tail block freed while the stack was in use
  }

  /**
   * Reserves `bytes` (64-byte aligned) and returns the byte offset. Throws OutOfMemoryError when
   * wasm32 cannot address it; the memory itself grows at the next `commit()`. `what` names the
   * buffer in messages.
   */
  alloc(bytes: number, what: string): number {
    const start = Math.ceil(this.top / ALIGN) * ALIGN;
    const end = start + Math.max(bytes, 0);
    if (!Number.isFinite(end) || end > MAX_PAGES * PAGE) {
      throw new OutOfMemoryError(
        `${what}: needs ${formatBytes(bytes)}, which brings this call to ${formatBytes(end)}, beyond the 4 GiB a 32-bit WebAssembly memory can address`);
    }
    this.top = end;
    return start;
  }

  /** Grows the memory to cover every reservation and copies pending inputs in. Cheap when there is nothing to do. */
  commit(): void {
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      const pages = Math.ceil((this.top - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch (e) {
        this.pending.length = 0;
        throw new OutOfMemoryError(`could not grow WebAssembly memory from ${formatBytes(have)} to ${formatBytes(this.top)} (${(e as Error).message})`);
      }
    }
    if (this.pending.length > 0) {
      for (const { ptr, data } of this.pending) this.f32(ptr, data.length).set(data);
      this.pending.length = 0;
    }
  }

  /** A fresh Float32Array view of `length` floats at byte offset `ptr`. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** Reserves room for `data`; it is copied in at the next `commit()` (the caller's array is never aliased). */
  put(data: Float32Array, what: string): number {
    const ptr = this.alloc(data.length * 4, what);
    this.pending.push({ ptr, data });
    return ptr;
  }

  /**
   * Copies `length` floats at `ptr` out into `into` (the caller's options.out, of that length) or
   * else a new Float32Array owned by the caller.
   */
  take(ptr: number, length: number, into?: Float32Array): Float32Array {
    this.commit();
    // new + set, not slice(): V8's slice of a view on wasm memory runs ~4× slower (measured on 25 MB).
    const out = into ?? new Float32Array(length);
    out.set(this.f32(ptr, length));
    return out;
  }
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

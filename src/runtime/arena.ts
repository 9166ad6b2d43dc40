// The workspace arena: a bump allocator over the WebAssembly memory that TS owns. An op marks
// the arena, reserves its inputs, output and scratch, runs kernels, copies the output out and
// releases back to the mark (in `finally`, so an error leaves the arena as it was).
// Reserving only moves the top (and fails with OutOfMemoryError past 4 GiB); `commit()` grows
// the memory once to cover everything reserved and copies the inputs in. The runtime commits
// before every kernel call, so an op that fails its memory check has not grown anything.
// Memory only grows. Growing detaches every view of the old buffer, so views are made fresh by
// `f32()` after a commit, never kept across one.
import { OutOfMemoryError } from "../errors.js";

const PAGE = 65536;
/** wasm32 can address 4 GiB: 65536 pages. */
export const MAX_PAGES = 65536;
const ALIGN = 64; // a cache line: SIMD loads never straddle one needlessly

export class Arena {
  private top: number;
  /** Inputs reserved by `put` and copied in at the next `commit`. */
  private pending: { ptr: number; data: Float32Array }[] = [];

  constructor(readonly memory: WebAssembly.Memory, readonly base: number) {
    this.top = base;
  }

  /** Current top; pass it to `release` to free everything allocated after it. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
    this.pending = this.pending.filter((p) => p.ptr < mark);
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

  /** Copies `length` floats at `ptr` out into a new Float32Array owned by the caller. */
  take(ptr: number, length: number): Float32Array {
    this.commit();
    // new + set, not slice(): V8's slice of a view on wasm memory runs ~4× slower (measured on 25 MB).
    const out = new Float32Array(length);
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

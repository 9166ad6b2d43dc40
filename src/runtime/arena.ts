// The workspace arena: a bump allocator over the WebAssembly memory that TS owns. An op marks
// the arena, allocates its inputs, output and scratch, runs kernels, copies the output out and
// releases back to the mark (in `finally`, so an error leaves the arena as it was).
// Memory only grows. Growing detaches every view of the old buffer, so views are made fresh by
// `f32()` after the allocations of a step, never kept across one.
import { OutOfMemoryError } from "../errors.js";

const PAGE = 65536;
/** wasm32 can address 4 GiB: 65536 pages. */
export const MAX_PAGES = 65536;
const ALIGN = 64; // a cache line: SIMD loads never straddle one needlessly

export class Arena {
  private top: number;

  constructor(readonly memory: WebAssembly.Memory, readonly base: number) {
    this.top = base;
  }

  /** Current top; pass it to `release` to free everything allocated after it. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Bytes in use above the base (for tests and diagnostics). */
  get used(): number {
    return this.top - this.base;
  }

  /**
   * Allocates `bytes` (64-byte aligned) and returns the byte offset. Grows the memory as needed;
   * throws OutOfMemoryError when wasm32 cannot hold it (checked before growing). `what` names the
   * buffer in the message.
   */
  alloc(bytes: number, what: string): number {
    const start = Math.ceil(this.top / ALIGN) * ALIGN;
    const end = start + Math.max(bytes, 0);
    if (!Number.isFinite(end) || end > MAX_PAGES * PAGE) {
      throw new OutOfMemoryError(
        `${what}: needs ${formatBytes(bytes)} more, ${formatBytes(end)} in all, beyond the 4 GiB a 32-bit WebAssembly memory can address`);
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch (e) {
        throw new OutOfMemoryError(`${what}: could not grow WebAssembly memory to ${formatBytes(end)} (${(e as Error).message})`);
      }
    }
    this.top = end;
    return start;
  }

  /** A fresh Float32Array view of `length` floats at byte offset `ptr`. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** Copies `data` into a new allocation and returns its offset. */
  put(data: Float32Array, what: string): number {
    const ptr = this.alloc(data.length * 4, what);
    this.f32(ptr, data.length).set(data);
    return ptr;
  }

  /** Copies `length` floats at `ptr` out into a new Float32Array owned by the caller. */
  take(ptr: number, length: number): Float32Array {
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

// A tensor kept in wasm memory between op calls: weights that many calls read (a layer's filters,
// a GEMM's constant matrix) are copied in once instead of on every call, as onnxruntime-web keeps
// a model's initializers and tfjs keeps its tensors inside their wasm heaps. conv, convTranspose,
// gemm, matmul and the conv backward ops read a resident operand where it lies; every other op
// (and any reader of `.data`) gets a copy, so it works everywhere a Tensor does.
// It lives in the arena's resident zone until dispose() (or until it is garbage-collected).
import { NotReadyError } from "./errors.js";
import { type Runtime, runtime } from "./runtime/runtime.js";
import { RESIDENT, type ResidentHandle, type Tensor, checkTensor } from "./tensor.js";
import { type DisposeMethod, disposableWithUsing } from "./disposable.js";

/** The values' block, and the blocks of forms derived from them (packed weights), by key. */
interface Block { rt: Runtime; ptr: number; derived: Map<string, number> }

function free({ rt, ptr, derived }: Block): void {
  rt.arena.freeResident(ptr);
  for (const d of derived.values()) rt.arena.freeResident(d);
  derived.clear();
}

/** Frees the blocks of a ResidentTensor that was dropped without dispose(). */
const blocks = new FinalizationRegistry<Block>(free);

export class ResidentTensor implements Tensor {
  readonly shape: readonly number[];
  #block: Block | null;
  readonly #size: number;
  /** Whether the values are all finite, once a scan has told (convTranspose asks: ops/finite.ts). */
  #finite: boolean | undefined;
  declare readonly [RESIDENT]: ResidentHandle;
  /** dispose(), for `using t = resident(x)` (present where the runtime has Symbol.dispose). */
  declare [Symbol.dispose]: DisposeMethod;

  /** Use `resident(t)`. */
  private constructor(shape: readonly number[], block: Block, size: number) {
    this.shape = Object.freeze(shape.slice());
    this.#block = block;
    this.#size = size;
    // Not enumerable: a spread copy ({ ...t, shape }) is no resident tensor (and fails checkTensor).
    const handle: ResidentHandle = {
      size,
      check: (name) => void this.#live(name),
      pointer: (rt, name) => this.#pointer(rt, name),
      derived: (rt, key, bytes, make) => this.#derived(rt, key, bytes, make),
      finite: (scan) => (this.#finite ??= scan()),
    };
    Object.defineProperty(this, RESIDENT, { value: handle, enumerable: false });
  }

  /** @internal */
  static of(t: Tensor): ResidentTensor {
    const shape = checkTensor(t, "resident(t)");
    const data = t.data; // once: a resident t hands out a copy
    const rt = runtime();
    const ptr = rt.arena.allocResident(data.length * 4, `resident(t): ${data.length} floats`);
    rt.arena.f32(ptr, data.length).set(data);
    const block: Block = { rt, ptr, derived: new Map() };
    const r = new ResidentTensor(shape, block, data.length);
    blocks.register(r, block, r);
    return r;
  }

  /**
   * A new copy of the values on every read (read it once, not per element): writing to it changes
   * nothing, since ops read the block in wasm memory. Resident tensors cannot be changed in place.
   */
  get data(): Float32Array {
    const block = this.#live("resident tensor .data");
    return block.rt.arena.take(block.ptr, this.#size);
  }

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this.#block === null;
  }

  /** Gives the block back to fcn-wasm's memory zone; using the tensor afterwards is a NotReadyError. */
  dispose(): void {
    const block = this.#block;
    if (block === null) return;
    this.#block = null;
    blocks.unregister(this);
    free(block);
  }

  #live(name: string): Block {
    if (this.#block === null) throw new NotReadyError(`${name}: this resident tensor was disposed`);
    return this.#block;
  }

  #derived(rt: Runtime, key: string, bytes: number, make: (ptr: number) => void): number | null {
    const block = this.#live(key);
    if (block.rt !== rt) return null;
    let ptr = block.derived.get(key);
    if (ptr === undefined) {
      ptr = rt.arena.allocResident(bytes, `resident tensor: ${key}`);
      try {
        make(ptr);
      } catch (e) {
        rt.arena.freeResident(ptr);
        throw e;
      }
      block.derived.set(key, ptr);
    }
    return ptr;
  }

  /** Its byte offset in `rt`'s memory, or null when it lives in another runtime's (ready() was called anew). */
  #pointer(rt: Runtime, name: string): number | null {
    const block = this.#live(name);
    return block.rt === rt ? block.ptr : null;
  }
}

disposableWithUsing(ResidentTensor);

/**
 * Copies `t` into wasm memory once and returns a tensor that stays there: pass it as the weights
 * (or x, or gemm's a and b) of conv, convTranspose, gemm, matmul, convBackward or
 * convTransposeBackward and it is read in place instead of copied in on every call. Other ops
 * and arguments take a copy. Its values cannot change (optimisers refuse it). Call `dispose()`
 * when done (a collected one is freed too); it keeps the memory of the runtime it was made in.
 */
export function resident(t: Tensor): ResidentTensor {
  return ResidentTensor.of(t);
}

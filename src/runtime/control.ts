// The pool's control block and program format, shared by the main thread (pool.ts) and the
// workers (worker.ts). The block lives in the first page of the shared memory, above the
// parameter block and below the arena: one 64-byte line of Int32 words per worker slot (no two
// slots share a cache line), read and written only with Atomics.
// A program is one piece of an op's work: a list of kernel calls, encoded as float64 words
// [kernel index, argument count, arguments…]… (indices into KERNEL_NAMES; arguments are byte
// offsets and integers, exact in a float64). A call's pieces are listed in a table of float64
// pairs [program offset, words]; the calling thread and the workers claim pieces from it with
// Atomics.add on the CLAIM word until none is left. Programs and table live in the arena.

/** Byte offset of the control block (inside the first page, above PARAMS_PTR's 256 bytes). */
export const CONTROL_PTR = 4096;
/** Int32 words per slot: one cache line. */
export const SLOT_WORDS = 16;
/** Most workers a pool can have. */
export const MAX_WORKERS = 63;
/** Control slots: twice the workers, so a replacement finds a free slot while its predecessor's
 * is still held (until that thread has exited); 128 lines end well inside the first page. */
export const SLOTS = 128;

/** Word indices inside a slot. */
export const GO = 0; // main → worker: sequence number of the program to run (−1: stop)
export const DONE = 1; // worker → main: sequence number of the last program finished
export const STATUS = 2; // worker → main: 0 ok, 1 the program threw, 2 the worker is exiting
export const PROGRAM = 3; // byte offset of the piece table
export const WORDS = 4; // number of pieces in it
export const READY = 5; // worker → main: 1 once the module is instantiated
export const DEAD = 6; // worker → main: 1 once the worker is exiting

export const STATUS_OK = 0;
export const STATUS_THREW = 1;
export const STATUS_EXITED = 2;

/** Pseudo-kernels for tests of the pool's error handling (negative indices). */
export const FAULT_THROW = -1;
export const FAULT_EXIT = -2;
export const FAULT_HANG = -3;
/** [FAULT_GATE, 1, i]: waits until Int32 word i of the memory is non-zero (tests hold a worker busy for as long as they need). */
export const FAULT_GATE = -4;

/** Int32 index of the claim counter: the next piece to take (its own line, after the slots). */
export const CLAIM = CONTROL_PTR / 4 + SLOTS * SLOT_WORDS;

/** Int32 index of word `word` of slot `slot` in a view of the whole memory. */
export function slotIndex(slot: number, word: number): number {
  return CONTROL_PTR / 4 + slot * SLOT_WORDS + word;
}

// The worker pool (Node worker_threads, or module Web Workers in a crossOriginIsolated browser
// context) over one shared WebAssembly.Memory. A call's work is a table of pieces (programs of
// kernel calls in the arena, control.ts); the call wakes the workers through their control slots,
// claims pieces itself like they do, then blocks in Atomics.wait until every worker is done, so
// ops stay synchronous. A page's main thread may not Atomics.wait: there the call spins on the
// control words instead (it blocks all the same; the async forms, ops/async.ts, yield between ops).
// A worker that throws, exits or overruns the time limit makes the call throw PoolError; a dead
// or hung worker is replaced (the replacement starts in the background; until it is up the others
// take its pieces), so no call hangs and the next one works.
import type { MessagePort, Worker as NodeWorker } from "node:worker_threads";
import { PoolError } from "../errors.js";
import {
  CLAIM, DEAD, DONE, FAULT_GATE, GO, PROGRAM, SLOTS, READY, SLOT_WORDS, STATUS, STATUS_EXITED, STATUS_OK, STATUS_THREW, WORDS, slotIndex,
} from "./control.js";

type WorkerThreads = typeof import("node:worker_threads");

/** A browser's Worker, as far as the pool uses it (lib "DOM" types it for pages only). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: "error", listener: (e: { message?: string }) => void): void;
}

interface Member {
  /** Node: a worker_threads Worker and the port its error messages come on. */
  worker: NodeWorker | null;
  port: MessagePort | null;
  /** Browsers: a module Web Worker. */
  web: WebWorker | null;
  /** Control slot (a fresh one per worker, so a dying worker never writes into its successor's). */
  slot: number;
  /** Sequence number of the last program sent. */
  seq: number;
  /**
   * Node: set by the worker's exit event. The exit handler frees the slot and may start the
   * replacement in it at once, zeroing its words before an async waiter has read them: the
   * waiter learns of the exit from here.
   */
  exited: boolean;
}

/** How long a worker may take over one program before it counts as hung (ms). */
let timeoutMs = 120_000;

/** For tests: sets the hang limit (ms); returns the previous one. */
export function setPoolTimeout(ms: number): number {
  const old = timeoutMs;
  timeoutMs = ms;
  return old;
}

export class Pool {
  private readonly members: (Member | null)[] = [];
  private readonly slotBusy = new Array<boolean>(SLOTS).fill(false);
  private readonly ctl: Int32Array;
  private disposed = false;
  /** Calls that ran on more than one lane (for tests and benchmarks). */
  dispatches = 0;
  /** Async stages handed to workers, and those that went to more than one (for tests). */
  asyncDispatches = 0;
  asyncSplits = 0;
  /** True while an async program runs on a worker: sync ops meanwhile run on the calling thread. */
  busy = false;
  /** The tail of the queue of async calls (one runs at a time). */
  private queue: Promise<unknown> = Promise.resolve();

  /** Whether this thread may block in Atomics.wait (not a page's main thread): else it spins. */
  private readonly canWait: boolean;

  private constructor(private readonly wt: WorkerThreads | null, private readonly memory: WebAssembly.Memory,
    private readonly module: WebAssembly.Module, readonly threads: number) {
    this.ctl = new Int32Array(memory.buffer, 0, 16384);
    this.canWait = canAtomicsWait();
  }

  /**
   * Starts `threads − 1` workers (worker_threads in Node, module Web Workers elsewhere) and
   * resolves once each has instantiated the module.
   */
  static async create(threads: number, memory: WebAssembly.Memory, module: WebAssembly.Module, host: "node" | "web" = "node"): Promise<Pool> {
    const wt = host === "node" ? await import(/* webpackIgnore: true */ /* @vite-ignore */ "node:worker_threads") : null;
    const pool = new Pool(wt, memory, module, threads);
    const started: Promise<void>[] = [];
    for (let i = 0; i < threads - 1; i++) {
      const m = pool.spawn();
      pool.members.push(m);
      started.push(new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          if (Atomics.load(pool.ctl, slotIndex(m.slot, READY)) === 1) resolve();
          else if (Date.now() > deadline) reject(new PoolError(`ready(): a pool worker did not start within ${timeoutMs} ms`));
          else setTimeout(poll, 2);
        };
        if (m.worker !== null) {
          m.worker.once("error", (e) => reject(new PoolError(`ready(): a pool worker failed to start: ${e.message}`)));
          m.worker.once("exit", (code) => reject(new PoolError(`ready(): a pool worker exited (code ${code}) while starting`)));
        } else {
          (m.web as WebWorker).addEventListener("error", (e) => reject(new PoolError(`ready(): a pool worker failed to start: ${e.message ?? "(no message: see the console)"}`)));
        }
        poll();
      }));
    }
    try {
      await Promise.all(started);
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    return pool;
  }

  private spawn(): Member {
    const slot = this.slotBusy.indexOf(false);
    if (slot < 0) throw new PoolError("the worker pool has no free control slot");
    this.slotBusy[slot] = true;
    this.ctl.fill(0, slotIndex(slot, 0), slotIndex(slot, 0) + SLOT_WORDS);
    if (this.wt === null) return this.spawnWeb(slot);
    const { port1, port2 } = new this.wt.MessageChannel();
    // Node only, so the script's name is computed: bundlers would otherwise copy or bundle it
    // for the web (it imports node:worker_threads). Not a template literal: a glob to Vite.
    const script = "./" + ["worker", "js"].join(".");
    const worker = new this.wt.Worker(new URL(script, import.meta.url), {
      workerData: { memory: this.memory, module: this.module, slot, port: port2 },
      transferList: [port2],
      execArgv: [], // the parent's flags (--input-type, test runners' loaders) need not suit a worker
    });
    worker.unref(); // an idle pool never keeps a Node process alive
    port1.unref();
    const member: Member = { worker, port: port1, web: null, slot, seq: 0, exited: false };
    worker.on("error", () => {}); // surfaced through the control slot (DEAD) instead
    worker.once("exit", () => {
      member.exited = true;
      // A worker that had started and died between calls is replaced now; one that never
      // started is not (a replacement would fail the same way): its pieces go to the others.
      const started = Atomics.load(this.ctl, slotIndex(slot, READY)) === 1;
      this.slotBusy[slot] = false;
      port1.close();
      const i = this.members.indexOf(member);
      if (i >= 0) {
        this.members[i] = null;
        if (started && !this.disposed) this.members[i] = this.trySpawn();
      }
    });
    return member;
  }

  /**
   * A module Web Worker on `slot`. The URL is spelled out so bundlers (Vite, webpack 5) emit the
   * worker script as they do the .wasm files. A worker that dies outside a program (its script
   * fails) is marked dead in its slot here, so the next call replaces it instead of waiting.
   */
  private spawnWeb(slot: number): Member {
    if (typeof Worker !== "function") {
      this.slotBusy[slot] = false;
      throw new PoolError("this host has no Web Workers");
    }
    // Exactly this shape (the global `Worker`, a literal URL, type 'module'): it is what Vite and
    // webpack 5 recognise to bundle the script and its imports as a worker entry. Any other (an
    // alias of Worker) makes the URL a plain asset: Vite inlines it as a data: URL, webpack copies
    // it without its imports, and the worker fails to start.
    const web: WebWorker = new Worker(new URL("./worker-web.js", import.meta.url), { type: "module" });
    const member: Member = { worker: null, port: null, web, slot, seq: 0, exited: false };
    web.addEventListener("error", () => {
      Atomics.store(this.ctl, slotIndex(slot, DEAD), 1);
      Atomics.store(this.ctl, slotIndex(slot, STATUS), STATUS_EXITED);
      Atomics.store(this.ctl, slotIndex(slot, DONE), member.seq);
    });
    web.postMessage({ memory: this.memory, module: this.module, slot });
    return member;
  }

  /** Ends a worker; for a Web Worker also frees its slot (no exit event follows). */
  private end(m: Member): Promise<unknown> {
    if (m.worker !== null) return m.worker.terminate();
    (m.web as WebWorker).terminate();
    this.slotBusy[m.slot] = false;
    return Promise.resolve();
  }

  /** A new worker, or null (no free slot: the others take its pieces). */
  private trySpawn(): Member | null {
    try {
      return this.spawn();
    } catch {
      return null;
    }
  }

  /** Ends `m` and starts a replacement in its place (its exit handler frees the slot later). */
  private replace(i: number): void {
    const m = i < 0 ? null : this.members[i];
    if (m == null) return;
    this.members[i] = this.disposed ? null : this.trySpawn();
    void this.end(m);
  }

  private word(m: Member, word: number): number {
    return Atomics.load(this.ctl, slotIndex(m.slot, word));
  }

  /**
   * Runs the `count` pieces listed in the table at byte offset `table` (control.ts): the workers
   * that are up and this thread (`runHere(i)` runs piece i here; null: workers only) claim them
   * until none is left. Throws the first error (PoolError for a worker's) after every worker has
   * stopped, so none still writes into the caller's memory.
   */
  run(table: number, count: number, runHere: ((piece: number) => void) | null): void {
    if (this.disposed) throw new PoolError("the worker pool has been disposed; call ready() again");
    this.dispatches++;
    Atomics.store(this.ctl, CLAIM, 0);
    const sent: number[] = [];
    const helpers = runHere === null ? count : count - 1;
    for (let i = 0; i < this.members.length && sent.length < helpers; i++) {
      const m = this.members[i];
      if (m === null) continue;
      if (this.word(m, DEAD) === 1) {
        this.replace(i);
        continue;
      }
      if (this.word(m, READY) !== 1) continue;
      Atomics.store(this.ctl, slotIndex(m.slot, PROGRAM), table | 0);
      Atomics.store(this.ctl, slotIndex(m.slot, WORDS), count);
      m.seq++;
      Atomics.store(this.ctl, slotIndex(m.slot, GO), m.seq);
      Atomics.notify(this.ctl, slotIndex(m.slot, GO));
      sent.push(i);
    }
    let error: unknown = null;
    if (runHere !== null || sent.length === 0) {
      try {
        for (;;) {
          const i = Atomics.add(this.ctl, CLAIM, 1);
          if (i >= count) break;
          if (runHere === null) throw new PoolError("no pool worker is up to run this");
          runHere(i);
        }
      } catch (e) {
        error = e;
        Atomics.store(this.ctl, CLAIM, count); // the workers take nothing more
      }
    }
    for (const i of sent) {
      const e = this.finish(i);
      if (error === null) error = e;
    }
    if (error !== null) throw error;
  }

  /** Waits for member i's current program; returns null or the PoolError to throw. */
  private finish(i: number): PoolError | null {
    const m = this.members[i] as Member;
    const done = slotIndex(m.slot, DONE);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (Atomics.load(this.ctl, done) === m.seq) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.replace(i);
        return new PoolError(`a pool worker did not finish its share within ${timeoutMs} ms; it was ended and is being replaced`);
      }
      if (this.canWait) Atomics.wait(this.ctl, done, m.seq - 1, Math.min(left, 1000));
    }
    return this.status(i, m);
  }

  /** Member i's (m's) outcome after its DONE word matched: null or the PoolError to throw. */
  private status(i: number, m: Member): PoolError | null {
    if (m.exited) {
      this.replace(i);
      return new PoolError("a pool worker exited during the call; it is being replaced");
    }
    const status = this.word(m, STATUS);
    if (status === STATUS_OK) return null;
    if (status === STATUS_THREW) {
      const message = this.wt !== null && m.port !== null ? this.wt.receiveMessageOnPort(m.port)?.message as string | undefined : "(its message is in the worker's console)";
      return new PoolError(`a pool worker threw: ${message ?? "(no message)"}`);
    }
    if (status === STATUS_EXITED || this.word(m, DEAD) === 1) {
      this.replace(i);
      return new PoolError("a pool worker exited during the call; it is being replaced");
    }
    return new PoolError(`a pool worker reported an unknown status ${status}`);
  }

  /**
   * Runs `body` after every async call queued before it has settled (async calls hold arena
   * blocks until they resolve, so they run one at a time, in order).
   */
  exclusive<T>(body: () => Promise<T>): Promise<T> {
    const result = this.queue.then(body, body);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Hands the `count` pieces of the table at `table` to the workers that are up (as many as
   * there are pieces; they claim pieces as in run()) and resolves when all are done, without
   * blocking this thread (Atomics.waitAsync, else polling). Resolves false when no worker is up
   * (the caller runs the pieces itself); rejects with PoolError when a worker throws, exits or
   * overruns the time limit (it is then replaced), after every worker sent has stopped. Call
   * inside exclusive().
   */
  async runAsync(table: number, count: number): Promise<boolean> {
    if (this.disposed) throw new PoolError("the worker pool has been disposed; call ready() again");
    const sent: Member[] = [];
    for (let j = 0; j < this.members.length && sent.length < count; j++) {
      const m = this.members[j];
      if (m === null) continue;
      if (this.word(m, DEAD) === 1) this.replace(j);
      else if (this.word(m, READY) === 1) sent.push(m);
    }
    if (sent.length === 0) return false;
    this.busy = true;
    this.asyncDispatches++;
    if (sent.length > 1) this.asyncSplits++;
    try {
      Atomics.store(this.ctl, CLAIM, 0);
      for (const m of sent) {
        Atomics.store(this.ctl, slotIndex(m.slot, PROGRAM), table | 0);
        Atomics.store(this.ctl, slotIndex(m.slot, WORDS), count);
        m.seq++;
        Atomics.store(this.ctl, slotIndex(m.slot, GO), m.seq);
        Atomics.notify(this.ctl, slotIndex(m.slot, GO));
      }
      const deadline = Date.now() + timeoutMs;
      let error: PoolError | null = null;
      // A pending Atomics.waitAsync does not keep Node's event loop alive (and the workers are
      // unref'd): without this timer a script awaiting an async op would exit in the middle of it.
      const keepAlive = setInterval(() => {}, 60_000);
      try {
        for (const m of sent) {
          const e = await this.finishAsync(m, deadline);
          if (error === null) error = e;
        }
      } finally {
        clearInterval(keepAlive);
      }
      if (error !== null) throw error;
      return true;
    } finally {
      this.busy = false;
    }
  }

  /** Awaits m's current program; returns null or the PoolError to throw. */
  private async finishAsync(m: Member, deadline: number): Promise<PoolError | null> {
    const done = slotIndex(m.slot, DONE);
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    for (;;) {
      if (Atomics.load(this.ctl, done) === m.seq || m.exited) break;
      if (this.disposed) return new PoolError("the worker pool was disposed while an async call ran");
      const left = deadline - Date.now();
      if (left <= 0) {
        const i = this.members.indexOf(m);
        if (i >= 0) this.replace(i);
        else void this.end(m);
        return new PoolError(`a pool worker did not finish its share within ${timeoutMs} ms; it was ended and is being replaced`);
      }
      const wait = Math.min(left, 50);
      if (typeof waitAsync === "function") {
        const r = waitAsync(this.ctl, done, m.seq - 1, wait);
        if (r.async) await r.value;
      } else {
        await new Promise((res) => setTimeout(res, 1));
      }
    }
    // Node replaces an exited worker from its exit handler; find m's place again.
    return this.status(this.members.indexOf(m), m);
  }

  /**
   * For tests of error handling: every worker runs the pseudo-kernel `fault` (control.ts
   * FAULT_THROW, FAULT_EXIT or FAULT_HANG) as its program at byte offset `ptr` (2 words, free).
   */
  fault(fault: number, ptr: number): void {
    // The program [fault, 0] at ptr, and a table of one piece per worker at ptr + 16.
    const words = new Float64Array(this.memory.buffer, ptr, 2 + 2 * this.members.length);
    words.set([fault, 0]);
    for (let i = 0; i < this.members.length; i++) words.set([ptr, 2], 2 + 2 * i);
    this.run(ptr + 16, this.members.length, null);
  }

  /**
   * For tests that need the pool busy for as long as they choose (never for as long as some op
   * happens to take): queued like an async call, one worker runs [FAULT_GATE] until `open()`.
   * `ptr` is 64 free bytes: the program at ptr, its piece table at ptr + 32, the gate word at
   * ptr + 48. `started` resolves once the worker has the program (`busy` is then true), `done`
   * when it has finished after open() (false if no worker was up: then nothing was held).
   * `after` runs when the program is over, before the next queued async call starts (a test
   * gives back arena memory there, as an async op does).
   */
  hold(ptr: number, after: () => void = () => {}): { started: Promise<void>; done: Promise<boolean>; open: () => void } {
    const gate = (ptr + 48) / 4;
    let handedOver!: () => void;
    const started = new Promise<void>((resolve) => (handedOver = resolve));
    const done = this.exclusive(async () => {
      Atomics.store(new Int32Array(this.memory.buffer), gate, 0);
      new Float64Array(this.memory.buffer, ptr, 6).set([FAULT_GATE, 1, gate, 0, ptr, 3]);
      try {
        const running = this.runAsync(ptr + 32, 1);
        handedOver();
        return await running;
      } finally {
        after();
      }
    });
    done.catch(() => handedOver());
    const open = () => {
      const words = new Int32Array(this.memory.buffer); // the arena may have grown: a fresh view
      Atomics.store(words, gate, 1);
      Atomics.notify(words, gate);
    };
    return { started, done, open };
  }

  /** Workers currently up (for tests). */
  liveWorkers(): number {
    return this.members.filter((m) => m !== null && this.word(m, READY) === 1 && this.word(m, DEAD) === 0).length;
  }

  /** Ends every worker; resolves once they have exited. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const ending: Promise<unknown>[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const m = this.members[i];
      if (m === null) continue;
      this.members[i] = null;
      Atomics.store(this.ctl, slotIndex(m.slot, GO), -1);
      Atomics.notify(this.ctl, slotIndex(m.slot, GO));
      ending.push(this.end(m));
    }
    await Promise.all(ending);
  }
}

/** Atomics.waitAsync (ES2024; Chrome ≥ 87, Node ≥ 16), typed here for the ES2022 lib. */
type WaitAsync = (a: Int32Array, index: number, value: number, timeout?: number) =>
  { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };

/** Whether Atomics.wait may block here (it throws on a browser page's main thread). */
function canAtomicsWait(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

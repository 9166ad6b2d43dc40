// The browser threads test's page (test/browser/threads.test.ts), served from the repository root
// so it imports the built dist/ as is. ?threads=N picks ready()'s threads. It computes reference
// results on one thread, then on N threads runs the sync ops (pool from the main thread, which
// spins), the async forms and Net.runAsync, compares them bit for bit, counts event-loop turns
// while a worker holds a gate program and during Net.runAsync, injects worker faults, and writes one JSON result into
// #output[data-result] (or data-error). window.fcnDispose() ends the pool afterwards.
import * as fcn from "/dist/index.js";
import { runtime } from "/dist/runtime/runtime.js";
import { mulberry32 } from "/dist/random.js";
import { setPoolTimeout } from "/dist/runtime/pool.js";
import { FAULT_EXIT, FAULT_HANG, FAULT_THROW } from "/dist/runtime/control.js";

const threads = Number(new URLSearchParams(location.search).get("threads") ?? "2");

/** The package's seeded generator, centred: floats in [−0.5, 0.5). */
function rng(seed) {
  const next = mulberry32(seed);
  return () => next() - 0.5;
}
const rand = (r, shape) => fcn.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, r), shape);
const bits = (t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Counts turns of the page's event loop (a message that posts the next one) until stop(). */
function countMessageTurns() {
  const { port1, port2 } = new MessageChannel();
  let turns = 0, running = true;
  port1.onmessage = () => {
    turns++;
    if (running) port2.postMessage(null);
  };
  port2.postMessage(null);
  return {
    stop() {
      running = false;
      port1.close();
      return turns;
    },
  };
}

const r = rng(7);
const x = rand(r, [2, 32, 40, 40]), w = rand(r, [48, 32, 3, 3]), b = rand(r, [48]);
// 24² (not 16²): big enough that its Winograd phase path (9 multiplies a 2×2 tile) still splits across threads
const xt = rand(r, [1, 64, 24, 24]), wt = rand(r, [64, 32, 4, 4]);
const a = rand(r, [200, 300]), bb = rand(r, [300, 260]);
const spec = fcn.fcn({ variant: "8s", classes: 3, widths: [16, 32, 64, 64, 64], fc: 64, learnUpsampling: true, inputShape: [1, 3, 192, 192] });
const netX = rand(r, [1, 3, 192, 192]);

const ops = {
  conv: [() => fcn.conv(x, w, b, { pads: 1, strides: 2 }), () => fcn.convAsync(x, w, b, { pads: 1, strides: 2 })],
  convTranspose: [() => fcn.convTranspose(xt, wt, null, { strides: 2, pads: 1 }), () => fcn.convTransposeAsync(xt, wt, null, { strides: 2, pads: 1 })],
  gemm: [() => fcn.gemm(a, bb), () => fcn.gemmAsync(a, bb)],
  matmul: [() => fcn.matmul(a, bb), () => fcn.matmulAsync(a, bb)],
};

function fault(kind) {
  const rt = runtime();
  const ptr = rt.arena.allocResident(64, "test fault program");
  try {
    rt.pool.fault(kind, ptr);
    return "no error";
  } catch (e) {
    return `${e.name}: ${e.message}`;
  } finally {
    rt.arena.freeResident(ptr);
  }
}

async function waitForWorkers(n) {
  for (const until = Date.now() + 60_000; runtime().pool.liveWorkers() < n && Date.now() < until;) await new Promise((res) => setTimeout(res, 10));
  return runtime().pool.liveWorkers();
}

async function main() {
  // References: one thread, synchronous.
  await fcn.ready({ threads: 1 });
  const want = {};
  for (const [name, [sync]] of Object.entries(ops)) want[name] = bits(sync());
  const net1 = fcn.Net.fromGraph(spec);
  want.net = bits(net1.run(netX));
  await fcn.dispose();

  const info = await fcn.ready({ threads });
  const result = { info, crossOriginIsolated: self.crossOriginIsolated === true, sync: {}, async: {} };
  const pool = runtime().pool;
  result.pool = pool !== null;
  const before = pool?.dispatches ?? 0;
  for (const [name, [sync, async_]] of Object.entries(ops)) {
    result.sync[name] = same(bits(sync()), want[name]);
    result.async[name] = same(bits(await async_()), want[name]);
  }
  result.dispatches = (pool?.dispatches ?? 0) - before;
  result.asyncDispatches = pool?.asyncDispatches ?? 0;

  // While a worker runs an async program the page's event loop turns. The program is a gate held
  // until the page has counted its turns (Pool.hold), so the verdict never depends on how long
  // some op happens to take; then a long convAsync gives the same bits on the worker.
  if (pool !== null) {
    const rt = runtime();
    const ptr = rt.arena.allocResident(64, "test gate program");
    try {
      const held = pool.hold(ptr);
      await held.started;
      let busyTurns = 0;
      for (let i = 0; i < 10; i++) {
        if (pool.busy) busyTurns++;
        await new Promise((res) => setTimeout(res, 0));
      }
      held.open();
      result.held = { busyTurns, ran: await held.done, busyAfter: pool.busy };
    } finally {
      rt.arena.freeResident(ptr);
    }
  }
  const xl = rand(r, [1, 64, 128, 128]), wl = rand(r, [64, 64, 3, 3]);
  const wantLong = bits(fcn.conv(xl, wl, null, { pads: 1 }));
  result.longConv = { same: same(bits(await fcn.convAsync(xl, wl, null, { pads: 1 })), wantLong) };

  // Net.runAsync: bit-identical, and the page's event loop turns while it runs.
  const net = fcn.Net.fromGraph(spec);
  result.netSync = same(bits(net.run(netX)), want.net);
  // Turns of the page's event loop counted with messages, the task source runAsync yields on
  // (setTimeout turns would count milliseconds: a fast machine runs a layer in less than one).
  const loop = countMessageTurns();
  const t0 = performance.now();
  const y = await net.runAsync(netX);
  result.runAsyncMs = performance.now() - t0;
  result.netAsync = same(bits(y), want.net);
  result.turnsDuringRunAsync = loop.stop();
  result.layers = spec.layers.length;

  if (pool !== null) {
    result.workersBefore = pool.liveWorkers();
    result.faults = {};
    result.faults.threw = fault(FAULT_THROW);
    result.faults.afterThrow = same(bits(ops.conv[0]()), want.conv);
    result.faults.exited = fault(FAULT_EXIT);
    result.faults.workersAfterExit = await waitForWorkers(threads - 1);
    result.faults.afterExit = same(bits(await ops.conv[1]()), want.conv);
    const old = setPoolTimeout(500);
    try {
      result.faults.hung = fault(FAULT_HANG);
    } finally {
      setPoolTimeout(old);
    }
    result.faults.workersAfterHang = await waitForWorkers(threads - 1);
    result.faults.afterHang = same(bits(ops.gemm[0]()), want.gemm);
  }
  return result;
}

window.fcnDispose = () => fcn.dispose().then(() => "disposed");

const output = document.getElementById("output");
main().then(
  (result) => {
    output.dataset.result = JSON.stringify(result);
  },
  (error) => {
    output.dataset.error = `${error?.name}: ${error?.message ?? error}\n${error?.stack ?? ""}`;
  },
);

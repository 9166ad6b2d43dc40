// Threads in a browser (README "Threads in browsers"), in Debian's Chromium through playwright-core: the page
// test/browser/threads/ (served from the repository root, importing dist/ as built) with COOP/COEP
// headers is crossOriginIsolated and ready({ threads: 2 }) runs a pool of one module Web Worker:
// sync ops (from the page's main thread), the async forms and Net.runAsync give results
// bit-identical to one thread's, the sync ops are split, an async op runs on the worker while the
// page's event loop turns, and it turns between layers of Net.runAsync, a worker that throws, exits or hangs surfaces as PoolError and is replaced, and
// dispose() ends the workers. Inside a Web Worker of the page's own the pool works too. Without
// the headers the page gets one thread and the reason.
//
// Skipped (loudly) only when there is no Chromium and CI is not set, as bundlers.test.ts.
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helpers without type declarations
import { launchChromium, loadApp } from "../../scripts/lib/chromium.js";
// @ts-expect-error: plain ESM helpers without type declarations
import { REPO } from "./harness/consumer.js";
// @ts-expect-error: plain ESM helpers without type declarations
import { serve } from "../../scripts/lib/static-server.js";
import { requireChromium, setupSuite, skipWithoutChromium } from "./suite.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const SKIP = skipWithoutChromium("test/browser/threads");

const PAGE = "/test/browser/threads/index.html?threads=2";
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe.skipIf(SKIP)("browser: threads (Web Worker pool) in Debian Chromium", () => {
  let browser: any = null;
  const servers: any[] = [];
  let isolated: any = null;
  let plain: any = null;
  let inWorker: any = null;

  setupSuite(async () => {
    browser = await launchChromium(requireChromium());
    const open = async (opts: Record<string, unknown>) => {
      const server = await serve(REPO, opts);
      servers.push(server);
      return loadApp(browser.context, server.url(PAGE), { timeout: 90_000 });
    };
    isolated = await open({ isolated: true });
    plain = await open({});
    const server = await serve(REPO, { isolated: true });
    servers.push(server);
    inWorker = await loadApp(browser.context, server.url("/test/browser/threads/worker.html"), { timeout: 90_000 });
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
  });

  function expectClean(r: any): void {
    expect(r.error, "the page's error").toBeNull();
    expect(r.pageErrors, "uncaught page errors").toEqual([]);
    expect(r.failedRequests, "failed requests").toEqual([]);
    // The one expected console error: the worker that threw on purpose logs its message.
    expect(r.consoleErrors.filter((m: string) => !/fault injected in worker/.test(m)), "console errors").toEqual([]);
  }

  it("with COOP/COEP the page is crossOriginIsolated and ready({ threads: 2 }) runs 2 threads on the -threads build", () => {
    expectClean(isolated);
    const { result } = isolated;
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.info.threads).toBe(2);
    expect(result.info.build).toMatch(/-threads$/);
    expect(result.info.threadsReason).toMatch(/1 module Web Worker on one shared memory/);
    expect(result.pool).toBe(true);
    expect(result.workersBefore).toBe(1);
    expect(isolated.requests.some((u: string) => new URL(u).pathname === "/dist/runtime/worker-web.js"), "worker script fetched").toBe(true);
  });

  it("sync ops from the page's main thread and the async forms are split and bit-identical to one thread", () => {
    const { result } = isolated;
    expect(result.sync).toEqual({ conv: true, convTranspose: true, gemm: true, matmul: true });
    expect(result.async).toEqual({ conv: true, convTranspose: true, gemm: true, matmul: true });
    expect(result.dispatches, "pool dispatches (the sync ops split)").toBeGreaterThanOrEqual(4);
    expect(result.netSync).toBe(true);
    expect(result.netAsync).toBe(true);
  });

  it("an async op runs on a worker: the page's event loop turns while a worker runs an async program", () => {
    const { result } = isolated;
    expect(result.asyncDispatches, "async stages handed to the worker").toBeGreaterThanOrEqual(4);
    expect(result.held, "10 setTimeout turns while a gate program held the worker").toEqual({ busyTurns: 10, ran: true, busyAfter: false });
    expect(result.longConv.same, "a long convAsync on the worker, bit-identical").toBe(true);
  });

  it("the page's event loop turns during Net.runAsync (it yields before every layer)", () => {
    const { result } = isolated;
    console.log(`Net.runAsync: ${result.layers} layers in ${result.runAsyncMs.toFixed(1)} ms; ${result.turnsDuringRunAsync} message turns meanwhile`);
    // A runAsync that blocked would leave one or two turns; it yields once per layer.
    expect(result.turnsDuringRunAsync).toBeGreaterThanOrEqual(result.layers / 2);
  });

  it("a worker that throws, exits or hangs surfaces as PoolError on the call; the pool recovers", () => {
    const { faults } = isolated.result;
    expect(faults.threw).toMatch(/^PoolError: a pool worker threw/);
    expect(faults.exited).toMatch(/^PoolError: a pool worker exited during the call/);
    expect(faults.hung).toMatch(/^PoolError: a pool worker did not finish its share within 500 ms/);
    expect(faults.workersAfterExit).toBe(1);
    expect(faults.workersAfterHang).toBe(1);
    expect([faults.afterThrow, faults.afterExit, faults.afterHang]).toEqual([true, true, true]);
  });

  it("dispose() ends the Web Workers", async () => {
    const page = isolated.page;
    expect(page.workers().length).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => (window as any).fcnDispose())).toBe("disposed");
    for (let i = 0; i < 100 && page.workers().length > 0; i++) await sleep(50);
    expect(page.workers().map((w: any) => w.url())).toEqual([]);
  });

  it("inside a Web Worker of the page's own: a nested pool worker, sync ops split (Atomics.wait) and bit-identical", () => {
    expectClean(inWorker);
    const { result } = inWorker;
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.info.threads).toBe(2);
    expect(result.dispatches).toBeGreaterThanOrEqual(1);
    expect([result.sync, result.async]).toEqual([true, true]);
  });

  it("without COOP/COEP: one thread, the reason in RuntimeInfo, the same results, no worker", () => {
    expectClean(plain);
    const { result } = plain;
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.info.threads).toBe(1);
    expect(result.info.build).not.toMatch(/-threads$/);
    expect(result.info.threadsReason).toMatch(/not crossOriginIsolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    expect(result.pool).toBe(false);
    expect(result.sync).toEqual({ conv: true, convTranspose: true, gemm: true, matmul: true });
    expect(result.async).toEqual({ conv: true, convTranspose: true, gemm: true, matmul: true });
    expect([result.netSync, result.netAsync]).toEqual([true, true]);
    expect(result.longConv.same).toBe(true);
    expect(plain.page.workers()).toEqual([]);
    expect(plain.requests.some((u: string) => u.endsWith("worker-web.js"))).toBe(false);
  });
});

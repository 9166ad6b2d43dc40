// The published package in a real browser: `npm pack`'s tarball, unpacked into fresh consumer
// apps, bundled by Vite and by webpack 5 with no plugin and no path setting, served on 127.0.0.1
// (plain, with COOP/COEP, and under a strict CSP) and loaded in Debian's Chromium through
// playwright-core. Each page runs convTranspose on known answers and reports ready()'s RuntimeInfo.
// Also: the tarball's file list, the size of each .wasm, no eval in the shipped JS, and Node
// importing the same unpacked package.
//
// Skipped (loudly) only when there is no Chromium and CI is not set; under CI a missing Chromium
// fails (.ci/run installs Debian's `chromium`).
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helpers without type declarations
import { launchChromium, loadApp } from "../../scripts/lib/chromium.js";
// @ts-expect-error: plain ESM helpers without type declarations
import { REPO, createApp, pack } from "./harness/consumer.js";
// @ts-expect-error: plain ESM helpers without type declarations
import { serve } from "../../scripts/lib/static-server.js";
// @ts-expect-error: plain ESM helpers without type declarations
import { WASM_LIMIT, sizes, table } from "./harness/sizes.js";
import { requireChromium, setupSuite, skipWithoutChromium } from "./suite.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Loaded = Awaited<ReturnType<typeof loadApp>> & { server: any };

const SKIP = skipWithoutChromium("test/browser");

// The loader reads a file: URL through `import("node:fs/promises")`. webpack 5 (target web)
// cannot bundle a `node:` import unless it is marked `/* webpackIgnore: true */`. Until the
// shipped loader has that mark, "webpack bundles the shipped package" is an expected failure
// and the webpack page tests run on a copy with exactly that one-line change.
const LOADER_SOURCE = readFileSync(join(REPO, "dist/runtime/runtime.js"), "utf8");
const LOADER_IMPORT = /import\(\s*["']node:fs\/promises["']\s*\)/;
const LOADER_WEBPACK_SAFE = !LOADER_IMPORT.test(LOADER_SOURCE);
const LOADER_FIX = 'import(/* webpackIgnore: true */ /* @vite-ignore */ "node:fs/promises")';

/** `node test/browser/harness/consumer.js build BUNDLER APP OUT`; resolves to OUT, echoing the bundler's warnings. */
function build(bundler: "vite" | "webpack", app: string, outDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Without vitest's NODE_ENV=test, which would make Vite build in a development flavour.
    const env = { ...process.env };
    delete env.NODE_ENV;
    execFile(process.execPath, [join(REPO, "test/browser/harness/consumer.js"), "build", bundler, app, outDir], { encoding: "utf8", env }, (err, stdout, stderr) => {
      if (stderr.trim()) console.warn(`${bundler} build of ${app}:\n${stderr.trim()}`);
      if (err) reject(new Error(`${bundler} build of ${app} failed: ${stderr || err.message}`));
      else resolve(outDir);
    });
  });
}

/** 1-D tap counts of the FCN-style case (3 inputs, k 4, s 2, pads 1), outer product + bias. */
const FCN_AXIS = [1, 2, 2, 2, 2, 1];
const EXPECTED_CASES = {
  readme: { shape: [1, 1, 4, 4], data: [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4] },
  subpixel: { shape: [1, 1, 1, 3], data: [4, 10, 6] },
  "gemm-col2im": { shape: [1, 1, 1, 3], data: [4, 10, 6] },
  fcn: { shape: [1, 1, 6, 6], data: FCN_AXIS.flatMap((r) => FCN_AXIS.map((c) => r * c + 0.5)) },
};

describe.skipIf(SKIP)("browser: the packed package in Vite and webpack 5 apps (Debian Chromium)", () => {
  let tmp = "";
  let packed: { tarball: string; files: { path: string; size: number }[] };
  let pkgDir = ""; // an unpacked copy of the tarball (inside the Vite test app)
  const out: Record<string, string> = {};
  let webpackShippedError: string | null = null;
  let browser: { context: any; version: string | null; close: () => Promise<void> } | null = null;
  const servers: { close: () => Promise<void> }[] = [];

  setupSuite(setup, 180_000);

  async function setup(): Promise<void> {
    const chromium = requireChromium();
    const t0 = Date.now();
    tmp = mkdtempSync(join(tmpdir(), "fcn-wasm-browser-"));
    packed = pack(join(tmp, "pack"));
    const example = createApp(join(REPO, "examples/vite"), join(tmp, "example"), packed.tarball);
    const app = createApp(join(REPO, "test/browser/app"), join(tmp, "app"), packed.tarball);
    pkgDir = join(app, "node_modules/fcn-wasm");
    const webpackApp = createApp(join(REPO, "test/browser/app"), join(tmp, "app-webpack"), packed.tarball);

    // Each build in its own Node process, as a user's `vite build` / webpack run would be.
    const [example_, vite_, webpack_] = await Promise.allSettled([
      build("vite", example, join(tmp, "out/example-vite")),
      build("vite", app, join(tmp, "out/vite")),
      build("webpack", webpackApp, join(tmp, "out/webpack")),
    ]);
    for (const [name, r] of [["example", example_], ["vite", vite_]] as const) {
      if (r.status === "rejected") throw r.reason;
      out[name] = r.value;
    }
    if (webpack_.status === "fulfilled") {
      out.webpack = webpack_.value;
    } else {
      webpackShippedError = String((webpack_.reason as Error).message);
      // The recommended loader change, applied to this temp copy only (see LOADER_FIX).
      const file = join(webpackApp, "node_modules/fcn-wasm/dist/runtime/runtime.js");
      writeFileSync(file, readFileSync(file, "utf8").replace(LOADER_IMPORT, LOADER_FIX));
      console.warn(
        `\n*** webpack 5 cannot bundle the shipped package: ${/UnhandledSchemeError[^\n]*/.exec(webpackShippedError)?.[0] ?? webpackShippedError}\n` +
          `*** the webpack page tests below run on a copy whose loader says ${LOADER_FIX} ***\n`,
      );
      out.webpack = await build("webpack", webpackApp, join(tmp, "out/webpack"));
    }
    const t1 = Date.now();
    browser = await launchChromium(chromium);
    console.log(`browser test setup: pack + 3 builds ${t1 - t0} ms, Chromium ${browser!.version} started in ${Date.now() - t1} ms`);
  }

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function open(dir: string, path = "/", opts: Record<string, unknown> = {}): Promise<Loaded> {
    const server = await serve(dir, opts);
    servers.push(server);
    const loaded = await loadApp(browser!.context, server.url(path));
    return { ...loaded, server };
  }

  /** What every page must satisfy: no error anywhere, only its own server's files fetched. */
  function expectClean(r: Loaded, wasmRequests = 1): void {
    expect(r.error, "the app's error").toBeNull();
    expect(r.pageErrors, "uncaught page errors").toEqual([]);
    expect(r.consoleErrors, "console errors").toEqual([]);
    expect(r.failedRequests, "failed requests").toEqual([]);
    const foreign = r.requests.filter((u: string) => !u.startsWith(r.server.origin + "/"));
    expect(foreign, "requests outside the app's 127.0.0.1 server").toEqual([]);
    expect(wasmFetches(r), "wasm fetched").toHaveLength(wasmRequests);
    if (r.consoleWarnings.length > 0) console.warn(`console warnings: ${r.consoleWarnings.join(" | ")}`);
  }

  /** The .wasm files the page fetched (by path: a query may name one too). */
  function wasmFetches(r: Loaded): string[] {
    return r.requests.filter((u: string) => new URL(u).pathname.endsWith(".wasm"));
  }

  function expectCases(result: any): void {
    for (const [name, want] of Object.entries(EXPECTED_CASES)) {
      expect(result.cases[name].shape, name).toEqual(want.shape);
      expect(result.cases[name].data, name).toEqual(want.data);
    }
  }

  it("the tarball holds the entry, its types, the four .wasm builds and nothing else of the repo", () => {
    const paths = packed.files.map((f) => f.path);
    for (const p of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/runtime/runtime.js", "dist/wasm/fcn-wasm.simd.wasm", "dist/wasm/fcn-wasm.relaxed.wasm",
    "dist/wasm/fcn-wasm.simd-threads.wasm", "dist/wasm/fcn-wasm.relaxed-threads.wasm", "dist/runtime/worker.js"]) {
      expect(paths, p).toContain(p);
    }
    expect(paths.filter((p) => !/^(package\.json|README\.md|dist\/.*\.(js|d\.ts|wasm))$/.test(p)), "unexpected files").toEqual([]);
  });

  it(`every shipped .wasm is at most ${WASM_LIMIT / 1024} KB; sizes (raw, gzip) are reported`, () => {
    const wasm = sizes(pkgDir, /\.wasm$/);
    const js = sizes(pkgDir, /\.js$/);
    console.log(table("packed .wasm", wasm));
    console.log(table("packed JS", { rows: [{ file: `dist/**/*.js (${js.rows.length} files)`, ...js.total }], total: js.total }));
    for (const [name, dir] of Object.entries(out)) console.log(table(`${name} app (built)`, sizes(dir, /\.(js|wasm)$/)));
    expect(wasm.rows.length).toBe(4); // simd, relaxed and their -threads builds (Node's pool)
    for (const r of wasm.rows) expect(r.raw, r.file).toBeLessThanOrEqual(WASM_LIMIT);
  });

  it("the shipped JS uses no eval and no Function constructor", () => {
    const js = sizes(pkgDir, /\.js$/).rows.map((r: { file: string }) => [r.file, readFileSync(join(pkgDir, r.file), "utf8")]);
    const offenders = js.filter(([, src]: string[]) => /(^|[^.\w])eval\s*\(|new\s+Function\s*\(|(^|[^.\w])Function\s*\(\s*["'`]/m.test(src.replace(/\/\/.*$/gm, "")));
    expect(offenders.map(([f]: string[]) => f)).toEqual([]);
  });

  it("Node imports the same unpacked package by name and runs convTranspose", () => {
    const script =
      'import { ready, tensor, convTranspose } from "fcn-wasm";' +
      "const info = await ready();" +
      "const y = convTranspose(tensor([1, 2, 3, 4], [1, 1, 2, 2]), tensor([1, 1, 1, 1], [1, 1, 2, 2]), null, { strides: 2 });" +
      "console.log(JSON.stringify({ info, shape: y.shape, data: Array.from(y.data) }));";
    const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: join(pkgDir, "../.."), encoding: "utf8" });
    const r = JSON.parse(stdout);
    expect(r.info.threads).toBe(1);
    expect(["simd", "relaxed"]).toContain(r.info.build);
    expect(r.shape).toEqual(EXPECTED_CASES.readme.shape);
    expect(r.data).toEqual(EXPECTED_CASES.readme.data);
  });

  it("examples/vite, built by Vite, shows the README's result", async () => {
    const r = await open(out.example);
    expectClean(r);
    expect(r.result.shape).toEqual(EXPECTED_CASES.readme.shape);
    expect(r.result.data).toEqual(EXPECTED_CASES.readme.data);
    expect(await r.page.locator("#output").textContent()).toBe("1 1 2 2\n1 1 2 2\n3 3 4 4\n3 3 4 4");
    await r.page.close();
  });

  it("Vite: ready() picks relaxed SIMD, one thread with its reason; convTranspose is right", async () => {
    const r = await open(out.vite);
    expectClean(r);
    expect(r.result.info).toEqual({
      build: "relaxed",
      buildReason: "this host validates relaxed SIMD: the relaxed build (fused multiply-add)",
      threads: 1,
      threadsReason: "one thread requested (the default)",
      features: { simd: true, relaxedSimd: true },
    });
    expect(r.result.crossOriginIsolated).toBe(false);
    expectCases(r.result);
    expect(wasmFetches(r)[0]).toMatch(/fcn-wasm\.relaxed.*\.wasm$/);
    await r.page.close();
  });

  it("Vite: ready({ simd: 'simd', threads: 'auto' }) loads the SIMD128 build and says why one thread", async () => {
    const r = await open(out.vite, "/?simd=simd&threads=auto");
    expectClean(r);
    expect(r.result.info.build).toBe("simd");
    expect(r.result.info.threads).toBe(1);
    expect(r.result.info.threadsReason).toMatch(/auto/);
    expect(wasmFetches(r)[0]).toMatch(/fcn-wasm\.simd.*\.wasm$/);
    expectCases(r.result);
    await r.page.close();
  });

  it("Vite: ready({ wasm }) loads the module from the given URL instead", async () => {
    const r = await open(out.vite, "/?wasm=/elsewhere/fcn-wasm.simd.wasm", { alias: { "/elsewhere/": join(pkgDir, "dist/wasm") } });
    expectClean(r);
    expect(r.result.info.build).toBe("custom");
    expect(wasmFetches(r)).toEqual([`${r.server.origin}/elsewhere/fcn-wasm.simd.wasm`]);
    expectCases(r.result);
    await r.page.close();
  });

  it("Vite: works cross-origin isolated (COOP/COEP)", async () => {
    const r = await open(out.vite, "/", { isolated: true });
    expectClean(r);
    expect(r.result.crossOriginIsolated).toBe(true);
    expect(r.result.info.threads).toBe(1);
    expectCases(r.result);
    await r.page.close();
  });

  for (const bundler of ["vite", "webpack"] as const) {
    it(`${bundler === "vite" ? "Vite" : "webpack 5"}: ready({ threads: 2 }) in a COOP/COEP page starts the Web Worker pool from the bundle`, async () => {
      const r = await open(out[bundler], "/?threads=2", { isolated: true });
      expectClean(r);
      expect(r.result.crossOriginIsolated).toBe(true);
      expect(r.result.info.threads).toBe(2);
      expect(r.result.info.build).toBe("relaxed-threads");
      expect(r.result.info.threadsReason).toMatch(/1 module Web Worker on one shared memory/);
      expect(wasmFetches(r)).toHaveLength(1);
      if (bundler === "vite") expect(wasmFetches(r)[0]).toMatch(/fcn-wasm\.relaxed-threads.*\.wasm$/); // webpack names assets by hash
      // The bundler emitted the worker script (it resolves like the .wasm) and the page runs it.
      const workers = r.page.workers().map((w: any) => w.url());
      expect(workers).toHaveLength(1);
      expect(workers[0].startsWith(r.server.origin)).toBe(true);
      expectCases(r.result);
      await r.page.close();
    });
  }

  it("Vite: works under CSP script-src 'self' 'wasm-unsafe-eval' (which does block inline script)", async () => {
    const r = await open(out.vite, "/", { csp: true });
    expectClean(r);
    expect(r.result.violations).toEqual([]);
    expectCases(r.result);
    // The policy is in force: an inline script does not run.
    const inlineRan = await r.page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__inlineRan = true";
      document.head.append(s);
      return (window as any).__inlineRan === true;
    });
    expect(inlineRan).toBe(false);
    await r.page.close();
  });

  (LOADER_WEBPACK_SAFE ? it : it.fails)(
    `webpack 5 bundles the shipped package with no plugin${LOADER_WEBPACK_SAFE ? "" : " (EXPECTED FAILURE until the loader's node:fs import is marked webpackIgnore)"}`,
    () => {
      expect(webpackShippedError).toBeNull();
    },
  );

  for (const [label, opts] of [["plain", {}], ["COOP/COEP", { isolated: true }], ["CSP", { csp: true }]] as const) {
    it(`webpack 5: the app works (${label})`, async () => {
      const r = await open(out.webpack, "/", opts);
      expectClean(r);
      expect(r.result.info.build).toBe("relaxed");
      expect(r.result.info.threads).toBe(1);
      expect(r.result.crossOriginIsolated).toBe(label === "COOP/COEP");
      expect(r.result.violations).toEqual([]);
      expectCases(r.result);
      await r.page.close();
    });
  }
});

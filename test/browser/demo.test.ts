// The interactive page (`npm run demo`) in Debian's Chromium through playwright-core: it loads
// with no console error, page error or failed request; the sliders work from the keyboard and
// every view panel follows them; a layer a view cannot express shows the package's typed error in
// that panel; the scatter animation steps; the upsampling comparison draws; the three shipped nets
// (FCN-32s, 16s, 8s) segment the same images side by side with their mean IU, and "Train 5 steps"
// on a chosen net changes its loss, its learned upsampling filters and its predictions; screenshots
// have content.
//
// Skipped (loudly) only when there is no Chromium and CI is not set, as test/browser/bundlers.test.ts.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helpers without type declarations
import { launchChromium, loadApp } from "../../scripts/lib/chromium.js";
// @ts-expect-error: plain ESM helpers without type declarations
import { startDemo } from "../../scripts/demo.js";
import { requireChromium, setupSuite, skipWithoutChromium } from "./suite.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const SKIP = skipWithoutChromium("test/browser/demo");
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DEMO = join(REPO, "demo");

describe.skipIf(SKIP)("browser: the demo page (npm run demo) in Debian Chromium", () => {
  let server: any = null;
  let browser: any = null;
  let loaded: any = null;
  let page: any = null;
  let tmp = "";

  setupSuite(async () => {
    const chromium = requireChromium();
    tmp = mkdtempSync(join(tmpdir(), "fcn-wasm-demo-"));
    server = await startDemo({ port: 0 });
    browser = await launchChromium(chromium);
    const t0 = Date.now();
    loaded = await loadApp(browser.context, server.url("/"));
    page = loaded.page;
    console.log(`demo page ready in ${Date.now() - t0} ms (Chromium ${browser.version})`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Console errors, page errors and failed requests so far: all must stay empty. */
  function expectClean(): void {
    expect(loaded.error, "the page's own error").toBeNull();
    expect(loaded.pageErrors, "uncaught page errors").toEqual([]);
    expect(loaded.consoleErrors, "console errors").toEqual([]);
    expect(loaded.failedRequests, "failed requests").toEqual([]);
  }

  /** Distinct colours and the pixel data's checksum of a canvas (by CSS selector). */
  function canvasStats(selector: string): Promise<{ distinct: number; sum: number; width: number; height: number }> {
    return page.evaluate((sel: string) => {
      const c = document.querySelector(sel) as HTMLCanvasElement | null;
      if (!c) throw new Error(`no canvas ${sel}`);
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) {
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        sum = (sum * 31 + d[i] + 3 * d[i + 1] + 7 * d[i + 2]) % 1_000_000_007;
      }
      return { distinct: colours.size, sum, width: c.width, height: c.height };
    }, selector);
  }

  const text = (selector: string): Promise<string> => page.locator(selector).innerText();
  const panelErrors = (): Promise<Record<string, string>> =>
    page.evaluate(() => Object.fromEntries([...document.querySelectorAll(".panel")].map((p) => [p.id, (p as HTMLElement).dataset.error ?? "ok"])));

  /** Focuses a slider and presses a key `times` times, as a keyboard user would. */
  async function press(slider: string, key: string, times = 1): Promise<void> {
    await page.focus(`#ctl-${slider}`);
    for (let i = 0; i < times; i++) await page.keyboard.press(key);
  }

  it("loads with no console error, page error or failed request, only from its own server", () => {
    expectClean();
    const foreign = loaded.requests.filter((u: string) => !u.startsWith(server.origin + "/"));
    expect(foreign).toEqual([]);
    expect(loaded.result.info.build).toMatch(/simd|relaxed/);
  });

  it("the server maps only demo/, dist/ and weights/ of the repository", async () => {
    const status = async (path: string) => (await fetch(server.url(path))).status;
    expect(await status("/")).toBe(200);
    expect(await status("/dist/index.js")).toBe(200);
    for (const v of ["32s", "16s", "8s"]) expect(await status(`/weights/fcn-synthetic-${v}.safetensors`)).toBe(200);
    expect(await status("/weights/fcn-synthetic.js")).toBe(200);
    for (const p of ["/package.json", "/src/index.ts", "/scripts/demo.js", "/scripts/lib/progress.js", "/../package.json"]) expect(await status(p), p).toBe(404);
  });

  it("the page and the model's recipe import the package's public API only (dist/index.js)", () => {
    const files = [...readdirSync(DEMO, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js")).map((f) => join(DEMO, f)), join(REPO, "weights/fcn-synthetic.js")];
    for (const file of files) {
      for (const [, from] of readFileSync(file, "utf8").matchAll(/^import\b[^;]*?from\s+"([^"]+)"/gms)) {
        if (from.includes("dist/")) expect(from, `${file} imports ${from}`).toMatch(/^(\.\.\/)+dist\/index\.js$/);
        else expect(from, `${file} imports ${from}`).toMatch(/^\.{1,2}\//);
      }
    }
  });

  it("is readable at 1280 px: no horizontal scrolling, every view panel drawn", async () => {
    expect(page.viewportSize().width).toBe(1280);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(Object.values(await panelErrors()).every((e) => e === "ok")).toBe(true);
    for (const c of ["#scatter-canvas", "#zero-insertion-canvas", "#matrix-c", "#matrix-ct", "#subpixel-canvas", "#overlap-canvas"]) {
      expect((await canvasStats(c)).distinct, c).toBeGreaterThanOrEqual(3); // C with a ones kernel: background, zero, one
    }
  });

  it("the sliders work from the keyboard and every panel follows (k 3 → 4: checkerboard → uniform)", async () => {
    const before = {
      sizes: await text("#output-size-table"),
      scatter: await canvasStats("#scatter-canvas"),
      matrix: await canvasStats("#matrix-c"),
      overlap: await text("#overlap-summary"),
      zeros: await text("#zero-insertion-counts"),
    };
    expect(before.overlap).toMatch(/Checkerboard/);
    await press("kernel", "ArrowRight");
    expect(await page.locator("#ctl-kernel").inputValue()).toBe("4");
    expect(await text("#ctl-kernel-value")).toBe("4");
    expect(await text("#output-size-table")).not.toBe(before.sizes);
    expect(await text("#output-size-table")).toMatch(/PyTorch ConvTranspose2d\s+8/);
    expect((await canvasStats("#scatter-canvas")).sum).not.toBe(before.scatter.sum);
    expect((await canvasStats("#matrix-c")).sum).not.toBe(before.matrix.sum);
    expect(await text("#overlap-summary")).toMatch(/Uniform/);
    expect(await text("#zero-insertion-counts")).not.toBe(before.zeros);
    await press("kernel", "ArrowLeft");
    expect(await text("#overlap-summary")).toBe(before.overlap);
    expectClean();
  });

  it("a layer a view cannot express shows the typed error in that panel, not in the console", async () => {
    // Dilation 2: the sub-pixel view needs dilation 1 (UnsupportedError); the others draw.
    await press("dilation", "ArrowRight");
    let errors = await panelErrors();
    expect(errors["view-subpixel"]).toBe("UnsupportedError");
    expect(await text("#view-subpixel .error")).toMatch(/^UnsupportedError: .*dilation/s);
    expect(Object.entries(errors).filter(([id, e]) => id !== "view-subpixel" && e !== "ok")).toEqual([]);
    await press("dilation", "Home");
    // Output padding 2 with stride 2: no convention allows it (AttributeError) in every panel.
    await press("outputPadding", "ArrowRight", 2);
    errors = await panelErrors();
    expect(Object.values(errors).every((e) => e === "AttributeError"), JSON.stringify(errors)).toBe(true);
    expect(await text("#view-matrix .error")).toMatch(/AttributeError: .*outputPadding/s);
    await press("outputPadding", "Home");
    expect(Object.values(await panelErrors()).every((e) => e === "ok")).toBe(true);
    expectClean();
  });

  it("across random layers every panel either draws or shows a typed error of the package", async () => {
    const seen: Record<string, number> = await page.evaluate(() => {
      const ids = ["kernel", "stride", "pad", "dilation", "outputPadding", "input"];
      const defaults = ids.map((id) => (document.getElementById(`ctl-${id}`) as HTMLInputElement).value);
      const counts: Record<string, number> = {};
      let seed = 12345;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      for (let n = 0; n < 60; n++) {
        for (const id of ids) {
          const el = document.getElementById(`ctl-${id}`) as HTMLInputElement;
          el.value = String(Number(el.min) + Math.floor(rand() * (Number(el.max) - Number(el.min) + 1)));
        }
        document.getElementById("ctl-input")!.dispatchEvent(new Event("input"));
        for (const p of document.querySelectorAll(".panel")) {
          const state = (p as HTMLElement).dataset.error ?? "ok";
          counts[state] = (counts[state] ?? 0) + 1;
        }
      }
      ids.forEach((id, i) => ((document.getElementById(`ctl-${id}`) as HTMLInputElement).value = defaults[i]));
      document.getElementById("ctl-input")!.dispatchEvent(new Event("input"));
      return counts;
    });
    expect(Object.keys(seen).filter((k) => !["ok", "AttributeError", "ShapeError", "UnsupportedError"].includes(k))).toEqual([]);
    expect(seen.ok).toBeGreaterThan(100);
    expectClean();
  });

  it("the scatter animation steps from the keyboard (Reset, Step, Play / Pause)", async () => {
    await page.focus("#scatter-reset");
    await page.keyboard.press("Enter");
    expect(await page.locator("#scatter-canvas").getAttribute("data-step")).toBe("0");
    const empty = await canvasStats("#scatter-canvas");
    await page.focus("#scatter-step");
    await page.keyboard.press("Space");
    await page.keyboard.press("Space");
    expect(await page.locator("#scatter-canvas").getAttribute("data-step")).toBe("2");
    expect(await text("#scatter-status")).toMatch(/^2 of 9 stamps/);
    expect((await canvasStats("#scatter-canvas")).sum).not.toBe(empty.sum);
    await page.focus("#scatter-play");
    await page.keyboard.press("Enter");
    expect(await page.locator("#scatter-play").getAttribute("aria-pressed")).toBe("true");
    await page.waitForFunction(() => Number((document.querySelector("#scatter-canvas") as HTMLElement).dataset.step) >= 3, null, { timeout: 5000 });
    await page.keyboard.press("Enter");
    expect(await page.locator("#scatter-play").getAttribute("aria-pressed")).toBe("false");
    expectClean();
  });

  it("the upsampling comparison draws: bilinear is smooth, the odd kernel shows a checkerboard", async () => {
    for (const c of ["#up-input", "#up-bilinear", "#up-odd", "#up-resize-conv"]) {
      expect((await canvasStats(c)).distinct, c).toBeGreaterThan(20);
    }
    expect(await text("#up-odd-caption")).toMatch(/checkerboard/);
    const before = await canvasStats("#up-odd");
    await page.selectOption("#up-factor", "2");
    const after = await canvasStats("#up-odd");
    expect(after.width).toBeLessThan(before.width);
    await page.selectOption("#up-factor", "4");
    expectClean();
  });

  it("the three shipped nets segment the same images side by side, each with its mean IU", async () => {
    const nets = ["32s", "16s", "8s"];
    for (const v of nets) {
      const miu = loaded.result.fcn[v].meanIU;
      expect(miu, `FCN-${v}: the shipped weights segment better than background-only (mean IU ≈ 0.15)`).toBeGreaterThan(0.2);
      expect(Number(await page.locator(`#fcn-score-${v}`).getAttribute("data-mean-iu"))).toBeCloseTo(miu, 5);
      expect(await text(`#fcn-score-${v}`)).toMatch(new RegExp(`FCN-${v}\\s+${(100 * miu).toFixed(1)}%`));
    }
    expect(loaded.result.fcn["8s"].meanIU, "the pool3 and pool4 skips refine FCN-32s").toBeGreaterThan(loaded.result.fcn["32s"].meanIU);
    for (let n = 0; n < 3; n++) {
      expect((await canvasStats(`#fcn-input-${n}`)).distinct).toBeGreaterThan(50);
      const sums = new Set<number>();
      for (const v of nets) {
        const stats = await canvasStats(`#fcn-prediction-${v}-${n}`);
        expect(stats.distinct, `FCN-${v} image ${n}`).toBeGreaterThan(1);
        sums.add(stats.sum);
      }
      expect(sums.size, `image ${n}: the three nets predict differently`).toBeGreaterThan(1);
    }
    expectClean();
  });

  it("Train 5 steps continues training the chosen net (FCN-16s): its loss, filters and predictions change, the others' do not", async () => {
    await page.selectOption("#fcn-net", "16s");
    const layers = ["upscore2", "upscore16"];
    expect(await page.locator("#fcn-filters [data-layer]").evaluateAll((els: Element[]) => els.map((e) => e.getAttribute("data-layer")))).toEqual(layers);
    const before: Record<string, number> = {};
    for (const l of layers) {
      before[l] = (await canvasStats(`#fcn-filter-${l}`)).sum;
      expect(await page.locator(`[data-layer="${l}"]`).getAttribute("data-max-delta")).toBe("0.000e+0");
    }
    const predictions = async (v: string) => (await Promise.all([0, 1, 2].map((n) => canvasStats(`#fcn-prediction-${v}-${n}`)))).map((s) => s.sum);
    const p16 = await predictions("16s"), p8 = await predictions("8s");
    expect(await text("#fcn-score-16s")).toMatch(/–$/); // no loss yet
    const t0 = Date.now();
    await page.focus("#fcn-train");
    await page.keyboard.press("Enter");
    await page.locator('#fcn[data-steps16s="5"]').waitFor({ timeout: 60_000 });
    console.log(`5 training steps of FCN-16s in the page: ${Date.now() - t0} ms`);
    expect(await text("#fcn-status")).toMatch(/FCN-16s: step 5 .*loss \d.*Mean IU/);
    expect(await text("#fcn-score-16s")).toMatch(/\s5\s+\d+\.\d{4}$/); // 5 steps here, a loss
    for (const l of layers) {
      const delta = Number(await page.locator(`[data-layer="${l}"]`).getAttribute("data-max-delta"));
      expect(delta, l).toBeGreaterThan(0);
      expect((await canvasStats(`#fcn-filter-${l}`)).sum, `${l} redrawn with new values`).not.toBe(before[l]);
      expect((await canvasStats(`#fcn-delta-${l}`)).distinct, `${l} change map`).toBeGreaterThan(2);
    }
    expect(await predictions("16s"), "FCN-16s predicts differently after training").not.toEqual(p16);
    expect(await predictions("8s"), "FCN-8s was not trained").toEqual(p8);
    expect(await page.getAttribute("#fcn", "data-steps8s")).toBeNull();
    await page.selectOption("#fcn-net", "32s");
    expect(await page.locator(`[data-layer="upscore"]`).getAttribute("data-max-delta")).toBe("0.000e+0");
    expectClean();
  }, 90_000);

  it("a full-page screenshot has content", async () => {
    const png: Buffer = await page.screenshot({ fullPage: true });
    writeFileSync(join(tmp, "demo.png"), png);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const { width, height } = { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
    expect(width).toBe(1280);
    expect(height).toBeGreaterThan(1500);
    expect(png.length, "a blank page compresses to a few KB").toBeGreaterThan(100_000);
  });
});

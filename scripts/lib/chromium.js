// Debian's Chromium driven by playwright-core (never a browser that Playwright downloads).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Flags that keep Chromium off the (closed) network and quiet as root in a container. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium binary: $CHROMIUM_PATH, else `chromium` on PATH; null when there is none. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const which = spawnSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" });
  const path = which.status === 0 ? which.stdout.trim().split("\n")[0] : "";
  return path && existsSync(path) ? path : null;
}

/**
 * Starts Chromium with a fresh, empty --user-data-dir (removed by `close()`). Resolves to
 * `{ context, close }`: a Playwright BrowserContext and its teardown.
 */
export async function launchChromium(executablePath = findChromium()) {
  if (!executablePath) throw new Error("no Chromium binary: install Debian's `chromium` (apt-get install -y chromium) or set CHROMIUM_PATH");
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(join(tmpdir(), "fcn-wasm-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    timeout: 60_000,
  });
  return {
    context,
    version: context.browser()?.version() ?? null,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` in a new page and waits until the app has written its result (`#output` gets
 * `data-result` or `data-error`). Returns what the page produced and everything observed on the
 * way: console errors, page errors, failed requests and every URL the page asked for.
 */
export async function loadApp(context, url, { timeout = 30_000 } = {}) {
  const page = await context.newPage();
  const consoleErrors = [];
  const consoleWarnings = [];
  const pageErrors = [];
  const failedRequests = [];
  const requests = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
    else if (m.type() === "warning") consoleWarnings.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(String(e?.stack ?? e)));
  page.on("request", (r) => requests.push(r.url()));
  page.on("requestfailed", (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.url()}: HTTP ${r.status()}`);
  });
  await page.goto(url, { waitUntil: "load", timeout });
  const output = page.locator("#output[data-result], #output[data-error]");
  await output.waitFor({ state: "attached", timeout });
  const error = await page.locator("#output").getAttribute("data-error");
  const raw = await page.locator("#output").getAttribute("data-result");
  return { page, result: raw === null ? null : JSON.parse(raw), error, consoleErrors, consoleWarnings, pageErrors, failedRequests, requests };
}

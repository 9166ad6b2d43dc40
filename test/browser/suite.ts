// What the browser test files share: Debian's Chromium (a loud skip when it is missing outside CI,
// a failure under CI), and a suite setup whose failure fails every test of the suite.
import { beforeAll, beforeEach } from "vitest";
// @ts-expect-error: plain ESM helpers without type declarations
import { findChromium } from "../../scripts/lib/chromium.js";

export const CHROMIUM = findChromium() as string | null;
const IN_CI = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";

/** Whether the suite `name` must be skipped (no Chromium outside CI); says so loudly when it is. */
export function skipWithoutChromium(name: string): boolean {
  const skip = CHROMIUM === null && !IN_CI;
  if (skip) {
    console.warn(
      `\n*** ${name} SKIPPED: no Chromium binary (install Debian's \`chromium\`, or set CHROMIUM_PATH). ` +
        "Under CI=true this is a failure, not a skip. ***\n",
    );
  }
  return skip;
}

/** The Chromium binary, or the error CI must report when there is none. */
export function requireChromium(): string {
  if (CHROMIUM === null) {
    throw new Error("CI is set but no Chromium binary was found: .ci/run must install Debian's `chromium` (apt-get install -y chromium)");
  }
  return CHROMIUM;
}

/**
 * beforeAll(setup), except that a failure is kept and thrown by each test: a failing beforeAll
 * leaves its tests "skipped" in vitest's JSON report, which scripts/test.js would not count.
 */
export function setupSuite(setup: () => Promise<void>, timeoutMs: number): void {
  let setupError: unknown = null;
  beforeEach(() => {
    if (setupError !== null) throw setupError;
  });
  beforeAll(async () => {
    try {
      await setup();
    } catch (e) {
      setupError = e;
    }
  }, timeoutMs);
}

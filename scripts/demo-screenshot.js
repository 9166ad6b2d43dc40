// Writes docs/demo.png, the README's picture of the demo page: `npm run demo`'s page in Debian's
// Chromium at 1280 px, the scatter animation a few stamps in, the top of the page (the sliders and
// the first views). Fails if the PNG is 200 KB or more (it goes into the repository).
//   node scripts/demo-screenshot.js [OUT]
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium, loadApp } from "./lib/chromium.js";
import { startDemo } from "./demo.js";

const LIMIT = 200 * 1024;
const out = process.argv[2] ?? fileURLToPath(new URL("../docs/demo.png", import.meta.url));

const server = await startDemo({ port: 0 });
const browser = await launchChromium();
try {
  const { page, error, consoleErrors, pageErrors } = await loadApp(browser.context, server.url("/"));
  if (error || consoleErrors.length || pageErrors.length) throw new Error(`the page failed: ${error ?? [...consoleErrors, ...pageErrors].join("\n")}`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click("#scatter-reset");
  for (let i = 0; i < 5; i++) await page.click("#scatter-step");
  await page.evaluate(() => document.activeElement?.blur());
  await page.mouse.move(1270, 890); // no hover highlight on the buttons
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1280, height: 900 } });
  const size = statSync(out).size;
  console.log(`${out}: ${(size / 1024).toFixed(0)} KB`);
  if (size >= LIMIT) {
    console.error(`${out} is ${(size / 1024).toFixed(0)} KB, over the ${LIMIT / 1024} KB limit`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}

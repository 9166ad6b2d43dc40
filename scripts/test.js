// `npm test`: builds (so tests never run a stale dist/), runs the TS API tests (vitest, against
// dist/, both builds) and the kernel specs (as-pect, once per build), and ends with the line
// `N passed, M failed` summing both runners. Exit code 0 only when nothing failed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const node = process.execPath;
const run = (args, opts = {}) => spawnSync(node, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 1 << 28, ...opts });

let passed = 0;
let failed = 0;

// The npm that runs this script (npm_execpath), not the first `npm` on PATH: inside an npm script
// PATH starts with node_modules/.bin, where a dependency of as-pect installs npm 6.
const npmCli = process.env.npm_execpath;
const build = npmCli
  ? spawnSync(node, [npmCli, "run", "build", "--silent"], { stdio: "inherit" })
  : spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
if (build.status !== 0) {
  console.log("build failed");
  mkdirSync(".test-results", { recursive: true });
  writeFileSync(".test-results/summary.txt", "0 passed, 1 failed\n");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// 1. vitest: human output streams through; counts come from its JSON report.
mkdirSync(".test-results", { recursive: true });
const report = ".test-results/vitest.json";
rmSync(report, { force: true });
const filter = process.argv.slice(2);
const vitest = spawnSync(node, ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...filter], { stdio: "inherit" });
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A file that fails outside its tests (it does not load, or a beforeAll throws and its tests are
  // reported as skipped) must not pass silently: count it unless one of its tests already failed.
  for (const file of json.testResults) {
    if (file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed")) failed += 1;
  }
} catch {
  console.log(`vitest wrote no report (exit ${vitest.status})`);
  failed += 1;
}

// 2. as-pect on the SIMD128 build. (Its relaxed-SIMD compile aborts inside binaryen under the
// as-pect transform, so the relaxed build is covered by the vitest API tests, which run on both.)
const builds = [{ name: "simd", asconfig: "as-pect.asconfig.json", flags: [] }];
for (const b of builds) {
  const asp = run([...b.flags, "node_modules/@as-pect/cli/bin/asp.js", "-c", "as-pect.config.js", "-a", b.asconfig, "--no-logo"]);
  const out = (asp.stdout ?? "") + (asp.stderr ?? "");
  // as-pect prints one line per spec file: "✔ file.spec.ts Pass: X / Y …" (❌ when some failed).
  const files = [...out.matchAll(/(\S+\.spec\.ts)\s+(?:\x1b\[[0-9;]*m)*Pass: (\d+) \/ (\d+)/g)];
  let p = 0, f = 0;
  for (const m of files) {
    p += Number(m[2]);
    f += Number(m[3]) - Number(m[2]);
  }
  if (files.length === 0 || (asp.status !== 0 && f === 0)) {
    console.log(out.split("\n").filter((l) => !/^\s*[(a-z$]/.test(l) && l.length < 400).slice(-40).join("\n"));
    console.log(`as-pect (${b.name}) failed to run (exit ${asp.status})`);
    f += 1;
  } else if (f > 0) {
    console.log(out.split("\n").filter((l) => l.length < 400 && !/^\s*[(a-z$]/.test(l)).join("\n"));
  }
  console.log(`as-pect kernel specs (${b.name} build): ${p} passed, ${f} failed in ${files.length} files`);
  passed += p;
  failed += f;
}

const summary = `${passed} passed, ${failed} failed`;
writeFileSync(".test-results/summary.txt", summary + "\n");
console.log(summary);
process.exit(failed === 0 ? 0 : 1);

// Raw and gzip sizes of what the package ships (each .wasm, all JS) and of built apps.
//   node test/browser/harness/sizes.js [BUILT_APP_DIR …]
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { REPO } from "./consumer.js";

/** Every shipped .wasm must be at most this many bytes (raw). */
export const WASM_LIMIT = 150 * 1024;

export function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** `{ file, raw, gzip }` for one file (gzip at level 9, as a server would precompress). */
export function sizeOf(file, base = REPO) {
  const bytes = readFileSync(file);
  return { file: relative(base, file), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** Sizes of the files under `dir` whose names match `re`, and their sum. */
export function sizes(dir, re, base = dir) {
  const rows = walk(dir).filter((f) => re.test(f)).sort().map((f) => sizeOf(f, base));
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip }), { raw: 0, gzip: 0 });
  return { rows, total };
}

export function table(title, { rows, total }) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
  const lines = rows.map((r) => `  ${r.file.padEnd(48)} ${kb(r.raw)} ${kb(r.gzip)}`);
  if (rows.length > 1) lines.push(`  ${"total".padEnd(48)} ${kb(total.raw)} ${kb(total.gzip)}`);
  return [`${title}${" ".repeat(Math.max(1, 50 - title.length))}      raw      gzip`, ...lines].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dist = join(REPO, "dist");
  console.log(table("package .wasm (dist/wasm)", sizes(dist, /\.wasm$/, REPO)));
  const js = sizes(dist, /\.js$/, REPO);
  console.log(table("package JS", { rows: [{ file: `dist/**/*.js (${js.rows.length} files)`, ...js.total }], total: js.total }));
  for (const app of process.argv.slice(2)) console.log(table(`app ${app}`, sizes(resolve(app), /\.(js|wasm)$/)));
}

// Builds a consumer app the way a user of the published package would: from the tarball that
// `npm pack` makes (so a file missing from package.json "files" fails here), installed as the
// app's node_modules/fcn-wasm, then bundled by Vite or webpack 5 with no plugin and no path setting.
// Vite and webpack come from this repository's node_modules, so no registry is needed.
//
//   node test/browser/harness/consumer.js pack DEST_DIR            → prints the tarball's path
//   node test/browser/harness/consumer.js app SRC_DIR APP_DIR TGZ  → copies the app, unpacks the tarball
//   node test/browser/harness/consumer.js build vite|webpack APP_DIR OUT_DIR
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The npm that came with this Node. Not a bare "npm": under npx/npm scripts PATH starts with
 * node_modules/.bin, where a dependency's own old copy of npm lives.
 */
function npmCommand() {
  const beside = join(dirname(process.execPath), "npm");
  return existsSync(beside) ? beside : "npm";
}

/**
 * `npm pack` of the repository into `destDir` (scripts ignored: `prepare` would rebuild dist/;
 * dist/ must be built already). Returns the tarball's path and the files it holds.
 */
export function pack(destDir) {
  mkdirSync(destDir, { recursive: true });
  const out = execFileSync(npmCommand(), ["pack", "--ignore-scripts", "--json", "--pack-destination", destDir], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [info] = JSON.parse(out.slice(out.indexOf("[")));
  return { tarball: join(destDir, info.filename), files: info.files.map((f) => ({ path: f.path, size: f.size })), size: info.size };
}

/** A fresh app in `appDir`: the files of `srcDir` (not its node_modules) and the unpacked tarball. */
export function createApp(srcDir, appDir, tarball) {
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  for (const name of readdirSync(srcDir)) {
    if (name === "node_modules" || name === "dist") continue;
    cpSync(join(srcDir, name), join(appDir, name), { recursive: true });
  }
  const pkg = join(appDir, "node_modules", "fcn-wasm");
  mkdirSync(pkg, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"]);
  return appDir;
}

/** `vite build` of `appDir` (its index.html) into `outDir`, with Vite's defaults. */
export async function buildVite(appDir, outDir) {
  const { build } = await import("vite");
  await build({
    root: appDir,
    configFile: false,
    envDir: false,
    logLevel: "warn",
    mode: "production",
    cacheDir: join(appDir, "node_modules", ".vite"),
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/**
 * webpack 5 (Node API, production mode, default asset handling) of `appDir/main.js` into
 * `outDir`, plus an index.html: the app's own with its module script replaced by the bundle
 * (what html-webpack-plugin would do).
 */
export async function buildWebpack(appDir, outDir) {
  const { default: webpack } = await import("webpack");
  rmSync(outDir, { recursive: true, force: true });
  const compiler = webpack({
    mode: "production",
    context: appDir,
    entry: "./main.js",
    target: "web",
    devtool: false,
    output: { path: outDir, filename: "main.[contenthash:8].js" },
    performance: { hints: false },
    infrastructureLogging: { level: "error" },
  });
  const stats = await new Promise((done, fail) => compiler.run((err, s) => (err ? fail(err) : done(s))));
  await new Promise((done) => compiler.close(done));
  const json = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
  if (stats.hasErrors()) throw new Error(`webpack failed:\n${json.errors.map((e) => e.message.split("\n").filter((l) => !/^\s+at /.test(l)).join("\n")).join("\n")}`);
  for (const w of json.warnings) console.warn(`webpack warning: ${w.message}`);
  const bundle = json.assets.map((a) => a.name).find((n) => /^main\..*\.js$/.test(n));
  const html = readFileSync(join(appDir, "index.html"), "utf8").replace(/<script type="module" src="[^"]*"><\/script>/, `<script defer src="./${bundle}"></script>`);
  writeFileSync(join(outDir, "index.html"), html);
  return outDir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [cmd, ...args] = process.argv.slice(2);
  try {
    if (cmd === "pack") console.log(pack(resolve(args[0])).tarball);
    else if (cmd === "app") console.log(createApp(resolve(args[0]), resolve(args[1]), resolve(args[2])));
    else if (cmd === "build" && args[0] === "vite") console.log(await buildVite(resolve(args[1]), resolve(args[2])));
    else if (cmd === "build" && args[0] === "webpack") console.log(await buildWebpack(resolve(args[1]), resolve(args[2])));
    else {
      console.error("usage: consumer.js pack DEST | app SRC APP TGZ | build vite|webpack APP OUT");
      process.exit(2);
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}

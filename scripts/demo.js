// `npm run demo`: serves the interactive page (demo/) on 127.0.0.1, port from $PORT (default
// 5173). The page is plain ES modules importing the built package, so only these folders are
// served: demo/ at /, dist/ (run `npm run build` first) and weights/ (the trained FCN-32s, 16s and
// 8s and their recipe, fcn-synthetic.js, shared with `npm run reproduce` / `npm start`).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serve } from "./lib/static-server.js";

const repo = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/**
 * Starts the demo server; resolves to `{ origin, url(path), requests, close() }` (see
 * scripts/lib/static-server.js). `port` 0 picks a free one.
 */
export function startDemo({ port = defaultPort() } = {}) {
  if (!existsSync(repo("dist/index.js"))) throw new Error("dist/ is not built: run `npm run build` first");
  return serve(repo("demo"), {
    port,
    alias: { "/dist/": repo("dist"), "/weights/": repo("weights") },
  });
}

/** $PORT when it is a port number, else 5173. */
function defaultPort() {
  const port = Number(process.env.PORT);
  return Number.isInteger(port) && port >= 0 && port < 65536 && process.env.PORT?.trim() !== "" ? port : 5173;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const server = await startDemo();
    console.log(`fcn-wasm demo: ${server.url("/")}  (Ctrl-C stops it)`);
  } catch (e) {
    console.error(e?.code === "EADDRINUSE" ? `port ${e.port} is in use: set PORT to another one (PORT=5174 npm run demo)` : String(e?.message ?? e));
    process.exitCode = 1;
  }
}

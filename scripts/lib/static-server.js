// A tiny static file server for the browser tests (and for trying a built app by hand):
//   node scripts/lib/static-server.js DIR [PORT] [--isolated] [--csp]
// Serves DIR on 127.0.0.1 with the right MIME types (application/wasm matters: without it
// WebAssembly.instantiateStreaming refuses the file). Options add response headers to every
// answer: `isolated` adds COOP/COEP (so the page is crossOriginIsolated), `csp` adds a strict
// Content-Security-Policy. `alias` maps a URL prefix onto another folder (to serve a .wasm from a
// place the bundler did not put it, for `ready({ wasm })`). Every request is recorded.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
};

/** The policy the CSP case serves: no inline script, no eval; only WebAssembly compilation. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'";

export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/**
 * Starts a server for `root`. Resolves to `{ origin, url(path), requests, close() }` once it
 * listens (on an ephemeral port unless `port` is given).
 */
export function serve(root, { port = 0, isolated = false, csp = false, alias = {} } = {}) {
  const base = resolve(root);
  const requests = [];
  const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  if (isolated) Object.assign(headers, ISOLATION_HEADERS);
  if (csp) headers["Content-Security-Policy"] = typeof csp === "string" ? csp : CSP;

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    requests.push({ method: req.method, path });
    let dir = base;
    let rel = path;
    for (const [prefix, folder] of Object.entries(alias)) {
      if (path.startsWith(prefix)) {
        dir = resolve(folder);
        rel = path.slice(prefix.length);
        break;
      }
    }
    let file = normalize(join(dir, rel));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403, headers).end("forbidden");
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const size = statSync(file).size;
      res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Content-Length": size });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
    } catch {
      // Browsers ask for /favicon.ico on their own; answer it without an error in the console.
      if (path === "/favicon.ico") res.writeHead(204, headers).end();
      else res.writeHead(404, { ...headers, "Content-Type": "text/plain" }).end("not found");
    }
  });

  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolvePromise({
        origin,
        url: (p = "/") => origin + p,
        requests,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith("--")));
  const [root = ".", port = "8080"] = args.filter((a) => !a.startsWith("--"));
  const s = await serve(root, { port: Number(port), isolated: flags.has("--isolated"), csp: flags.has("--csp") });
  console.log(`serving ${resolve(root)} on ${s.origin}${flags.size ? ` (${[...flags].join(" ")})` : ""}`);
}

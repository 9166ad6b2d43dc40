// fcn-wasm in a Web Worker (where Atomics.wait is allowed): ready({ threads: 2 }) starts a nested
// pool worker; sync ops split and wait as in Node; results bit-identical to one thread.
import * as fcn from "/dist/index.js";
import { runtime } from "/dist/runtime/runtime.js";

const rand = (n, seed) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5);
};
const bits = (t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function main() {
  const x = fcn.tensor(rand(2 * 32 * 40 * 40, 1), [2, 32, 40, 40]), w = fcn.tensor(rand(48 * 32 * 9, 2), [48, 32, 3, 3]);
  await fcn.ready({ threads: 1 });
  const want = bits(fcn.conv(x, w, null, { pads: 1 }));
  await fcn.dispose();
  const info = await fcn.ready({ threads: 2 });
  const pool = runtime().pool;
  const before = pool?.dispatches ?? 0;
  const sync = same(bits(fcn.conv(x, w, null, { pads: 1 })), want);
  const dispatches = (pool?.dispatches ?? 0) - before;
  const async_ = same(bits(await fcn.convAsync(x, w, null, { pads: 1 })), want);
  await fcn.dispose();
  return { info, crossOriginIsolated: self.crossOriginIsolated === true, sync, async: async_, dispatches };
}

main().then((r) => postMessage(r), (e) => postMessage({ error: `${e?.name}: ${e?.message ?? e}` }));

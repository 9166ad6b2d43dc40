// Imported first by bench/run.ts: Node 20 validates relaxed SIMD only behind this V8 flag (and
// refuses it in NODE_OPTIONS), so it is set before any WebAssembly module compiles. Newer Node
// and Chrome ≥ 114 have relaxed SIMD on by default; there the flag is harmless.
import v8 from "node:v8";

v8.setFlagsFromString("--experimental-wasm-relaxed-simd");

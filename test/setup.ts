// Node 20 validates relaxed SIMD only behind a V8 flag; setting it before any module compiles
// lets the tests run the relaxed build too (Chrome ≥ 114 has it on by default).
import v8 from "node:v8";

v8.setFlagsFromString("--experimental-wasm-relaxed-simd");

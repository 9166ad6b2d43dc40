// Compiles assembly/index.ts into the four shipped builds, one of which ready() loads per host:
//   dist/wasm/fcn-wasm.simd.wasm             SIMD128
//   dist/wasm/fcn-wasm.relaxed.wasm          SIMD128 + relaxed SIMD (fused multiply-add in GEMM)
//   dist/wasm/fcn-wasm.{simd,relaxed}-threads.wasm  the same on a shared imported memory (the
//     worker pool: every worker instantiates it on one WebAssembly.Memory; no allocator runs)
// Every flag is given here: asc would otherwise pick up a stray ./asconfig.json.
import { main } from "assemblyscript/asc";
import { mkdirSync } from "node:fs";

const common = [
  "assembly/index.ts",
  "-O3", "--noAssert",
  "--runtime", "stub",
  "--importMemory", "--initialMemory", "1",
  "--enable", "simd",
];
const threads = ["--enable", "threads", "--sharedMemory", "--maximumMemory", "65536"];
const builds = {
  simd: [],
  relaxed: ["--enable", "relaxed-simd"],
  "simd-threads": threads,
  "relaxed-threads": ["--enable", "relaxed-simd", ...threads],
};
mkdirSync("dist/wasm", { recursive: true });
for (const [name, extra] of Object.entries(builds)) {
  const { error, stderr } = await main([...common, ...extra, "--outFile", `dist/wasm/fcn-wasm.${name}.wasm`]);
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${name} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`build-wasm: dist/wasm/fcn-wasm.${name}.wasm`);
}

// Compiles assembly/index.ts into the two shipped builds (design.md §3):
//   dist/wasm/fcn-wasm.simd.wasm     SIMD128
//   dist/wasm/fcn-wasm.relaxed.wasm  SIMD128 + relaxed SIMD (fused multiply-add in GEMM)
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
const builds = {
  simd: [],
  relaxed: ["--enable", "relaxed-simd"],
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

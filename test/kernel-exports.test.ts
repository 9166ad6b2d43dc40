// Each shipped module exports exactly the kernels src/runtime/kernels.ts lists, with the listed
// number of parameters, and nothing else: no reference kernel (those stay in the spec build), no
// kernel the TS side does not know. Reads the four builds in dist/wasm.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KERNELS } from "../dist/runtime/kernels.js";

const BUILD_FILES = ["simd", "relaxed", "simd-threads", "relaxed-threads"].map((b) => `fcn-wasm.${b}.wasm`);

describe("kernel module exports", () => {
  for (const file of BUILD_FILES) {
    it(`${file}: the exports are KERNELS, each a function of its listed arity`, async () => {
      const bytes = readFileSync(new URL(`../dist/wasm/${file}`, import.meta.url));
      const module = new WebAssembly.Module(bytes);
      const exported = WebAssembly.Module.exports(module);
      expect(exported.map((e) => e.name).sort(), "export names").toEqual(Object.keys(KERNELS).sort());
      expect(exported.filter((e) => e.kind !== "function"), "exports that are not functions").toEqual([]);
      const shared = file.includes("threads");
      const memory = new WebAssembly.Memory(shared ? { initial: 2, maximum: 65536, shared: true } : { initial: 2 });
      const instance = await WebAssembly.instantiate(module, { env: { memory } });
      for (const [name, params] of Object.entries(KERNELS)) {
        expect((instance.exports[name] as (...a: number[]) => unknown).length, `${name}: parameters`).toBe(params.length);
      }
    });
  }
});

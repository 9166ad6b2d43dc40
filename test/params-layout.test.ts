// The parameter blocks are declared once per language: @unmanaged classes in assembly/params.ts,
// and the tables src/ops/params.ts writes them from. This compiles a probe of the classes with asc
// (offsetof of every field the TS table names, the class size, the field's type) and checks that
// both sides agree: same field names in the same order, 4-byte words at 4·i, the same kinds.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { main } from "assemblyscript/asc";
import { describe, expect, it } from "vitest";
import { PARAM_BLOCKS } from "../dist/ops/params.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const KIND_CODE: Record<string, number> = { i32: 0, ptr: 1, f32: 2 };

/** The probe: per class its size, and per TS field its offset and kind (0 signed int, 1 unsigned, 2 float). */
function probeSource(): string {
  let src = `import { ${Object.keys(PARAM_BLOCKS).join(", ")} } from "./params";\n`;
  for (const [cls, table] of Object.entries(PARAM_BLOCKS)) {
    src += `export const ${cls}__size: i32 = offsetof<${cls}>();\n`;
    for (const field of Object.keys(table)) {
      const value = `changetype<${cls}>(0).${field}`;
      src += `export const ${cls}__${field}__offset: i32 = offsetof<${cls}>("${field}");\n`;
      src += `export const ${cls}__${field}__kind: i32 = isFloat(${value}) ? 2 : isSigned(${value}) ? 0 : 1;\n`;
    }
  }
  return src;
}

async function compileProbe(): Promise<Record<string, number>> {
  const probe = "assembly/__params_layout_probe__.ts";
  let binary: Uint8Array | null = null;
  const { error, stderr } = await main([probe, "--runtime", "stub", "--use", "abort=", "--initialMemory", "1", "--outFile", "probe.wasm"], {
    readFile: (name, baseDir) => {
      if (name.endsWith(probe)) return probeSource();
      return readFile(join(baseDir, name), "utf8").catch(() => null);
    },
    writeFile: (name, contents) => {
      if (name.endsWith(".wasm")) binary = contents as Uint8Array;
    },
    listFiles: () => [],
    baseDir: root,
  });
  if (error) throw new Error(`asc could not compile the layout probe: ${error.message}\n${stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(binary!, {});
  const out: Record<string, number> = {};
  for (const [name, g] of Object.entries(instance.exports)) out[name] = (g as WebAssembly.Global).value;
  return out;
}

describe("parameter blocks: assembly/params.ts and src/ops/params.ts agree", () => {
  it("every field the TS tables name is an AS field at 4·i of the kind the table says, and the classes have no other", async () => {
    const layout = await compileProbe();
    for (const [cls, table] of Object.entries(PARAM_BLOCKS)) {
      const fields = Object.keys(table);
      expect(layout[`${cls}__size`], `${cls}: size in bytes (4 per field of the TS table)`).toBe(4 * fields.length);
      fields.forEach((field, i) => {
        expect(layout[`${cls}__${field}__offset`], `${cls}.${field}: byte offset`).toBe(4 * i);
        expect(layout[`${cls}__${field}__kind`], `${cls}.${field}: kind (0 i32, 1 usize, 2 f32), TS says ${table[field]}`).toBe(KIND_CODE[table[field]]);
      });
    }
  }, 60_000);
});

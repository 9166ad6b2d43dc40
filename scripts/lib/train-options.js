// The command line of `npm run train`, parsed and checked before any training starts. The trained
// weights go to out/ by default, never over the shipped nets: an existing file is replaced
// only with --force, so a short trial run cannot silently destroy a model someone else made.
import { existsSync } from "node:fs";

export const DEFAULT_OUT = "out/fcn-synthetic-8s.safetensors";

const NUMBERS = { steps: 400, lr: 2e-3, eval: 64 };
const FLAGS = ["experiment", "force"];

/**
 * Parses `args` (process.argv after the script). Returns { steps, lr, eval, out, experiment, force },
 * or throws an Error whose message says what is wrong and how to fix it.
 */
export function parseTrainOptions(args) {
  const o = { ...NUMBERS, out: DEFAULT_OUT, experiment: false, force: false };
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : null;
    if (name !== null && FLAGS.includes(name)) {
      o[name] = true;
    } else if (name !== null && (name in NUMBERS || name === "out")) {
      const value = args[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      if (name === "out") {
        o.out = value;
      } else {
        const n = Number(value);
        const ok = name === "lr" ? Number.isFinite(n) && n > 0 : Number.isInteger(n) && n >= 1;
        if (!ok) throw new Error(`--${name}: expected ${name === "lr" ? "a positive number" : "a whole number ≥ 1"}, got '${value}'`);
        o[name] = n;
      }
    } else {
      throw new Error(`unknown argument '${args[i]}' (options: --steps N, --lr X, --eval N, --out FILE, --force, --experiment)`);
    }
  }
  if (!o.experiment && !o.force && existsSync(o.out)) {
    throw new Error(`${o.out} exists; pass --force to replace it, or --out another file`);
  }
  return o;
}

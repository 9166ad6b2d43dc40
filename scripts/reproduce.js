// `npm run reproduce`: FCN's Table 2 and Figure 4 on the generated dataset. Trains FCN-32s → 16s →
// 8s in the paper's order with learned, fixed and random-init upsampling
// (scripts/lib/reproduce-schedule.js), prints the table, writes out/reproduce.json and
// out/reproduce.png (scripts/lib/reproduce-picture.js).
//   npm run reproduce                 (about 10 minutes on 2 cores)
//   npm run reproduce -- --quick      (a smoke run: the same stages, few steps)
//   npm run reproduce -- --seed 2 --only learned --threads 1
//   npm run reproduce -- --control    (also FCN-32s trained on for the 16s and 8s stages' steps)
//   npm run reproduce -- --only learned --save weights
//                                     (also writes the learned nets as the shipped F16 weights)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as fcn from "../dist/index.js";
import { BATCH, DATA, NETS, SCHEDULE, UPSAMPLINGS, evaluate, formatTable, specFor, trainSchedule } from "./lib/reproduce-schedule.js";
import { drawReproduction } from "./lib/reproduce-picture.js";
import { progress } from "./lib/progress.js";

const usage = "expected --quick, --control, --seed N, --threads N|auto, --only learned,fixed,random-init, --save DIR";
const fail = (message) => {
  console.error(`npm run reproduce: ${message} (${usage})`);
  process.exit(2);
};
const options = { quick: false, control: false, seed: 7, threads: 2, upsamplings: UPSAMPLINGS, save: null };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const flag = args[i], value = args[i + 1];
  if (flag === "--quick" || flag === "--control") { options[flag.slice(2)] = true; continue; }
  if (!["--seed", "--threads", "--only", "--save"].includes(flag)) fail(`unknown argument '${flag}'`);
  if (value === undefined) fail(`${flag} needs a value`);
  i++;
  if (flag === "--seed") options.seed = Number(value);
  if (flag === "--threads") options.threads = value === "auto" ? "auto" : Number(value);
  if (flag === "--only") options.upsamplings = value.split(",");
  if (flag === "--save") options.save = value;
}
if (!Number.isInteger(options.seed)) fail(`--seed: expected a whole number`);
if (options.threads !== "auto" && !(Number.isInteger(options.threads) && options.threads >= 1)) fail(`--threads: expected a whole number ≥ 1 or auto`);
const bad = options.upsamplings.find((u) => !UPSAMPLINGS.includes(u));
if (bad !== undefined) fail(`--only: unknown upsampling '${bad}'`);
if (options.save !== null && !options.upsamplings.includes("learned")) fail("--save writes the learned nets: --only must include learned");
const { quick, seed, upsamplings } = options;
const only = upsamplings.length < UPSAMPLINGS.length;

const info = await fcn.ready({ threads: options.threads });
const schedule = quick ? SCHEDULE.quick : SCHEDULE.full;
console.log(`FCN-32s → 16s → 8s on ${DATA.size}×${DATA.size} generated images (${DATA.classes} classes), Adam, batch ${BATCH}, ` +
  `${schedule.eval} held-out images; ${info.threads} thread(s), initialisation seed ${seed}${quick ? ", --quick" : ""}`);

const t0 = performance.now();
const rows = [], trained = {};
for (const upsampling of upsamplings) {
  const { nets, rows: r } = trainSchedule(upsampling, schedule, {
    seed,
    onStep: (variant, step, steps, loss, seconds) => {
      progress(step, steps, loss, (step * BATCH) / seconds, `${upsampling.padEnd(11)} FCN-${variant.padEnd(3)} `);
      if (step === steps && process.stderr.isTTY) process.stderr.write("\n");
    },
  });
  rows.push(...r);
  trained[upsampling] = nets;
}
let control = [];
if (options.control) {
  // not a row of Table 2 (nor of out/reproduce.json): the 32s given the 16s and 8s stages' steps
  const { nets, rows: r } = trainSchedule("learned", schedule, {
    seed, control: true,
    onStep: (stage, step, steps, loss, seconds) => {
      progress(step, steps, loss, (step * BATCH) / seconds, `control     FCN-32s (${stage} stage) `);
      if (step === steps && process.stderr.isTTY) process.stderr.write("\n");
    },
  });
  control = r;
  for (const net of Object.values(nets)) net.dispose();
}
const total = (performance.now() - t0) / 1000;

console.log(`\n${formatTable(rows)}\n`);
if (control.length > 0) {
  console.log("Control: FCN-32s (learned) trained on through the 16s and 8s stages (steps: per stage):");
  console.log(`\n${formatTable(control)}\n`);
}
mkdirSync("out", { recursive: true });
writeFileSync("out/reproduce.json", `${JSON.stringify({ rows }, null, 2)}\n`);
const picture = trained.learned ?? trained[upsamplings[0]];
writeFileSync("out/reproduce.png", drawReproduction(picture, { data: DATA }));
console.log(`out/reproduce.json, out/reproduce.png (${only ? upsamplings.join(", ") : "learned"} nets); ${total.toFixed(0)} s of training`);
if (options.save !== null) saveShipped(trained.learned, rows.filter((r) => r.upsampling === "learned"), options.save);
for (const nets of Object.values(trained)) for (const net of Object.values(nets)) net.dispose();
await fcn.dispose();

/**
 * Writes the learned nets as F16 safetensors (half the bytes of F32) to
 * <dir>/fcn-synthetic-<variant>.safetensors, and prints the mean IU of each net as trained (f32)
 * beside the mean IU of the F16 file loaded back, on the same held-out images.
 */
function saveShipped(nets, learnedRows, dir) {
  mkdirSync(dir, { recursive: true });
  console.log(`\nShipped weights (F16), mean IU on ${schedule.eval} held-out images:`);
  for (const [i, variant] of NETS.entries()) {
    const f32 = learnedRows[i].meanIU;
    const bytes = fcn.saveSafetensors(Object.fromEntries(nets[variant].parameters()), {
      recipe: "fcn-synthetic.js", upsampling: "learned", seed: String(seed), steps: String(learnedRows[i].steps),
      meanIU_f32: f32.toFixed(4),
    }, { dtype: "F16" });
    const file = join(dir, `fcn-synthetic-${variant}.safetensors`);
    writeFileSync(file, bytes);
    const reloaded = fcn.Net.fromGraph(specFor(variant, "learned"), fcn.loadSafetensors(bytes));
    const f16 = evaluate(reloaded, schedule.eval).meanIU;
    reloaded.dispose();
    console.log(`  ${file}: ${(bytes.length / 1024).toFixed(0)} KiB, FCN-${variant} mean IU ${(100 * f32).toFixed(2)} (f32) → ${(100 * f16).toFixed(2)} (F16)`);
  }
}

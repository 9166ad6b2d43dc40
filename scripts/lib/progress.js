// A one-line progress bar for long runs of the scripts (`npm run train`): redrawn in place on a
// terminal, ten lines in all when stderr is a file or a pipe.
import { BATCH } from "../../weights/fcn-synthetic.js";

/** A one-line progress bar on stderr: step, loss, images/s, ETA. */
export function progress(step, steps, loss, imagesPerSecond, label = "") {
  const width = 24, done = Math.round((width * step) / steps);
  const eta = imagesPerSecond > 0 ? Math.max(0, ((steps - step) * BATCH) / imagesPerSecond) : 0;
  const line = `${label}[${"#".repeat(done)}${".".repeat(width - done)}] step ${step}/${steps}  loss ${loss.toFixed(4)}  ${imagesPerSecond.toFixed(1)} img/s  ETA ${eta.toFixed(0)} s`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else if (step === steps || step % Math.max(1, Math.floor(steps / 10)) === 0) process.stderr.write(`${line}\n`);
}

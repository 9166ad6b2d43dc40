// Robustness (README "Errors"): random valid calls of every public op and of Net.fromGraph(…).run agree
// with the independent references in test/ref/ on both builds, and leave their inputs unchanged.
// fast-check prints the seed and path of a failure: FC_SEED=… FC_PATH=… replays it, FC_NUM_RUNS=…
// runs more cases.
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { BUILDS, useBuild } from "../lib.js";
import { OPS, expectReference, expectUnchanged, run, snapshot } from "./calls.js";
import { fcParams, validCall } from "./arbitraries.js";

describe.each(BUILDS)("robustness: random valid calls (%s build)", (build) => {
  beforeAll(() => useBuild(build));

  it.each(OPS)("%s matches the reference and changes none of its inputs", (op) => {
    fc.assert(fc.property(validCall(op), (call) => {
      const before = snapshot(call.args);
      expectReference(call, run(call));
      expectUnchanged(call.args, before);
    }), fcParams(25));
  });
});

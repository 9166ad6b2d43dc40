// fcn-wasm itself, from the built package (dist/). One Implementation per build (relaxed SIMD,
// SIMD128) and thread count (`--threads`), and optionally one per forced ConvTranspose algorithm
// (`--algorithms`).
import * as fcn from "../../dist/index.js";
import type { Tensor } from "../../dist/index.js";
import type { BenchShape } from "../shapes.js";
import type { Implementation, NotApplicable, Prepared } from "./types.js";

export type FcnBuild = "relaxed" | "simd";

/** convTranspose with its optional 5th argument (forcing an algorithm), typed loosely on purpose:
 * the option is for tests and benchmarks and may change while the fast paths are being built. */
type ConvTransposeWithOptions = (x: Tensor, w: Tensor, b: Tensor | null, attrs: object, options?: { algorithm?: string }) => Tensor;

/**
 * @param build which kernel build `ready({ simd })` loads
 * @param algorithm force this ConvTranspose algorithm ('auto' lets the cost model choose);
 *   non-ConvTranspose shapes are n/a for a forced algorithm
 * @param threads `ready({ threads })`: more than 1 loads the build's -threads variant and a pool
 */
export function fcnWasm(build: FcnBuild, algorithm = "auto", threads = 1): Implementation {
  let info: fcn.RuntimeInfo | null = null;
  const name = (algorithm === "auto" ? `fcn-wasm ${build}` : `fcn-wasm ${build} ${algorithm}`) + (threads > 1 ? ` ×${threads}` : "");
  const want = threads > 1 ? `${build}-threads` : build;
  return {
    name,
    peer: false,
    async init() {
      info = await fcn.ready({ simd: build, threads });
    },
    async activate() {
      // ready() with other options loads that build anew (and starts or ends the worker pool);
      // with the same ones it is a no-op.
      info = await fcn.ready({ simd: build, threads });
      if (info.build !== want || info.threads !== threads) throw new Error(`${name}: ready() loaded the ${info.build} build with ${info.threads} threads`);
    },
    async prepare(shape: BenchShape, data): Promise<Prepared | NotApplicable> {
      const { dims } = data;
      const x = fcn.tensor(data.x, dims.x);
      const w = fcn.tensor(data.w, dims.w);
      const b = data.b ? fcn.tensor(data.b, dims.b!) : null;
      let run: () => Tensor;
      if (shape.kind === "gemm") {
        if (algorithm !== "auto") return { na: "not a ConvTranspose" };
        run = () => fcn.gemm(x, w);
      } else if (shape.kind === "conv") {
        if (algorithm !== "auto") return { na: "not a ConvTranspose" };
        const attrs = { kernelShape: [shape.kH, shape.kW], strides: shape.strides, pads: shape.pads, dilations: shape.dilations, group: shape.groups };
        run = () => fcn.conv(x, w, b, attrs);
      } else {
        const attrs = {
          kernelShape: [shape.kH, shape.kW], strides: shape.strides, pads: shape.pads, dilations: shape.dilations,
          group: shape.groups, outputPadding: shape.outputPadding,
        };
        const convTranspose = fcn.convTranspose as unknown as ConvTransposeWithOptions;
        const options = algorithm === "auto" ? undefined : { algorithm };
        run = () => convTranspose(x, w, b, attrs, options);
        if (options) {
          try {
            run();
          } catch (e) {
            if (e instanceof fcn.UnsupportedError) return { na: `${algorithm} does not apply` };
            throw e;
          }
        }
      }
      return {
        async: false,
        run,
        output: async () => run().data,
        dispose() {},
      };
    },
    describe: () => ({ build: info?.build, threads: info?.threads, features: info?.features }),
  };
}

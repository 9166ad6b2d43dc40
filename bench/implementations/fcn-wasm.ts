// fcn-wasm itself, from the built package (dist/). One Implementation per build (relaxed SIMD,
// SIMD128) and thread count (`--threads`), and optionally one per forced ConvTranspose or Conv
// algorithm (`--algorithms`; on volumes the algorithms without a 3-D path are n/a). Weights (W, and B when there is one) are resident tensors (`fcn.resident`),
// as the peers keep theirs: onnxruntime-web holds them as initializers and tfjs as tensors inside
// its wasm heap. The input is copied in and the output copied out on every call, as for the peers.
import * as fcn from "../../dist/index.js";
import type { Tensor } from "../../dist/index.js";
import { type BenchShape, layerWindow, opType } from "../shapes.js";
import type { Implementation, NotApplicable, Prepared } from "./types.js";

export type FcnBuild = "relaxed" | "simd";

/** convTranspose with its optional 5th argument (forcing an algorithm), typed loosely on purpose:
 * the option is for tests and benchmarks and may change while the fast paths are being built. */
type ConvTransposeWithOptions = (x: Tensor, w: Tensor, b: Tensor | null, attrs: object, options?: { algorithm?: string }) => Tensor;
/** conv's forced algorithms (options.algorithm); "depthwise" names a path of both ops. */
const CONV_ALGORITHMS = ["depthwise", "im2col-gemm", "im2col-skinny", "winograd", "winograd-f4"];
const CONV_TRANSPOSE_ALGORITHMS = ["subpixel", "gemm-col2im", "depthwise"];

/**
 * @param build which kernel build `ready({ simd })` loads
 * @param algorithm force this ConvTranspose or Conv algorithm ('auto' lets the cost model choose);
 *   shapes of an op without that algorithm are n/a
 * @param threads `ready({ threads })`: more than 1 loads the build's -threads variant and a pool
 */
export function fcnWasm(build: FcnBuild, algorithm = "auto", threads = 1): Implementation {
  let info: fcn.RuntimeInfo | null = null;
  /** Re-make each prepared shape's resident weights when activate() loaded a new runtime. */
  const refreshers = new Set<() => void>();
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
      const before = info;
      info = await fcn.ready({ simd: build, threads });
      if (info.build !== want || info.threads !== threads) throw new Error(`${name}: ready() loaded the ${info.build} build with ${info.threads} threads`);
      if (info !== before) for (const refresh of refreshers) refresh();
    },
    async prepare(shape: BenchShape, data): Promise<Prepared | NotApplicable> {
      const op = opType(shape);
      if (algorithm !== "auto") {
        if (op === "Gemm") return { na: "not a convolution" };
        const known = op === "Conv" ? CONV_ALGORITHMS : CONV_TRANSPOSE_ALGORITHMS;
        if (!known.includes(algorithm)) return { na: `not a ${op} algorithm` };
      }
      const { dims } = data;
      const x = fcn.tensor(data.x, dims.x);
      let w: fcn.ResidentTensor, b: fcn.ResidentTensor | null = null;
      const release = () => {
        refreshers.delete(refresh);
        w?.dispose();
        b?.dispose();
      };
      const refresh = () => {
        w?.dispose();
        b?.dispose();
        w = fcn.resident(fcn.tensor(data.w, dims.w));
        b = data.b ? fcn.resident(fcn.tensor(data.b, dims.b!)) : null;
      };
      refresh();
      refreshers.add(refresh);
      let run: () => Tensor;
      if (shape.kind === "gemm") {
        run = () => fcn.gemm(x, w);
      } else {
        // the same attributes for images and volumes: one entry per spatial axis
        const win = layerWindow(shape);
        const attrs = { kernelShape: win.kernel, strides: win.strides, pads: win.pads, dilations: win.dilations, group: shape.groups };
        if (op === "Conv") {
          const options = algorithm === "auto" ? undefined : { algorithm: algorithm as fcn.ConvAlgorithm };
          run = () => fcn.conv(x, w, b, attrs, options);
        } else {
          const convTranspose = fcn.convTranspose as unknown as ConvTransposeWithOptions;
          const options = algorithm === "auto" ? undefined : { algorithm };
          const tAttrs = { ...attrs, outputPadding: win.outputPadding };
          run = () => convTranspose(x, w, b, tAttrs, options);
        }
      }
      // a forced algorithm that does not apply to this shape is reported, not timed
      if (algorithm !== "auto" && op !== "Gemm") {
        try {
          run();
        } catch (e) {
          release();
          if (e instanceof fcn.UnsupportedError) return { na: `${algorithm} does not apply` };
          throw e;
        }
      }
      return { async: false, run, output: async () => run().data, dispose: release };
    },
    describe: () => ({ build: info?.build, threads: info?.threads, features: info?.features }),
  };
}

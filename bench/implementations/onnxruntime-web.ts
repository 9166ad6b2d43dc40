// Peer: onnxruntime-web (wasm execution provider, one thread, or `threads` with --threads). Each shape becomes a one-node ONNX
// model (bench/onnx-model.ts; Conv and ConvTranspose on volumes with rank-5 X, W, Y and 3-entry
// attributes) with the weights as initializers; the timed call is session.run on
// the input, which also copies the output back into a JS Float32Array.
import * as ort from "onnxruntime-web";
import { encodeOneNodeModel, type OneNodeModel } from "../onnx-model.js";
import type { BenchData } from "../check.js";
import { type BenchShape, layerWindow, opType } from "../shapes.js";
import type { Implementation, NotApplicable, Prepared } from "./types.js";

/** The one-node model of a shape: input "X", output "Y", initializers "W" (and "B"). */
export function onnxModelOf(shape: BenchShape, data: BenchData): OneNodeModel {
  const { dims } = data;
  const initializers = [{ name: "W", dims: dims.w, data: data.w }];
  if (data.b) initializers.push({ name: "B", dims: dims.b!, data: data.b });
  const io = { input: { name: "X", dims: dims.x }, output: { name: "Y", dims: dims.y }, initializers };
  if (shape.kind === "gemm") return { opType: "Gemm", nodeInputs: ["X", "W"], ...io };
  // one entry per spatial axis: [kH, kW] on images, [kD, kH, kW] on volumes (rank-5 X and Y)
  const win = layerWindow(shape);
  const attributes = {
    kernel_shape: win.kernel, strides: win.strides, pads: win.pads, dilations: win.dilations, group: shape.groups,
    ...(win.transposed ? { output_padding: win.outputPadding } : {}),
  };
  return { opType: opType(shape), nodeInputs: data.b ? ["X", "W", "B"] : ["X", "W"], attributes, ...io };
}

/** @param threads ort.env.wasm.numThreads: fixed for the process by the first session. */
export function onnxruntimeWeb(threads = 1): Implementation {
  return {
    name: threads > 1 ? `onnxruntime-web ×${threads}` : "onnxruntime-web",
    peer: true,
    async init() {
      // Must be set before the first session: it picks the wasm build and its thread pool.
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = "error";
    },
    async prepare(shape: BenchShape, data: BenchData): Promise<Prepared | NotApplicable> {
      const bytes = encodeOneNodeModel(onnxModelOf(shape, data));
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
      const feeds = { X: new ort.Tensor("float32", data.x, data.dims.x) };
      const run = () => session.run(feeds);
      return {
        async: true,
        run,
        async output() {
          const y = (await run()).Y;
          if (y.dims.join() !== data.dims.y.join()) throw new Error(`onnxruntime-web: output dims [${y.dims}] != [${data.dims.y}]`);
          return y.data as Float32Array;
        },
        dispose: () => void session.release(),
      };
    },
    describe: () => ({ version: ort.env.versions.web, numThreads: ort.env.wasm.numThreads }),
  };
}

// Peer: TensorFlow.js with its wasm backend (XNNPACK), one thread. tfjs is NHWC and its filters
// are HWIO (conv2d) / [kH, kW, M, C] (conv2dTranspose): inputs and weights are converted once in
// `prepare` (untimed). The timed call runs the op and reads the output back (dataSync). tfjs has
// no grouped conv2dTranspose, and of grouped conv2d only depthwise (fused.depthwiseConv2d, filter
// [kH, kW, C, 1]): other grouped shapes are n/a.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import type { BenchData } from "../check.js";
import type { BenchShape } from "../shapes.js";
import { type Implementation, type NotApplicable, type Prepared, nchwToNhwc, nhwcToNchw } from "./types.js";

type Pad = number | [[number, number], [number, number], [number, number], [number, number]];

/** A number when pads are symmetric (tfjs's usual form), else explicit NHWC padding. */
function tfPad([top, left, bottom, right]: readonly number[]): Pad {
  return top === bottom && left === right && top === left ? top : [[0, 0], [top, bottom], [left, right], [0, 0]];
}

export function tfjsWasm(): Implementation {
  let simd: unknown;
  return {
    name: "tfjs-wasm",
    peer: true,
    async init() {
      // Its own dist folder holds the .wasm files; one thread (Node has no worker support in
      // stock tfjs-wasm, but say so rather than rely on it).
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")) + "/dist/";
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      tfwasm.setThreadsCount(1);
      tfwasm.setWasmPaths(dist);
      if (!(await tf.setBackend("wasm"))) throw new Error("tfjs-wasm: setBackend('wasm') failed");
      await tf.ready();
      simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    },
    async prepare(shape: BenchShape, data: BenchData): Promise<Prepared | NotApplicable> {
      const { dims } = data;
      let x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null = null;
      let op: () => tf.Tensor;
      let toCanonical: (y: Float32Array) => Float32Array = (y) => y;
      if (shape.kind === "gemm") {
        x = tf.tensor2d(data.x, [shape.M, shape.K]);
        w = tf.tensor2d(data.w, [shape.K, shape.N]);
        op = () => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
      } else {
        const depthwise = shape.kind === "conv" && shape.groups === shape.C && shape.M === shape.C;
        if (shape.groups !== 1 && !depthwise) return { na: `no grouped ${shape.kind === "conv" ? "conv2d" : "conv2dTranspose"}` };
        // depthwiseConv2d's pad is a number or 'same' / 'valid': no asymmetric padding
        if (depthwise && typeof tfPad(shape.pads) !== "number") return { na: "no asymmetric padding in depthwiseConv2d" };
        if (shape.dilations.some((d) => d !== 1) && shape.kind === "convTranspose") return { na: "no dilated conv2dTranspose" };
        const { N, C, H, W, M, kH, kW } = shape;
        const [, , outH, outW] = dims.y;
        // ONNX weights → tfjs filter: conv w[m, c, kh, kw] → f[kh, kw, c, m];
        // convTranspose w[c, m, kh, kw] → f[kh, kw, m, c]. Both: f[kh, kw, i, j] = w[j, i, kh, kw]
        // with (I, J) = (C, M) for conv and (M, C) for convTranspose.
        // Depthwise: w[c, 0, kh, kw] → f[kh, kw, c, 0], the same formula with (I, J) = (C, 1).
        const [I, J] = depthwise ? [C, 1] : shape.kind === "conv" ? [C, M] : [M, C];
        const f = new Float32Array(data.w.length);
        for (let j = 0; j < J; j++)
          for (let i = 0; i < I; i++)
            for (let kh = 0; kh < kH; kh++)
              for (let kw = 0; kw < kW; kw++) f[((kh * kW + kw) * I + i) * J + j] = data.w[((j * I + i) * kH + kh) * kW + kw];
        x = tf.tensor4d(nchwToNhwc(data.x, dims.x), [N, H, W, C]);
        w = tf.tensor4d(f, [kH, kW, I, J]);
        b = data.b ? tf.tensor1d(data.b) : null;
        const pad = tfPad(shape.pads);
        if (depthwise) {
          op = () => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: shape.strides, pad: pad as number, dilations: shape.dilations, bias: b ?? undefined });
        } else if (shape.kind === "conv") {
          op = () => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: shape.strides, pad, dilations: shape.dilations, bias: b ?? undefined });
        } else {
          // outputShape carries ONNX's output_padding. tfjs derives the forward conv's size from
          // it, which is fractional when output_padding > 0 (32.5 for the k3 s2 op1 decoder):
          // 'floor' makes it integral (the numbers came out the same without it in 4.22.0).
          op = () => {
            const y = tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [N, outH, outW, M], shape.strides, pad, "floor");
            if (!b) return y;
            const z = tf.add(y, b); // no fused bias for conv2dTranspose
            y.dispose();
            return z;
          };
        }
        toCanonical = (y) => nhwcToNchw(y, [N, M, outH, outW]);
      }
      const run = () => {
        const y = op();
        const out = y.dataSync() as Float32Array;
        y.dispose();
        return out;
      };
      return {
        async: false,
        run,
        output: async () => toCanonical(run()),
        dispose() {
          x.dispose();
          w.dispose();
          b?.dispose();
        },
      };
    },
    describe: () => ({
      version: tf.version_core,
      threads: tfwasm.getThreadsCount(),
      simd,
      multithread: tf.env().get("WASM_HAS_MULTITHREAD_SUPPORT"),
    }),
  };
}

// Peer: TensorFlow.js with its wasm backend (XNNPACK), one thread. tfjs is NHWC (NDHWC) and its
// filters are HWIO (conv2d) / [kH, kW, M, C] (conv2dTranspose), with kD in front on volumes
// (conv3d, conv3dTranspose: the wasm backend's Conv3D and Conv3DBackpropInputV2 kernels): weights
// are converted and uploaded once in `prepare` (untimed), the input converted to NHWC once. The
// timed call makes the input tensor from that array (tfjs copies it into its wasm memory), runs
// the op and reads the output back (dataSync): the input copied in and the output copied out on
// every call, as fcn-wasm and onnxruntime-web do. tfjs has no grouped conv2dTranspose, and of grouped conv2d only
// depthwise (fused.depthwiseConv2d, filter [kH, kW, C, 1]); no grouped conv3d or conv3dTranspose
// at all: other grouped shapes are n/a. Its conv3dTranspose is probed once on a small layer
// against the float64 reference (4.22.0 fails it: see conv3dTransposeProbe); while it fails,
// ConvTranspose shapes on volumes are n/a with the probe's finding.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { type BenchData, checkAgainstReference, makeData, reference } from "../check.js";
import { type BenchShape, type Conv3dShape, type ConvTranspose3dShape, macs, outputSize } from "../shapes.js";
import { type Implementation, type NotApplicable, type Prepared, nchwToNhwc, nhwcToNchw } from "./types.js";

type Pad = number | [[number, number], [number, number], [number, number], [number, number]];

/** A number when pads are symmetric (tfjs's usual form), else explicit NHWC padding. */
function tfPad([top, left, bottom, right]: readonly number[]): Pad {
  return top === bottom && left === right && top === left ? top : [[0, 0], [top, bottom], [left, right], [0, 0]];
}

/**
 * ONNX weights → a tfjs filter: f[k, i, j] = w[j, i, k], k the flat kernel tap (kh·kW + kw, or
 * (kd·kH + kh)·kW + kw). (I, J) = (C, M) for conv (w [M, C, k…] → f [k…, C, M]), (M, C) for
 * convTranspose (w [C, M, k…] → f [k…, M, C]), (C, 1) for depthwise (w [C, 1, k…] → f [k…, C, 1]).
 */
function tfjsFilter(w: Float32Array, I: number, J: number, K: number): Float32Array {
  const f = new Float32Array(w.length);
  for (let j = 0; j < J; j++)
    for (let i = 0; i < I; i++)
      for (let k = 0; k < K; k++) f[(k * I + i) * J + j] = w[(j * I + i) * K + k];
  return f;
}

/**
 * conv3d / conv3dTranspose with bias added, or why not: tfjs takes one pad for all six sides
 * ('valid', 'same', or at run time a number) and no groups; conv3dTranspose no dilations and only
 * an output shape whose forward convolution gives back x's size.
 */
function volumeOp(shape: Conv3dShape | ConvTranspose3dShape, data: BenchData): { input: () => tf.Tensor; w: tf.Tensor; b: tf.Tensor | null; op: (x: tf.Tensor) => tf.Tensor } | NotApplicable {
  const transposed = shape.kind === "convTranspose3d";
  const name = transposed ? "conv3dTranspose" : "conv3d";
  if (shape.groups !== 1) return { na: `no grouped ${name}` };
  const p = shape.pads[0];
  if (shape.pads.some((v) => v !== p)) return { na: `no asymmetric padding in ${name}` };
  const { N, C, D, H, W, M, kD, kH, kW, strides, dilations } = shape;
  const out = outputSize(shape);
  if (transposed) {
    if (dilations.some((d) => d !== 1)) return { na: "no dilated conv3dTranspose" };
    // the forward conv of the output, ⌊(out + 2p − k) / s⌋ + 1, must be x's size (output_padding)
    const kernel = [kD, kH, kW], input = [D, H, W];
    if (out.some((o, a) => Math.floor((o + 2 * p - kernel[a]) / strides[a]) + 1 !== input[a])) return { na: "output_padding not expressible" };
  }
  const [I, J] = transposed ? [M, C] : [C, M];
  const xNhwc = nchwToNhwc(data.x, data.dims.x);
  const input = () => tf.tensor5d(xNhwc, [N, D, H, W, C]);
  const w = tf.tensor5d(tfjsFilter(data.w, I, J, kD * kH * kW), [kD, kH, kW, I, J]);
  const b = data.b ? tf.tensor1d(data.b) : null;
  // a number pads every side by it (tfjs's get3DPadAndOutInfo), though the type says 'valid' | 'same'
  const pad = p as unknown as "valid";
  const [oD, oH, oW] = out;
  const conv = transposed
    ? (x: tf.Tensor) => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, [N, oD, oH, oW, M], strides, pad)
    : (x: tf.Tensor) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, strides, pad, "NDHWC", dilations);
  const op = (x: tf.Tensor) => {
    const y = conv(x);
    if (!b) return y;
    const z = tf.add(y, b); // no fused bias for conv3d
    y.dispose();
    return z;
  };
  return { input, w, b, op };
}

/**
 * conv3dTranspose on a small layer (2 → 2 channels, k4 s2 p1 on 3³, like the bench's volume
 * layers) checked against the float64 reference: null when it passes, else what is wrong.
 * tfjs-wasm 4.22.0's Conv3DBackpropInputV2 kernel fails it: in a stride-1 3³ probe the last input
 * depth slice reached no output and the last output slice stayed 0 (its cpu backend agreed with
 * conv2dTranspose there), so the benchmark's layers would time wrong numbers.
 */
function conv3dTransposeProbe(): string | null {
  const shape: ConvTranspose3dShape = {
    kind: "convTranspose3d", group: "volume", name: "tfjs-wasm conv3dTranspose probe", N: 1, C: 2, D: 3, H: 3, W: 3, M: 2,
    kD: 4, kH: 4, kW: 4, strides: [2, 2, 2], pads: [1, 1, 1, 1, 1, 1], dilations: [1, 1, 1], groups: 1, bias: false, outputPadding: [0, 0, 0],
  };
  const data = makeData(shape);
  const v = volumeOp(shape, data);
  if ("na" in v) return v.na;
  const x = v.input();
  try {
    const y = v.op(x);
    const got = nhwcToNchw(y.dataSync() as Float32Array, data.dims.y);
    y.dispose();
    checkAgainstReference(got, reference(shape, data, macs(shape)), got.length, "probe 2→2 k4 s2 p1 on 3³");
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    x.dispose();
    v.w.dispose();
  }
}

export function tfjsWasm(): Implementation {
  /** conv3dTransposeProbe's finding, once (undefined: not probed yet). */
  let conv3dTransposeWrong: string | null | undefined;
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
      // input(): the input tensor, made (and copied into tfjs's memory) in every timed call
      let input: () => tf.Tensor, w: tf.Tensor, b: tf.Tensor | null = null;
      let op: (x: tf.Tensor) => tf.Tensor;
      let toCanonical: (y: Float32Array) => Float32Array = (y) => y;
      if (shape.kind === "gemm") {
        input = () => tf.tensor2d(data.x, [shape.M, shape.K]);
        w = tf.tensor2d(data.w, [shape.K, shape.N]);
        op = (x) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
      } else if (shape.kind === "conv3d" || shape.kind === "convTranspose3d") {
        const v = volumeOp(shape, data);
        if ("na" in v) return v;
        if (shape.kind === "convTranspose3d") {
          conv3dTransposeWrong ??= conv3dTransposeProbe();
          if (conv3dTransposeWrong !== null) {
            for (const t of [v.w, v.b]) t?.dispose();
            return { na: `conv3dTranspose gives wrong numbers (${conv3dTransposeWrong})` };
          }
        }
        ({ input, w, b, op } = v);
        toCanonical = (y) => nhwcToNchw(y, dims.y);
      } else {
        const depthwise = shape.kind === "conv" && shape.groups === shape.C && shape.M === shape.C;
        if (shape.groups !== 1 && !depthwise) return { na: `no grouped ${shape.kind === "conv" ? "conv2d" : "conv2dTranspose"}` };
        // depthwiseConv2d's pad is a number or 'same' / 'valid': no asymmetric padding
        if (depthwise && typeof tfPad(shape.pads) !== "number") return { na: "no asymmetric padding in depthwiseConv2d" };
        if (shape.dilations.some((d) => d !== 1) && shape.kind === "convTranspose") return { na: "no dilated conv2dTranspose" };
        const { N, C, H, W, M, kH, kW } = shape;
        const [, , outH, outW] = dims.y;
        // filter f[kh, kw, i, j] = w[j, i, kh, kw] (tfjsFilter)
        const [I, J] = depthwise ? [C, 1] : shape.kind === "conv" ? [C, M] : [M, C];
        const xNhwc = nchwToNhwc(data.x, dims.x);
        input = () => tf.tensor4d(xNhwc, [N, H, W, C]);
        w = tf.tensor4d(tfjsFilter(data.w, I, J, kH * kW), [kH, kW, I, J]);
        b = data.b ? tf.tensor1d(data.b) : null;
        const pad = tfPad(shape.pads);
        if (depthwise) {
          op = (x) => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: shape.strides, pad: pad as number, dilations: shape.dilations, bias: b ?? undefined });
        } else if (shape.kind === "conv") {
          op = (x) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: shape.strides, pad, dilations: shape.dilations, bias: b ?? undefined });
        } else {
          // outputShape carries ONNX's output_padding. tfjs derives the forward conv's size from
          // it, which is fractional when output_padding > 0 (32.5 for the k3 s2 op1 decoder):
          // 'floor' makes it integral (the numbers came out the same without it in 4.22.0).
          op = (x) => {
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
        const x = input();
        const y = op(x);
        const out = y.dataSync() as Float32Array;
        x.dispose();
        y.dispose();
        return out;
      };
      return {
        async: false,
        run,
        output: async () => toCanonical(run()),
        dispose() {
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

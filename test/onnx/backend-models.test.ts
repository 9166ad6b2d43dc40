// ONNX's own backend test models (test/fixtures/onnx-models/, copied from onnx/onnx): every model
// whose operators Net.fromOnnx maps runs and matches its expected output; every other model is
// listed below with the reason, and the test asserts that list is exactly the set that throws
// UnsupportedError, so a newly supported op cannot silently stay skipped.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILDS, expectClose, fcn, useBuild } from "../lib.js";
import { readTensorProto } from "../../dist/onnx/proto.js";
import { floatData } from "../../dist/onnx/tensor-data.js";
const { Net, UnsupportedError } = fcn;

const ROOT = fileURLToPath(new URL("../fixtures/onnx-models/", import.meta.url));
const FOLDERS = ["pytorch-converted", "pytorch-operator"];

/** ONNX's runner tolerance for these files; every supported file also passes it with atol 1e-7. */
const RTOL = 1e-3, ATOL = 1e-7;

const NOT_YET = {
  avgPool: "AveragePool",
  rank: "an input that is not [N, C, L] or [N, C, H, W] (1-D, 2-D, 5-D and 6-D tensors: 3-D spatial ops, Gemm-style models)",
  bn: "BatchNormalization that follows no Conv (only folding into a conv is supported)",
  pad: "Pad",
  act: "an activation Net has no layer for (Elu, LeakyRelu, PRelu, Selu, Sigmoid, Tanh, Softplus, LogSoftmax, Abs…)",
  inputs: "several graph inputs (runAll) or a non-float input",
  shape: "shape ops (Reshape, Transpose, Flatten, Split, Slice, Squeeze, Tile, Concat)",
  softmax: "Softmax before opset 13 (it flattens the axes from `axis` on, not the channel axis)",
  reduce: "ReduceMean / ReduceSum / InstanceNormalization",
} as const;

/** The models that must throw UnsupportedError, and why (the first reason that applies). */
const SKIPPED: Record<string, string> = {
  test_AvgPool1d: NOT_YET.avgPool, test_AvgPool1d_stride: NOT_YET.avgPool, test_AvgPool2d: NOT_YET.avgPool, test_AvgPool2d_stride: NOT_YET.avgPool,
  test_AvgPool3d: NOT_YET.rank, test_AvgPool3d_stride: NOT_YET.rank, test_AvgPool3d_stride1_pad0_gpu_input: NOT_YET.rank,
  test_BatchNorm1d_3d_input_eval: NOT_YET.bn, test_BatchNorm2d_eval: NOT_YET.bn, test_BatchNorm2d_momentum_eval: NOT_YET.bn,
  test_BatchNorm3d_eval: NOT_YET.rank, test_BatchNorm3d_momentum_eval: NOT_YET.rank,
  test_ConstantPad2d: NOT_YET.pad, test_ReflectionPad2d: NOT_YET.pad, test_ReplicationPad2d: NOT_YET.pad, test_ZeroPad2d: NOT_YET.pad, test_operator_pad: NOT_YET.pad,
  test_Conv3d: NOT_YET.rank, test_Conv3d_dilated: NOT_YET.rank, test_Conv3d_dilated_strided: NOT_YET.rank, test_Conv3d_groups: NOT_YET.rank,
  test_Conv3d_no_bias: NOT_YET.rank, test_Conv3d_stride: NOT_YET.rank, test_Conv3d_stride_padding: NOT_YET.rank,
  test_MaxPool3d: NOT_YET.rank, test_MaxPool3d_stride: NOT_YET.rank, test_MaxPool3d_stride_padding: NOT_YET.rank,
  test_ELU: NOT_YET.act, test_LeakyReLU: NOT_YET.act, test_LeakyReLU_with_negval: NOT_YET.act, test_SELU: NOT_YET.act, test_Sigmoid: NOT_YET.act,
  test_Tanh: NOT_YET.act, test_Softsign: NOT_YET.act, test_log_softmax_dim3: NOT_YET.act, test_operator_selu: NOT_YET.act,
  test_PReLU_1d: NOT_YET.act, test_PReLU_1d_multiparam: NOT_YET.act, test_PReLU_2d: NOT_YET.act, test_PReLU_2d_multiparam: NOT_YET.act,
  test_PReLU_3d: NOT_YET.rank, test_PReLU_3d_multiparam: NOT_YET.rank,
  test_Embedding: NOT_YET.inputs, test_Embedding_sparse: NOT_YET.inputs, test_GLU: NOT_YET.rank, test_GLU_dim: NOT_YET.shape,
  test_Linear: NOT_YET.rank, test_Linear_no_bias: NOT_YET.rank, test_LogSoftmax: NOT_YET.rank, test_PixelShuffle: NOT_YET.shape,
  test_PoissonNLLLLoss_no_reduce: NOT_YET.rank, test_Softmax: NOT_YET.rank, test_Softmin: NOT_YET.rank, test_Softplus: NOT_YET.rank,
  test_log_softmax_lastdim: NOT_YET.rank, test_softmax_lastdim: NOT_YET.rank, test_softmax_functional_dim3: NOT_YET.softmax,
  test_operator_add_broadcast: NOT_YET.inputs, test_operator_add_size1_broadcast: NOT_YET.inputs, test_operator_add_size1_right_broadcast: NOT_YET.inputs,
  test_operator_add_size1_singleton_broadcast: NOT_YET.inputs, test_operator_addconstant: NOT_YET.inputs, test_operator_addmm: NOT_YET.inputs,
  test_operator_basic: NOT_YET.inputs, test_operator_chunk: NOT_YET.rank, test_operator_clip: NOT_YET.rank, test_operator_concat2: NOT_YET.inputs,
  test_operator_exp: NOT_YET.rank, test_operator_flatten: NOT_YET.shape, test_operator_index: NOT_YET.rank, test_operator_max: NOT_YET.inputs,
  test_operator_min: NOT_YET.inputs, test_operator_mm: NOT_YET.inputs, test_operator_non_float_params: NOT_YET.inputs, test_operator_params: NOT_YET.rank,
  test_operator_permute2: NOT_YET.rank, test_operator_pow: NOT_YET.inputs, test_operator_reduced_mean: NOT_YET.reduce,
  test_operator_reduced_mean_keepdim: NOT_YET.reduce, test_operator_reduced_sum: NOT_YET.reduce, test_operator_reduced_sum_keepdim: NOT_YET.reduce,
  test_operator_repeat: NOT_YET.shape, test_operator_repeat_dim_overflow: NOT_YET.rank, test_operator_sqrt: NOT_YET.rank,
  test_operator_symbolic_override: NOT_YET.reduce, test_operator_symbolic_override_nested: NOT_YET.inputs, test_operator_view: NOT_YET.rank,
};

/** Supported models whose input/output data (1–4 MB each) was not copied: they must load. */
const LOAD_ONLY = ["test_MaxPool1d_stride_padding_dilation", "test_MaxPool2d_stride_padding_dilation", "test_operator_conv"];

const models = FOLDERS.flatMap((folder) => readdirSync(ROOT + folder).map((name) => ({ folder, name, path: `${ROOT}${folder}/${name}` })));
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

describe("ONNX backend models", () => {
  it("the fixtures are all there (the lists below name real folders)", () => {
    expect(models.length).toBe(117);
    const names = new Set(models.map((m) => m.name));
    for (const name of [...Object.keys(SKIPPED), ...LOAD_ONLY]) expect(names.has(name), name).toBe(true);
  });

  it("exactly the listed models throw UnsupportedError (none other throws, none listed loads)", () => {
    const unsupported: string[] = [];
    for (const m of models) {
      try {
        Net.fromOnnx(read(`${m.path}/model.onnx`));
      } catch (e) {
        if (!(e instanceof UnsupportedError)) throw new Error(`${m.name}: ${String(e)}`);
        unsupported.push(m.name);
      }
    }
    expect(unsupported.sort()).toEqual(Object.keys(SKIPPED).sort());
  });

  for (const build of BUILDS) {
    describe(`${build} build`, () => {
      beforeAll(() => useBuild(build));
      const runnable = models.filter((m) => !(m.name in SKIPPED) && !LOAD_ONLY.includes(m.name));
      it("covers the supported models (conv 1-D/2-D, depthwise, grouped, dilated, ConvTranspose, MaxPool, Relu)", () => {
        expect(runnable.length).toBe(27);
        for (const m of runnable) expect(existsSync(`${m.path}/test_data_set_0/output_0.pb`), m.name).toBe(true);
      });
      for (const m of runnable) {
        it(`${m.folder}/${m.name} matches its expected output (rtol ${RTOL}, atol ${ATOL})`, () => {
          const net = Net.fromOnnx(read(`${m.path}/model.onnx`));
          const x = readTensorProto(read(`${m.path}/test_data_set_0/input_0.pb`));
          const want = readTensorProto(read(`${m.path}/test_data_set_0/output_0.pb`));
          const y = net.run(fcn.tensor(floatData(x), x.dims));
          expectClose(y, { data: floatData(want), shape: want.dims }, m.name, ATOL, RTOL);
          net.dispose();
        });
      }
    });
  }
});

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

/** The models that must throw UnsupportedError, by the first reason that applies to them. */
const NOT_YET: [reason: string, models: string[]][] = [
  ["Pad", ["test_ConstantPad2d", "test_ReflectionPad2d", "test_ReplicationPad2d", "test_ZeroPad2d", "test_operator_pad"]],
  ["an input that is not [N, C, L] or [N, C, H, W]: 5-D (3-D spatial ops) or 6-D", [
    "test_AvgPool3d", "test_AvgPool3d_stride", "test_AvgPool3d_stride1_pad0_gpu_input", "test_Conv3d", "test_Conv3d_dilated", "test_Conv3d_dilated_strided", "test_Conv3d_groups",
    "test_Conv3d_no_bias", "test_Conv3d_stride", "test_Conv3d_stride_padding", "test_MaxPool3d", "test_MaxPool3d_stride",
    "test_MaxPool3d_stride_padding", "test_operator_permute2"]],
  ["ops on 1-D or 2-D inputs that Net has no layer for yet (Transpose before MatMul, Split, Neg, Exp, Sqrt, Squeeze, Flatten, Tile, a lone constant Add)", [
    "test_GLU", "test_Linear_no_bias", "test_PoissonNLLLLoss_no_reduce",
    "test_Softmin", "test_operator_chunk",
    "test_operator_exp", "test_operator_index", "test_operator_params", "test_operator_repeat_dim_overflow", "test_operator_sqrt",
    "test_operator_view"]],
  ["an activation Net has no layer for (Softsign)", ["test_Softsign"]],
  ["several graph inputs (runAll) or a non-float input", [
    "test_Embedding", "test_Embedding_sparse", "test_operator_add_broadcast", "test_operator_add_size1_broadcast",
    "test_operator_add_size1_right_broadcast", "test_operator_add_size1_singleton_broadcast", "test_operator_addconstant",
    "test_operator_addmm", "test_operator_basic", "test_operator_concat2", "test_operator_max", "test_operator_min", "test_operator_mm",
    "test_operator_non_float_params", "test_operator_pow", "test_operator_symbolic_override_nested"]],
  ["Unsqueeze and Squeeze (PyTorch exports a 1-D AvgPool as a 2-D one between them)", ["test_AvgPool1d", "test_AvgPool1d_stride"]],
  ["shape ops (Reshape, Transpose, Flatten, Split, Tile)", ["test_GLU_dim", "test_PixelShuffle", "test_operator_flatten", "test_operator_repeat"]],
  ["ReduceMean, ReduceSum", [
    "test_operator_reduced_mean", "test_operator_reduced_mean_keepdim", "test_operator_reduced_sum", "test_operator_reduced_sum_keepdim"]],
];
const SKIPPED: Record<string, string> = Object.fromEntries(NOT_YET.flatMap(([reason, names]) => names.map((name) => [name, reason])));

/** Supported models whose input/output data (1–4 MB each) was not copied: they must load. */
const LOAD_ONLY = ["test_MaxPool1d_stride_padding_dilation", "test_MaxPool2d_stride_padding_dilation", "test_operator_conv"];

const models = FOLDERS.flatMap((folder) => readdirSync(ROOT + folder).map((name) => ({ folder, name, path: `${ROOT}${folder}/${name}` })));
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

describe("ONNX backend models", () => {
  it("the fixtures are all there (the lists below name real folders)", () => {
    expect(models.length).toBe(117);
    const names = new Set(models.map((m) => m.name));
    for (const name of [...Object.keys(SKIPPED), ...LOAD_ONLY]) expect(names.has(name), name).toBe(true);
    expect(Object.keys(SKIPPED).length).toBe(NOT_YET.reduce((n, [, list]) => n + list.length, 0)); // no model listed twice
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
      it("covers the supported models (conv 1-D/2-D, depthwise, grouped, dilated, ConvTranspose, MaxPool, AveragePool, BatchNormalization alone (3-D too), InstanceNormalization, Softmax and LogSoftmax over any axes, Gemm, Relu, Sigmoid, Tanh, LeakyRelu, Elu, Selu, PRelu)", () => {
        expect(runnable.length).toBe(57);
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

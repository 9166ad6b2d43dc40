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
  ["a graph input that is not float32 (float64 or int64)", [
    "test_Embedding", "test_Embedding_sparse", "test_operator_add_broadcast", "test_operator_add_size1_broadcast",
    "test_operator_add_size1_right_broadcast", "test_operator_add_size1_singleton_broadcast", "test_operator_addconstant",
    "test_operator_non_float_params"]],
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
      it("covers the supported models (conv 1-D/2-D/3-D, depthwise, grouped, dilated, ConvTranspose, MaxPool and AveragePool 1-D to 3-D, Relu, Sigmoid, Tanh, LeakyRelu, Elu, Selu, PRelu; Unsqueeze/Squeeze around a 1-D AvgPool, PixelShuffle as Reshape/Transpose, Flatten, a 6-D Transpose, Concat of two graph inputs, Pad constant/reflect/edge, Split, Exp, Sqrt, Neg, Softsign as Abs/Add/Div, broadcasting Add/Mul/Sub, BatchNormalization alone (3-D too), InstanceNormalization, Softmax and LogSoftmax over any axes, Gemm (also of two activations), ReduceMean, ReduceSum, Tile)", () => {
        expect(runnable.length).toBe(106);
        for (const m of runnable) expect(existsSync(`${m.path}/test_data_set_0/output_0.pb`), m.name).toBe(true);
      });
      for (const m of runnable) {
        it(`${m.folder}/${m.name} matches its expected outputs (rtol ${RTOL}, atol ${ATOL})`, () => {
          const net = Net.fromOnnx(read(`${m.path}/model.onnx`));
          // input_i.pb binds to the i-th graph input that is no initializer (net.spec: input, then
          // extraInputs), output_i.pb to the i-th graph output (output, then extraOutputs)
          const inputs = fcn.graphInputs(net.spec), outputs = fcn.graphOutputs(net.spec);
          const data = (kind: string, i: number): string => `${m.path}/test_data_set_0/${kind}_${i}.pb`;
          expect(existsSync(data("input", inputs.length)), `${m.name}: more input files than graph inputs`).toBe(false);
          expect(existsSync(data("output", outputs.length)), `${m.name}: more output files than graph outputs`).toBe(false);
          const fed = Object.fromEntries(inputs.map((v, i) => {
            const x = readTensorProto(read(data("input", i)));
            return [v.name, fcn.tensor(floatData(x), x.dims)];
          }));
          const got = net.runAll(fed);
          expect(Object.keys(got)).toEqual(outputs);
          outputs.forEach((name, i) => {
            const want = readTensorProto(read(data("output", i)));
            expectClose(got[name], { data: floatData(want), shape: want.dims }, `${m.name} output ${i} "${name}"`, ATOL, RTOL);
          });
          net.dispose();
        });
      }
    });
  }
});

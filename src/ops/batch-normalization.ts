// batchNormalization: ONNX BatchNormalization in inference mode — every channel normalised with
// its frozen running statistics, then scaled and shifted:
//   y[n, c, i] = scale[c]·(x[n, c, i] − mean[c]) / √(var[c] + ε) + bias[c]
// over x [N, C, spatial…] viewed as N·C planes of `plane` = ∏ spatial elements. With the
// statistics frozen it is a per-channel affine map y = a[c]·x + b[c], so its backward is that of
// an affine: dx = a[c]·dy, dscale[c] = Σ dy·x̂, dbias[c] = Σ dy (x̂ = (x − mean)/√(var + ε)).
// Float64 arithmetic rounded once to float32; a JS loop here, and the same arithmetic in f64x2
// lanes in the wasm kernel f32_channel_affine__simd that Net's resident plan uses (runChannelAffine).
import { checkAttrNames, readNumber } from "../attrs.js";
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, checkTensor, describeShape, plain, tensor } from "../tensor.js";
import { checkSameShape, withArena } from "./run.js";
import type { Runtime } from "../runtime/runtime.js";

/** BatchNormalization's attribute: ε added to the variance (ONNX's default 1e-5). */
export interface BatchNormalizationAttrs { epsilon?: number }

/** x [N, C, …] as N images of C planes of `plane` elements. */
export interface ChannelGeometry { N: number; C: number; plane: number }

/** Checks x [N, C, …] (rank ≥ 2) and returns its geometry; `op` names the op in messages. */
export function channelGeometry(xShape: readonly number[], op: string): ChannelGeometry {
  if (xShape.length < 2) throw new ShapeError(`${op}(x): expected [N, C, …] (rank ≥ 2), got ${describeShape(xShape)}`);
  return { N: xShape[0], C: xShape[1], plane: xShape.slice(2).reduce((a, b) => a * b, 1) };
}

/** Checks a per-channel parameter: a tensor of shape [C]; returns its (plain) values. */
export function channelParam(t: Tensor, C: number, name: string): Float32Array {
  const shape = checkTensor(t, name);
  if (shape.length !== 1 || shape[0] !== C) throw new ShapeError(`${name}: expected one value per channel, [${C}], got ${describeShape(shape)}`);
  return plain(t).data;
}

/** Reads ε: a finite number ≥ 0 (default 1e-5). */
export function readEpsilon(attrs: unknown, op: string): number {
  const a = checkAttrNames(attrs, ["epsilon"], op);
  const epsilon = readNumber(a.epsilon, `${op}(attrs.epsilon)`, 1e-5);
  if (epsilon < 0) throw new AttributeError(`${op}(attrs.epsilon): expected a number ≥ 0, got ${epsilon}`);
  return epsilon;
}

/** The per-channel affine of frozen statistics: a[c] = scale[c]/√(var[c] + ε), b[c] = bias[c] − a[c]·mean[c]. */
export function affine(scale: Float32Array, bias: Float32Array, mean: Float32Array, variance: Float32Array, epsilon: number): { a: Float64Array; b: Float64Array } {
  const C = scale.length, a = new Float64Array(C), b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    a[c] = scale[c] / Math.sqrt(variance[c] + epsilon);
    b[c] = bias[c] - a[c] * mean[c];
  }
  return { a, b };
}

/**
 * ONNX BatchNormalization (opsets 6–15, inference: `is_test`, `spatial = 1`, no training outputs).
 * @param x [N, C, …]
 * @param scale, bias, mean, variance [C] each
 * @returns y of x's shape: scale·(x − mean)/√(variance + ε) + bias per channel
 */
export function batchNormalization(x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, attrs?: BatchNormalizationAttrs): Tensor {
  const op = "batchNormalization";
  const xShape = checkTensor(x, `${op}(x)`);
  const g = channelGeometry(xShape, op);
  const params = ([[scale, "scale"], [bias, "bias"], [mean, "mean"], [variance, "variance"]] as const).map(([t, n]) => channelParam(t, g.C, `${op}(${n})`));
  const epsilon = readEpsilon(attrs, op);
  const { a, b } = affine(params[0], params[1], params[2], params[3], epsilon);
  const xs = plain(x).data, y = new Float32Array(xs.length);
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const base = (n * g.C + c) * g.plane; // element (n, c, i) at (n·C + c)·plane + i
      for (let i = base; i < base + g.plane; i++) y[i] = a[c] * xs[i] + b[c];
    }
  }
  return tensor(y, xShape.slice());
}

/**
 * The gradient of batchNormalization with the statistics frozen (inference, or a fine-tune that
 * keeps them): dx = dy·scale/√(var + ε), dscale[c] = Σ_{n,i} dy·(x − mean)/√(var + ε),
 * dbias[c] = Σ_{n,i} dy (sums in float64). No gradient flows to mean and variance.
 */
export function batchNormalizationBackward(dy: Tensor, x: Tensor, scale: Tensor, mean: Tensor, variance: Tensor, attrs?: BatchNormalizationAttrs): { dx: Tensor; dscale: Tensor; dbias: Tensor } {
  const op = "batchNormalizationBackward";
  const xShape = checkTensor(x, `${op}(x)`);
  checkSameShape(checkTensor(dy, `${op}(dy)`), xShape, `${op}(dy)`, "the shape of x");
  const g = channelGeometry(xShape, op);
  const [s, m, v] = ([[scale, "scale"], [mean, "mean"], [variance, "variance"]] as const).map(([t, n]) => channelParam(t, g.C, `${op}(${n})`));
  const epsilon = readEpsilon(attrs, op);
  const xs = plain(x).data, gs = plain(dy).data, dx = new Float32Array(xs.length);
  const dscale = new Float64Array(g.C), dbias = new Float64Array(g.C);
  for (let c = 0; c < g.C; c++) {
    const inv = 1 / Math.sqrt(v[c] + epsilon), a = s[c] * inv;
    for (let n = 0; n < g.N; n++) {
      const base = (n * g.C + c) * g.plane;
      for (let i = base; i < base + g.plane; i++) {
        dx[i] = a * gs[i];
        dscale[c] += gs[i] * (xs[i] - m[c]) * inv;
        dbias[c] += gs[i];
      }
    }
  }
  return { dx: tensor(dx, xShape.slice()), dscale: tensor(Float32Array.from(dscale), [g.C]), dbias: tensor(Float32Array.from(dbias), [g.C]) };
}

/**
 * The forward on wasm blocks (byte offsets; x and y [N, C, plane], the four parameters [C]) with
 * the kernel f32_channel_affine__simd: the same a[c], b[c] in float64 and the same a·x + b in
 * float64 rounded once as batchNormalization, so the same bits.
 */
export function runChannelAffine(rt: Runtime, g: ChannelGeometry, epsilon: number, x: number,
  p: { scale: number; bias: number; mean: number; var: number }, y: number): void {
  withArena(rt, () => {
    const ab = rt.arena.alloc(g.C * 16, "batchNormalization affine"); // a then b, float64 each
    const view = (ptr: number) => rt.arena.f32(ptr, g.C); // after the alloc: it may grow the memory
    const { a, b } = affine(view(p.scale), view(p.bias), view(p.mean), view(p.var), epsilon);
    const f64 = new Float64Array(rt.memory.buffer, ab, 2 * g.C);
    f64.set(a);
    f64.set(b, g.C);
    rt.kernels.f32_channel_affine__simd(x, ab, ab + g.C * 8, y, g.N, g.C, g.plane);
  });
}

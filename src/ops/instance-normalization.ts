// instanceNormalization: ONNX InstanceNormalization — every (image, channel) plane normalised by
// its own mean and (biased) variance over the spatial positions, then scaled and shifted:
//   μ[n,c] = (1/P) Σ_i x[n,c,i],  σ²[n,c] = (1/P) Σ_i (x[n,c,i] − μ[n,c])²,
//   y[n,c,i] = scale[c]·(x[n,c,i] − μ[n,c]) / √(σ²[n,c] + ε) + bias[c]
// over x [N, C, spatial…] (P = ∏ spatial). Its backward is the full one (the statistics depend on
// x): with x̂ = (x − μ)/s, s = √(σ² + ε) and g = scale·dy, per plane
//   dx = (g − mean(g) − x̂·mean(g·x̂)) / s,  dscale[c] = Σ_{n,i} dy·x̂,  dbias[c] = Σ_{n,i} dy.
// Float64 arithmetic rounded once to float32; a JS loop, not a wasm kernel.
import { type Tensor, checkTensor, plain, tensor } from "../tensor.js";
import { type ChannelGeometry, channelGeometry, channelParam, readEpsilon } from "./batch-normalization.js";
import { checkSameShape } from "./run.js";

/** InstanceNormalization's attribute: ε added to the variance (ONNX's default 1e-5). */
export interface InstanceNormalizationAttrs { epsilon?: number }

/** Per plane (n, c): its mean and 1/√(σ² + ε), two-pass in float64. */
function planeStatistics(g: ChannelGeometry, x: Float32Array, epsilon: number): { mean: Float64Array; inv: Float64Array } {
  const planes = g.N * g.C, mean = new Float64Array(planes), inv = new Float64Array(planes);
  for (let p = 0; p < planes; p++) {
    const base = p * g.plane; // plane p = n·C + c holds elements p·P … p·P + P − 1
    let sum = 0;
    for (let i = base; i < base + g.plane; i++) sum += x[i];
    const m = g.plane > 0 ? sum / g.plane : 0;
    let sq = 0;
    for (let i = base; i < base + g.plane; i++) sq += (x[i] - m) * (x[i] - m);
    mean[p] = m;
    inv[p] = 1 / Math.sqrt((g.plane > 0 ? sq / g.plane : 0) + epsilon);
  }
  return { mean, inv };
}

/**
 * ONNX InstanceNormalization (opsets 6–22).
 * @param x [N, C, …]
 * @param scale, bias [C]
 * @returns y of x's shape. With ε = 0 a constant plane divides 0 by 0 (NaN), as ONNX's formula does.
 */
export function instanceNormalization(x: Tensor, scale: Tensor, bias: Tensor, attrs?: InstanceNormalizationAttrs): Tensor {
  const op = "instanceNormalization";
  const xShape = checkTensor(x, `${op}(x)`);
  const g = channelGeometry(xShape, op);
  const s = channelParam(scale, g.C, `${op}(scale)`), b = channelParam(bias, g.C, `${op}(bias)`);
  const epsilon = readEpsilon(attrs, op);
  const xs = plain(x).data, y = new Float32Array(xs.length);
  const { mean, inv } = planeStatistics(g, xs, epsilon);
  for (let p = 0; p < g.N * g.C; p++) {
    const c = p % g.C, a = s[c] * inv[p], base = p * g.plane;
    for (let i = base; i < base + g.plane; i++) y[i] = a * (xs[i] - mean[p]) + b[c];
  }
  return tensor(y, xShape.slice());
}

/**
 * The gradient of instanceNormalization through its statistics: `{ dx, dscale, dbias }` (see the
 * file's header for the formulas; sums in float64).
 */
export function instanceNormalizationBackward(dy: Tensor, x: Tensor, scale: Tensor, attrs?: InstanceNormalizationAttrs): { dx: Tensor; dscale: Tensor; dbias: Tensor } {
  const op = "instanceNormalizationBackward";
  const xShape = checkTensor(x, `${op}(x)`);
  checkSameShape(checkTensor(dy, `${op}(dy)`), xShape, `${op}(dy)`, "the shape of x");
  const g = channelGeometry(xShape, op);
  const s = channelParam(scale, g.C, `${op}(scale)`);
  const epsilon = readEpsilon(attrs, op);
  const xs = plain(x).data, gs = plain(dy).data, dx = new Float32Array(xs.length);
  const { mean, inv } = planeStatistics(g, xs, epsilon);
  const dscale = new Float64Array(g.C), dbias = new Float64Array(g.C);
  for (let p = 0; p < g.N * g.C; p++) {
    const c = p % g.C, base = p * g.plane, P = g.plane;
    let sumDy = 0, sumDyXhat = 0;
    for (let i = base; i < base + P; i++) {
      sumDy += gs[i];
      sumDyXhat += gs[i] * (xs[i] - mean[p]) * inv[p];
    }
    dscale[c] += sumDyXhat;
    dbias[c] += sumDy;
    // g = scale·dy: mean(g) = scale·sumDy/P, mean(g·x̂) = scale·sumDyXhat/P
    const mg = s[c] * sumDy / P, mgx = s[c] * sumDyXhat / P;
    for (let i = base; i < base + P; i++) {
      const xhat = (xs[i] - mean[p]) * inv[p];
      dx[i] = (s[c] * gs[i] - mg - xhat * mgx) * inv[p];
    }
  }
  return { dx: tensor(dx, xShape.slice()), dscale: tensor(Float32Array.from(dscale), [g.C]), dbias: tensor(Float32Array.from(dbias), [g.C]) };
}

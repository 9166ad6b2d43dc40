// Gradient view: the transposed convolution is the gradient of a convolution with respect to its
// input — which is how FCN trains its upsampling layers, and why it is also called "backward conv".
// For the conv of geometry.conv (same window, same weights w as they are):
//   convTranspose(x, w) = ∂⟨conv(z, w), x⟩ / ∂z = convBackward(dy = x, z, w).dx     (for any z)
// so ⟨conv(z), x⟩ = ⟨z, convTranspose(x)⟩. Output rows no tap reaches (cropped from z) get 0.
import type { ConvTransposeAttrs } from "../attrs.js";
import { ShapeError } from "../errors.js";
import { conv, convBackward } from "../ops/conv.js";
import { type Tensor, checkTensor, describeShape, tensor, plain } from "../tensor.js";
import { type ExplainGeometry, planar, resolveView } from "./geometry.js";

/** Both sides of the adjoint identity ⟨conv(z), x⟩ = ⟨z, y − b⟩ for one z. */
export interface AdjointCheck {
  /** ⟨conv(z), x⟩, the conv run by the conv op (on z cropped as geometry.conv says). */
  convSide: number;
  /** ⟨z, y − b⟩ with y this view's output. */
  transposeSide: number;
}

/** Result of explain.gradient. */
export interface GradientView {
  /** y [N, M, outH, outW] = convBackward(x, z, w, convAttrs).dx (placed at cropBegin) + b: equal to convTranspose(x, w, b, attrs). */
  output: Tensor;
  geometry: ExplainGeometry;
  /** The conv whose input gradient this is: ONNX Conv attributes, with w as its weights [C, M/group, kH, kW]. */
  convAttrs: { strides: number[]; pads: number[]; dilations: number[]; group: number };
  /** The shape of that conv's input: z [N, M, out − cropBegin − cropEnd…]. */
  convInputShape: number[];
  /** Evaluates both sides of ⟨conv(z), x⟩ = ⟨z, y − b⟩ for a z [N, M, outH, outW] (runs the conv op). */
  check(z: Tensor): AdjointCheck;
}

/** z[…, cropBegin + i] for i < size, per spatial axis (planar, rank 1 as H = 1). */
function cropPlanes(data: Float32Array, planes: number, H: number, W: number, top: number, left: number, h: number, w: number): Float32Array {
  const out = new Float32Array(planes * h * w);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) out[(p * h + i) * w + j] = data[(p * H + top + i) * W + left + j];
    }
  }
  return out;
}

/**
 * The transposed convolution as the input gradient of a convolution, through convBackward.
 * Runs ops: `await ready()` first.
 * @param x input [N, C, H, W] (or [N, C, L]); it plays dL/d(conv output)
 * @param w weights [C, M/group, kH, kW]; the conv's weights as they are
 * @param b optional bias [M] (added after the gradient)
 * @param attrs convTranspose's attributes
 */
export function gradient(x: Tensor, w: Tensor, b?: Tensor | null, attrs?: ConvTransposeAttrs): GradientView {
  x = plain(x); w = plain(w); b = plain(b); // read element by element below
  const g = resolveView("explain.gradient", x, w, b, attrs);
  const { N, M, rank } = g;
  const { OH, OW } = planar(g);
  const { cropBegin, cropEnd, attrs: convAttrs } = g.conv;
  const [top, left] = rank === 2 ? cropBegin : [0, cropBegin[0]];
  const inner = g.output.map((o, i) => o - cropBegin[i] - cropEnd[i]);
  const [h, wd] = rank === 2 ? inner : [1, inner[0]];
  const convInputShape = [N, M, ...inner];

  // The gradient of the linear map z ↦ ⟨conv(z), x⟩ does not depend on z: any z of the right shape.
  // (An empty crop(z) — an output of rows no tap reaches — has a zero gradient: nothing to run.)
  const empty = h * wd === 0;
  const z = tensor(new Float32Array(N * M * h * wd), convInputShape);
  const dx = empty ? z : convBackward(x, z, w, convAttrs).dx;

  // Put dx back where crop(z) came from; the cropped rows receive no tap, their gradient is 0.
  const y = new Float32Array(N * M * OH * OW);
  for (let p = 0; p < N * M; p++) {
    const bias = b == null ? 0 : b.data[p % M];
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const i = oh - top, j = ow - left;
        const inside = i >= 0 && i < h && j >= 0 && j < wd;
        y[(p * OH + oh) * OW + ow] = (inside ? dx.data[(p * h + i) * wd + j] : 0) + bias;
      }
    }
  }
  const output = tensor(y, [N, M, ...g.output]);

  const check = (zFull: Tensor): AdjointCheck => {
    const zShape = checkTensor(zFull, "explain.gradient check(z)");
    const want = [N, M, ...g.output];
    if (zShape.length !== want.length || zShape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`explain.gradient check(z): expected ${describeShape(want)} (the output's shape), got ${describeShape(zShape)}`);
    }
    const zc = tensor(cropPlanes(zFull.data, N * M, OH, OW, top, left, h, wd), convInputShape);
    const cz = empty ? { data: new Float32Array(x.data.length) } : conv(zc, w, null, convAttrs);
    let convSide = 0, transposeSide = 0;
    for (let i = 0; i < cz.data.length; i++) convSide += cz.data[i] * x.data[i];
    for (let i = 0; i < y.length; i++) transposeSide += zFull.data[i] * (y[i] - (b == null ? 0 : b.data[Math.floor(i / (OH * OW)) % M]));
    return { convSide, transposeSide };
  };

  return { output, geometry: g, convAttrs, convInputShape, check };
}

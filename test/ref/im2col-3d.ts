// Plain-TS references for im2col and col2im over volumes (spatial rank 3), the 3-D forms of
// ref/window-ops.ts's im2colRef and col2imRef: naive loops, one bounds test per tap, float64 sums.
// Independent of src/. Layouts: x [N, C, D, H, W]; cols [N, C·kD·kH·kW, OD·OH·OW] with rows
// ordered (c, kd, kh, kw) and columns (od, oh, ow), row-major (ONNX Col2Im's layout).
import { type Arr, type Col2imAttrs, type Ref, type WindowAttrs, convOutSize, perAxis } from "./window-ops.js";

/** One axis resolved: image size, kernel, stride, dilation, begin pad and window positions. */
interface Axis { size: number; k: number; s: number; d: number; p: number; out: number }

function axes(image: readonly number[], attrs: WindowAttrs): [Axis, Axis, Axis] {
  if (image.length !== 3) throw new Error(`reference: expected 3 spatial sizes, got ${image.length}`);
  const k = perAxis(attrs.kernelShape, 3, 1), s = perAxis(attrs.strides, 3, 1), d = perAxis(attrs.dilations, 3, 1);
  const p = perAxis(attrs.pads, 6, 0); // ONNX order: begins, then ends
  const axis = (i: number): Axis => ({ size: image[i], k: k[i], s: s[i], d: d[i], p: p[i], out: convOutSize(image[i], k[i], s[i], d[i], p[i], p[i + 3]) });
  const all: [Axis, Axis, Axis] = [axis(0), axis(1), axis(2)];
  if (all.some((a) => a.out < 1)) throw new Error("reference: no window position");
  return all;
}

/**
 * Visits every (channel c, tap (kd, kh, kw), position (od, oh, ow)) of one image: the row and
 * column of cols, and the voxel index the tap reads in the [C, D, H, W] image (−1 in the padding):
 * id = od·sD − pF + kd·dD, ih = oh·sH − pT + kh·dH, iw = ow·sW − pL + kw·dW.
 */
function eachTap(C: number, [Dz, Hz, Wz]: [Axis, Axis, Axis], visit: (row: number, col: number, voxel: number) => void): void {
  for (let c = 0; c < C; c++)
    for (let kd = 0; kd < Dz.k; kd++) for (let kh = 0; kh < Hz.k; kh++) for (let kw = 0; kw < Wz.k; kw++) {
      const row = ((c * Dz.k + kd) * Hz.k + kh) * Wz.k + kw;
      for (let od = 0; od < Dz.out; od++) for (let oh = 0; oh < Hz.out; oh++) for (let ow = 0; ow < Wz.out; ow++) {
        const id = od * Dz.s - Dz.p + kd * Dz.d, ih = oh * Hz.s - Hz.p + kh * Hz.d, iw = ow * Wz.s - Wz.p + kw * Wz.d;
        const inside = id >= 0 && id < Dz.size && ih >= 0 && ih < Hz.size && iw >= 0 && iw < Wz.size;
        visit(row, (od * Hz.out + oh) * Wz.out + ow, inside ? ((c * Dz.size + id) * Hz.size + ih) * Wz.size + iw : -1);
      }
    }
}

/** im2col: cols[n, row, col] = x[n, c, id, ih, iw] of that tap, 0 in the padding. */
export function im2col3dRef(x: Arr, attrs: WindowAttrs): Ref {
  const [N, C] = x.shape;
  const a = axes(x.shape.slice(2), attrs);
  const rows = C * a[0].k * a[1].k * a[2].k, L = a[0].out * a[1].out * a[2].out, volume = a[0].size * a[1].size * a[2].size;
  const out = new Float64Array(N * rows * L);
  for (let n = 0; n < N; n++) {
    eachTap(C, a, (row, col, voxel) => {
      out[(n * rows + row) * L + col] = voxel >= 0 ? x.data[n * C * volume + voxel] : 0;
    });
  }
  return { data: out, shape: [N, rows, L] };
}

/** col2im (ONNX Col2Im): y[n, c, id, ih, iw] = Σ cols[n, row, col] over the taps that read that voxel. */
export function col2im3dRef(cols: Arr, attrs: Col2imAttrs): Ref {
  const image = perAxis(attrs.imageShape, 3, 1);
  const a = axes(image, attrs);
  const [N, rows, L] = cols.shape;
  const C = rows / (a[0].k * a[1].k * a[2].k), volume = image[0] * image[1] * image[2];
  if (!Number.isInteger(C) || L !== a[0].out * a[1].out * a[2].out) throw new Error("reference: cols shape does not fit the attributes");
  const y = new Float64Array(N * C * volume);
  for (let n = 0; n < N; n++) {
    eachTap(C, a, (row, col, voxel) => {
      if (voxel >= 0) y[n * C * volume + voxel] += cols.data[(n * rows + row) * L + col];
    });
  }
  return { data: y, shape: [N, C, ...image] };
}

// Naive ONNX Resize (nearest, linear), written per output element as the operator's text defines
// it: for every output index, every spatial axis maps its coordinate to x_original, and the value
// is the nearest input pixel or the N-linear blend of the 2^r surrounding ones (edge clamped).
// `float32: true` computes scale and x_original in float32 and the output size as a float32
// product, as onnxruntime does, to show where (and only where) it departs from the text.
export type Coord = "half_pixel" | "pytorch_half_pixel" | "align_corners" | "asymmetric" | "half_pixel_symmetric";
export type Nearest = "round_prefer_floor" | "round_prefer_ceil" | "floor" | "ceil";

export interface RefResize {
  mode: "nearest" | "linear";
  coord: Coord;
  nearest: Nearest;
  scales?: number[];
  sizes?: number[];
  float32?: boolean;
}

export function refResizeShape(shape: readonly number[], o: RefResize): number[] {
  const f = o.float32 ? Math.fround : (v: number) => v;
  return [shape[0], shape[1], ...shape.slice(2).map((n, i) => (o.sizes ? o.sizes[i] : Math.floor(f(n * o.scales![i]))))];
}

/** x_original on one axis: ONNX's coordinate_transformation_mode formulas. */
export function refOriginal(xr: number, lenIn: number, lenOut: number, scaleGiven: number | undefined, o: RefResize): number {
  const f = o.float32 ? Math.fround : (v: number) => v;
  const scale = f(scaleGiven ?? lenOut / lenIn);
  // v / scale; with sizes the text's scale is the ratio lenOut / lenIn, so divide by it exactly
  const unscale = (v: number) => (scaleGiven === undefined && !o.float32 ? (v * lenIn) / lenOut : f(v / scale));
  switch (o.coord) {
    case "half_pixel": return f(unscale(xr + 0.5) - 0.5);
    case "pytorch_half_pixel": return lenOut > 1 ? f(unscale(xr + 0.5) - 0.5) : 0;
    case "align_corners": return lenOut === 1 ? 0 : f(f(xr * (lenIn - 1)) / (lenOut - 1));
    case "asymmetric": return unscale(xr);
    case "half_pixel_symmetric": {
      const outputWidth = f(scale * lenIn);
      const offset = f((lenIn / 2) * f(1 - f(lenOut / outputWidth)));
      // onnxruntime adds the offset to a double (x + 0.5) / scale − 0.5 and rounds once
      return o.float32 ? f(offset + (xr + 0.5) / scale - 0.5) : offset + unscale(xr + 0.5) - 0.5;
    }
  }
}

function round(x: number, mode: Nearest): number {
  const fl = Math.floor(x), frac = x - fl;
  if (mode === "floor") return fl;
  if (mode === "ceil") return Math.ceil(x);
  if (frac === 0.5) return mode === "round_prefer_floor" ? fl : fl + 1;
  return frac < 0.5 ? fl : fl + 1;
}

/** y = Resize(x) per output element (float64 sums). */
export function refResize(x: Float32Array, shape: readonly number[], o: RefResize): { data: Float64Array; shape: number[] } {
  const outShape = refResizeShape(shape, o);
  const spatialIn = shape.slice(2), spatialOut = outShape.slice(2), r = spatialIn.length;
  const strideIn: number[] = new Array(r).fill(1);
  for (let a = r - 2; a >= 0; a--) strideIn[a] = strideIn[a + 1] * spatialIn[a + 1];
  const planeIn = spatialIn.reduce((p, d) => p * d, 1), planeOut = spatialOut.reduce((p, d) => p * d, 1);
  const y = new Float64Array(shape[0] * shape[1] * planeOut);
  const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
  for (let p = 0; p < shape[0] * shape[1]; p++) {
    for (let q = 0; q < planeOut; q++) {
      // the output's spatial index tuple
      const idx: number[] = [];
      let rest = q;
      for (let a = r - 1; a >= 0; a--) { idx[a] = rest % spatialOut[a]; rest = Math.floor(rest / spatialOut[a]); }
      const xo = idx.map((v, a) => refOriginal(v, spatialIn[a], spatialOut[a], o.scales?.[a], o));
      let sum = 0;
      if (o.mode === "nearest") {
        let at = 0;
        for (let a = 0; a < r; a++) at += clamp(round(xo[a], o.nearest), spatialIn[a]) * strideIn[a];
        sum = x[p * planeIn + at];
      } else {
        for (let corner = 0; corner < 1 << r; corner++) {
          let w = 1, at = 0;
          for (let a = 0; a < r; a++) {
            const lo = Math.floor(xo[a]), t = xo[a] - lo, hi = (corner >> a) & 1;
            w *= hi ? t : 1 - t;
            at += clamp(lo + hi, spatialIn[a]) * strideIn[a];
          }
          if (w !== 0) sum += w * x[p * planeIn + at];
        }
      }
      y[p * planeOut + q] = sum;
    }
  }
  return { data: y, shape: outShape };
}

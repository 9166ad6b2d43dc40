// Plain-TS float64 reference for ONNX AveragePool and its gradient, written from the ONNX text for
// any spatial rank: explicit pads only (tests give auto_pad cases as their explicit pads), output
// sizes by the floor/ceil formula, a window's divisor the taps inside the input (or inside the
// padded input with countIncludePad). Never imports the package.

export interface AvgRefAttrs { kernel: number[]; strides: number[]; dilations: number[]; pads: number[]; ceil: boolean; includePad: boolean }

/** Output spatial sizes: ⌊ or ⌈(in + pb + pe − d·(k − 1) − 1)/s⌉ + 1, a last ceil window starting past in + pb dropped. */
export function avgPoolOutSizes(image: readonly number[], a: AvgRefAttrs): number[] {
  const r = image.length;
  return image.map((n, i) => {
    const room = n + a.pads[i] + a.pads[i + r] - a.dilations[i] * (a.kernel[i] - 1) - 1;
    let out = (a.ceil ? Math.ceil(room / a.strides[i]) : Math.floor(room / a.strides[i])) + 1;
    if (a.ceil && (out - 1) * a.strides[i] >= n + a.pads[i]) out--;
    return out;
  });
}

/** Every tap of output position `o` (spatial, row-major): its input coordinates and whether it is on the input / in the padded input. */
function windowTaps(o: number[], image: readonly number[], a: AvgRefAttrs): { at: number[]; onInput: boolean; inPadded: boolean }[] {
  const r = image.length, list: { at: number[]; onInput: boolean; inPadded: boolean }[] = [];
  const count = a.kernel.reduce((x, y) => x * y, 1);
  for (let t = 0; t < count; t++) {
    let rest = t;
    const at = new Array<number>(r);
    for (let i = r - 1; i >= 0; i--) { at[i] = o[i] * a.strides[i] - a.pads[i] + (rest % a.kernel[i]) * a.dilations[i]; rest = Math.floor(rest / a.kernel[i]); }
    list.push({
      at,
      onInput: at.every((p, i) => p >= 0 && p < image[i]),
      inPadded: at.every((p, i) => p >= -a.pads[i] && p < image[i] + a.pads[i + r]),
    });
  }
  return list;
}

function forEachOutput(shape: readonly number[], a: AvgRefAttrs, visit: (plane: number, outIndex: number, taps: { at: number[]; onInput: boolean; inPadded: boolean }[]) => void): number[] {
  const image = shape.slice(2), outSizes = avgPoolOutSizes(image, a);
  const outPlane = outSizes.reduce((x, y) => x * y, 1);
  for (let p = 0; p < shape[0] * shape[1]; p++) {
    for (let q = 0; q < outPlane; q++) {
      let rest = q;
      const o = new Array<number>(outSizes.length);
      for (let i = outSizes.length - 1; i >= 0; i--) { o[i] = rest % outSizes[i]; rest = Math.floor(rest / outSizes[i]); }
      visit(p, q, windowTaps(o, image, a));
    }
  }
  return [shape[0], shape[1], ...outSizes];
}

const flat = (at: number[], image: readonly number[]) => at.reduce((acc, p, i) => acc * image[i] + p, 0);

/** y = Σ x over on-input taps / (taps on the input, or in the padded input with includePad). */
export function averagePoolRef(x: ArrayLike<number>, shape: readonly number[], a: AvgRefAttrs): { data: Float64Array; shape: number[] } {
  const image = shape.slice(2), inPlane = image.reduce((p, q) => p * q, 1);
  const values: number[] = [];
  const outShape = forEachOutput(shape, a, (p, _q, taps) => {
    let sum = 0;
    for (const t of taps) if (t.onInput) sum += x[p * inPlane + flat(t.at, image)];
    values.push(sum / taps.filter((t) => (a.includePad ? t.inPadded : t.onInput)).length);
  });
  return { data: Float64Array.from(values), shape: outShape };
}

/** dx[tap] += dy[o] / divisor(o) for every on-input tap of every output o. */
export function averagePoolBackwardRef(dy: ArrayLike<number>, shape: readonly number[], a: AvgRefAttrs): Float64Array {
  const image = shape.slice(2), inPlane = image.reduce((p, q) => p * q, 1);
  const dx = new Float64Array(shape[0] * shape[1] * inPlane);
  let k = 0;
  forEachOutput(shape, a, (p, _q, taps) => {
    const divisor = taps.filter((t) => (a.includePad ? t.inPadded : t.onInput)).length, g = dy[k++];
    for (const t of taps) if (t.onInput) dx[p * inPlane + flat(t.at, image)] += g / divisor;
  });
  return dx;
}

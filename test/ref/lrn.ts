// LRN by its definition (ONNX's operator text): for each element, the sum of squares over the
// channel window [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉] clipped to [0, C−1], then
// y = x / (bias + alpha/size · sum)^beta, in float64 rounded once.
export function lrnRef(x: ArrayLike<number>, shape: readonly number[], size: number, alpha: number, beta: number, bias: number): number[] {
  const [N, C] = shape, plane = shape.slice(2).reduce((p, d) => p * d, 1);
  const out: number[] = [];
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < plane; p++) {
    let sum = 0;
    for (let i = c - Math.floor((size - 1) / 2); i <= c + Math.ceil((size - 1) / 2); i++) {
      if (i >= 0 && i < C) sum += x[(n * C + i) * plane + p] ** 2;
    }
    out.push(Math.fround(x[(n * C + c) * plane + p] / (bias + (alpha / size) * sum) ** beta));
  }
  return out;
}

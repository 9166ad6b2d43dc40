// add: ONNX Add with numpy broadcasting. The trailing axes on which a and b each either match the
// output or are broadcast the same way are merged into one run, so equal shapes are one kernel call.
// Its backward sums dy over the axes each operand was broadcast along.
import { broadcastShapes, broadcastStrides, forEachOuter } from "../broadcast.js";
import { type Tensor, checkDims, checkTensor, describeShape, tensor } from "../tensor.js";
import { ShapeError } from "../errors.js";
import { product, withArena } from "./run.js";
import { reduceToShape } from "./broadcast-binary.js";

/** ONNX Add: y = a + b, shapes broadcast numpy-style. */
export function add(a: Tensor, b: Tensor): Tensor {
  const aShape = checkTensor(a, "add(a)");
  const bShape = checkTensor(b, "add(b)");
  const out = broadcastShapes(aShape, bShape, "add");
  const sa = broadcastStrides(aShape, out), sb = broadcastStrides(bShape, out);
  // Merge trailing axes while a and b keep the kind of the last axis: each either runs along the
  // output (step 1) or is broadcast (step 0). Axes of size 1 in the output merge with anything.
  let tail = 0, run = 1;
  let step: [number, number] | null = null;
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 1) {
      const kind: [number, number] = [sa[i] === 0 ? 0 : 1, sb[i] === 0 ? 0 : 1];
      if (step === null) step = kind;
      else if (kind[0] !== step[0] || kind[1] !== step[1]) break;
      run *= out[i];
    }
    tail++;
  }
  const [stepA, stepB] = step ?? [1, 1];
  const size = product(out);
  return withArena((rt) => {
    const pa = rt.arena.put(a.data, "add(a)");
    const pb = rt.arena.put(b.data, "add(b)");
    const py = rt.arena.alloc(size * 4, "add output");
    forEachOuter(out, tail, sa, sb, (oa, ob, n) => {
      rt.kernels.f32_add__simd(pa + oa * 4, stepA, pb + ob * 4, stepB, py + n * run * 4, run);
    });
    return tensor(rt.arena.take(py, size), out);
  });
}

/**
 * Gradients of add: da and db are dy summed over the axes along which a and b were broadcast
 * (so each has its operand's shape); with equal shapes both are copies of dy.
 */
export function addBackward(dy: Tensor, aShape: readonly number[], bShape: readonly number[]): { da: Tensor; db: Tensor } {
  const dyShape = checkTensor(dy, "addBackward(dy)");
  const sa = checkDims(aShape, "addBackward(aShape)"), sb = checkDims(bShape, "addBackward(bShape)");
  const out = broadcastShapes(sa, sb, "addBackward");
  if (out.length !== dyShape.length || out.some((d, i) => d !== dyShape[i])) {
    throw new ShapeError(`addBackward(dy): expected ${describeShape(out)} (add's output), got ${describeShape(dyShape)}`);
  }
  const g = dy.data; // once: a resident dy copies on every read
  return { da: reduceToShape(g, out, sa), db: reduceToShape(g, out, sb) };
}

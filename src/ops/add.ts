// add: ONNX Add with numpy broadcasting. The trailing axes on which a and b each either match the
// output or are broadcast the same way are merged into one run, so equal shapes are one kernel call.
// Its backward sums dy over the axes each operand was broadcast along.
import { broadcastShapes, broadcastStrides } from "../broadcast.js";
import { type Tensor, checkDims, checkTensor, describeShape, tensor } from "../tensor.js";
import { ShapeError } from "../errors.js";
import { product, withArena } from "./run.js";
import { forEachRun, reduceToShape } from "./broadcast-binary.js";

/** ONNX Add: y = a + b, shapes broadcast numpy-style. */
export function add(a: Tensor, b: Tensor): Tensor {
  const aShape = checkTensor(a, "add(a)");
  const bShape = checkTensor(b, "add(b)");
  const out = broadcastShapes(aShape, bShape, "add");
  const sa = broadcastStrides(aShape, out), sb = broadcastStrides(bShape, out);
  const size = product(out);
  return withArena((rt) => {
    const pa = rt.arena.put(a.data, "add(a)");
    const pb = rt.arena.put(b.data, "add(b)");
    const py = rt.arena.alloc(size * 4, "add output");
    // one kernel call per run of merged trailing axes (forEachRun): equal shapes are one call
    forEachRun(out, sa, sb, (oa, ob, yo, n, stepA, stepB) => {
      rt.kernels.f32_add__simd(pa + oa * 4, stepA, pb + ob * 4, stepB, py + yo * 4, n);
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

// Element-wise ops on constants, with ONNX's multidirectional (numpy) broadcasting: Add, Sub, Mul,
// Div (integer Div truncates toward zero, as onnxruntime's int64 Div does), Pow, Max, Min and Sum
// (any number of inputs), Equal, Less, Greater, And, Or (→ BOOL), Not, Where (condition ? X : Y,
// three-way broadcast), and the unary Floor, Ceil, Neg, Abs, Sqrt, Exp, Identity. Integer data is
// computed exactly (int64 past 2²⁴, up to 2⁵³), floats in float64 rounded once. Results keep the element type
// of the data inputs, float32-rounded for FLOAT.
import { broadcastShapes, broadcastStrides } from "../../broadcast.js";
import { FcnWasmError } from "../../errors.js";
import { DataType } from "../proto.js";
import type { Constant } from "../constants.js";
import type { Folder } from "./folder.js";
import { MAX_FOLD_ELEMENTS, isFloatType, lazyConstant, numbers, reshaped, sizeOf, toType, typeOf } from "./values.js";

/** out[idx] = f(a[idx broadcast], b[…], …) over the broadcast shape of `inputs`, in type `type`. */
function broadcastMap(inputs: Constant[], type: number, f: (values: number[]) => number, op: string): Constant[] | string {
  let dims: number[];
  try {
    dims = inputs.slice(1).reduce((d, c) => broadcastShapes(d, c.dims, op), inputs[0].dims.slice());
  } catch (e) {
    if (e instanceof FcnWasmError) return e.message;
    throw e;
  }
  if (sizeOf(dims) > MAX_FOLD_ELEMENTS) return `its result [${dims.join(", ")}] is too large to evaluate at load`;
  return [lazyConstant(dims, type, () => {
    const srcs = inputs.map(numbers), strides = inputs.map((c) => broadcastStrides(c.dims, dims));
    const out = new Float64Array(sizeOf(dims)), idx = dims.map(() => 0), at = inputs.map(() => 0), values = inputs.map(() => 0);
    for (let o = 0; o < out.length; o++) {
      for (let k = 0; k < srcs.length; k++) values[k] = srcs[k][at[k]];
      out[o] = toType(f(values), type);
      // next row-major index; each input's offset moves by its (0 on broadcast axes) stride
      for (let a = dims.length - 1; a >= 0; a--) {
        idx[a]++;
        for (let k = 0; k < at.length; k++) at[k] += strides[k][a];
        if (idx[a] < dims[a]) break;
        for (let k = 0; k < at.length; k++) at[k] -= strides[k][a] * dims[a];
        idx[a] = 0;
      }
    }
    return out;
  })];
}

/** A binary arithmetic folder; before opset 7 a `broadcast` attribute with an `axis` is legacy broadcasting, not folded. */
function arithmetic(f: (a: number, b: number, integer: boolean) => number): Folder {
  return (ctx) => {
    const a = ctx.constant(0)!, b = ctx.constant(1)!;
    if (ctx.opset < 7 && ctx.attrs.has("axis")) return "legacy broadcasting with an axis (opset < 7) is not evaluated at load";
    if (typeOf(a) !== typeOf(b)) return `its inputs' element types differ (${typeOf(a)} and ${typeOf(b)})`;
    const integer = !isFloatType(a.dataType);
    return broadcastMap([a, b], typeOf(a), ([x, y]) => f(x, y, integer), ctx.node.opType);
  };
}

export const foldAdd = arithmetic((a, b) => a + b);
export const foldSub = arithmetic((a, b) => a - b);
export const foldMul = arithmetic((a, b) => a * b);
export const foldDiv = arithmetic((a, b, integer) => (integer ? Math.trunc(a / b) : a / b));

/** Pow: the result has the base's element type; the exponent may be of another (an int64 one from opset 12). */
export const foldPow: Folder = (ctx) => {
  const a = ctx.constant(0)!, b = ctx.constant(1)!;
  if (ctx.opset < 7 && ctx.attrs.has("axis")) return "legacy broadcasting with an axis (opset < 7) is not evaluated at load";
  return broadcastMap([a, b], typeOf(a), ([x, y]) => Math.pow(x, y), "Pow");
};

/** A comparison: BOOL out. */
function comparison(f: (a: number, b: number) => boolean): Folder {
  return (ctx) => broadcastMap([ctx.constant(0)!, ctx.constant(1)!], DataType.BOOL, ([a, b]) => (f(a, b) ? 1 : 0), ctx.node.opType);
}

export const foldEqual = comparison((a, b) => a === b);
export const foldLess = comparison((a, b) => a < b);
export const foldGreater = comparison((a, b) => a > b);
export const foldAnd = comparison((a, b) => a !== 0 && b !== 0);
export const foldOr = comparison((a, b) => a !== 0 || b !== 0);

/** Max or Min over every input (variadic, broadcast); a NaN wins, as in numpy's maximum. */
function extremum(pick: (...v: number[]) => number): Folder {
  return (ctx) => {
    const inputs = ctx.node.input.map((_, i) => ctx.constant(i)!);
    if (inputs.some((c) => typeOf(c) !== typeOf(inputs[0]))) return "its inputs' element types differ";
    return broadcastMap(inputs, typeOf(inputs[0]), (v) => pick(...v), ctx.node.opType);
  };
}

export const foldMax = extremum(Math.max);
export const foldMin = extremum(Math.min);
/** Sum of every input, left to right in a float64 accumulator, rounded once to the element type. */
export const foldSum = extremum((...v) => v.reduce((s, x) => s + x, 0));

export const foldWhere: Folder = (ctx) => {
  const [cond, x, y] = [0, 1, 2].map((i) => ctx.constant(i)!);
  return broadcastMap([cond, x, y], typeOf(x), ([c, a, b]) => (c !== 0 ? a : b), "Where");
};

function unary(f: (v: number) => number): Folder {
  return (ctx) => {
    const x = ctx.constant(0)!;
    return [lazyConstant(x.dims.slice(), typeOf(x), () => numbers(x).map((v) => toType(f(v), typeOf(x))))];
  };
}

export const foldFloor = unary(Math.floor);
export const foldCeil = unary(Math.ceil);
export const foldNeg = unary((v) => -v);
export const foldAbs = unary(Math.abs);
/** A unary op ONNX defines for float types only (Sqrt, Exp). */
function floatUnary(f: (v: number) => number): Folder {
  const fold = unary(f);
  return (ctx) => (isFloatType(ctx.constant(0)!.dataType) ? fold(ctx) : `${ctx.node.opType} of an integer tensor (ONNX defines it for floats only)`);
}

export const foldSqrt = floatUnary(Math.sqrt);
export const foldExp = floatUnary(Math.exp);
export const foldNot = unary((v) => (v !== 0 ? 0 : 1));
export const foldIdentity: Folder = (ctx) => [reshaped(ctx.constant(0)!, ctx.constant(0)!.dims.slice())];

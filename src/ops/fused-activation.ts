// An activation fused into a convolution (a Conv/ConvTranspose layer's `activation` attribute),
// as plain JS on arrays: the op-by-op path's forward and every path's backward (the conv engine
// runs the forward in its output pass, conv-engine/epilogue.ts, with the same bits). f is Relu or
// an activation of activations.ts; the form says how it meets the conv's output x:
//   "f(x)"         y = f(x)                       Conv → Relu, Clip, LeakyRelu, HardSwish…
//   "x*f(x)"       y = x·f(x)                     Mul(x, Sigmoid(x)): SiLU / Swish; Mul(x, HardSigmoid(x))
//   "x*f(x+3)/6"   y = (x·f(x + 3))/6             Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6): hard-swish written out
// Each step is rounded to float32 as the separate layers round it, so the fused forward gives
// the unfused graph's bits.
import { type ActivationOp, ACTIVATION_OPS, activation, mapActivation, mapActivationBackward } from "./activations.js";

/** How a fused activation combines f with the conv's output x. */
export type EpilogueForm = "f(x)" | "x*f(x)" | "x*f(x+3)/6";
export const EPILOGUE_FORMS: readonly EpilogueForm[] = ["f(x)", "x*f(x)", "x*f(x+3)/6"];

/** An activation fused into a conv: f is `op` (Relu or an ActivationOp) with its ONNX attributes. */
export interface FusedActivation {
  op: "Relu" | ActivationOp;
  attrs?: Record<string, number>;
  /** Default "f(x)". */
  form?: EpilogueForm;
}

/** The ops a FusedActivation may name. */
export const FUSABLE_OPS: readonly string[] = ["Relu", ...ACTIVATION_OPS];

/** f and f′ of a fused activation in float64 (Relu: max(x, 0), NaN kept; f′ 1 where x > 0, as reluBackward). */
function formulas(a: FusedActivation, name: string): { map: (x: Float32Array, y: Float32Array) => void; df: (x: number) => number } {
  if (a.op === "Relu") {
    return { map: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] < 0 ? 0 : x[i]; }, df: (x) => (x > 0 ? 1 : 0) };
  }
  const p = activation(a.op, a.attrs ?? {}, name);
  return { map: (x, y) => mapActivation(p, x, y), df: p.df };
}

/** y = act(x) for the conv output x (pre-activation), each step rounded to float32; y may be x. */
export function fusedActivationForward(a: FusedActivation, x: Float32Array, y: Float32Array, name = "activation"): void {
  const { map } = formulas(a, name);
  const form = a.form ?? "f(x)";
  if (form === "f(x)") return map(x, y);
  const s = new Float32Array(x.length);
  if (form === "x*f(x)") map(x, s);
  else {
    for (let i = 0; i < x.length; i++) s[i] = x[i] + 3; // Add(x, 3), rounded by the store
    map(s, s);
  }
  const t = new Float32Array(1);
  for (let i = 0; i < x.length; i++) {
    t[0] = x[i] * s[i]; // Mul: rounded to float32 before the Div
    y[i] = form === "x*f(x)" ? t[0] : t[0] / 6;
  }
}

/**
 * dL/dx from dL/dy and the pre-activation x, rounded to float32 once per element: f′(x) (form
 * f(x)), f(x) + x·f′(x) (x·f(x)), (f(x + 3) + x·f′(x + 3))/6 (x·f(x + 3)/6), f′ as the separate
 * layer's backward takes it. dx may be dy.
 */
export function fusedActivationBackward(a: FusedActivation, x: Float32Array, dy: Float32Array, dx: Float32Array, name = "activation"): void {
  const { map, df } = formulas(a, name);
  const form = a.form ?? "f(x)";
  if (form === "f(x)") {
    if (a.op === "Relu") { for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0; return; }
    const p = activation(a.op as ActivationOp, a.attrs ?? {}, name);
    return mapActivationBackward(p, x, dy, dx);
  }
  const shift = form === "x*f(x)" ? 0 : 3, scale = form === "x*f(x)" ? 1 : 1 / 6;
  const u = new Float32Array(x.length), s = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) u[i] = x[i] + shift;
  map(u, s);
  for (let i = 0; i < x.length; i++) dx[i] = dy[i] * (s[i] + x[i] * df(u[i])) * scale;
}

/** The activation for people: "Relu", "LeakyRelu(alpha=0.1)", "x*Sigmoid(x)", "x*Clip(x+3; min=0, max=6)/6". */
export function describeFusedActivation(a: FusedActivation): string {
  const attrs = Object.entries(a.attrs ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
  const form = a.form ?? "f(x)";
  if (form === "f(x)") return attrs ? `${a.op}(${attrs})` : a.op;
  const arg = form === "x*f(x)" ? "x" : "x+3";
  const f = `${a.op}(${arg}${attrs ? `; ${attrs}` : ""})`;
  return form === "x*f(x)" ? `x*${f}` : `x*${f}/6`;
}

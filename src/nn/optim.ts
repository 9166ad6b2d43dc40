// Optimisers that update parameters in place: SGD with momentum and weight decay (FCN's Caffe
// solver: v ← μ·v + lr·(g + λ·w), w ← w − v) and Adam (Kingma & Ba, with bias correction).
// Parameters and gradients are Maps from name (`<layer>.weight`, `<layer>.bias`) to Tensor.
import { AttributeError, ShapeError } from "../errors.js";
import { type Tensor, residentHandle, sizeOf } from "../tensor.js";

export interface Optimizer {
  /** Applies one update to every parameter that has a gradient; returns the step count. */
  step(params: Map<string, Tensor>, grads: Map<string, Tensor>): number;
}

function checkPair(name: string, w: Tensor | undefined, g: Tensor): Tensor {
  if (w === undefined) throw new ShapeError(`optimizer: gradient for unknown parameter ${name}`);
  if (residentHandle(w) !== undefined) throw new AttributeError(`optimizer: parameter ${name} is a resident tensor, which cannot change in place; pass a plain tensor`);
  if (w.data.length !== sizeOf(g.shape)) throw new ShapeError(`optimizer: ${name} has ${w.data.length} values but its gradient ${sizeOf(g.shape)}`);
  return w;
}

export class SGD implements Optimizer {
  private readonly velocity = new Map<string, Float32Array>();
  private steps = 0;

  constructor(readonly options: { lr: number; momentum?: number; weightDecay?: number }) {}

  step(params: Map<string, Tensor>, grads: Map<string, Tensor>): number {
    const { lr, momentum = 0.9, weightDecay = 0 } = this.options;
    for (const [name, grad] of grads) {
      const w = checkPair(name, params.get(name), grad).data, g = grad.data;
      let v = this.velocity.get(name);
      if (v === undefined) this.velocity.set(name, (v = new Float32Array(w.length)));
      for (let i = 0; i < w.length; i++) {
        v[i] = momentum * v[i] + lr * (g[i] + weightDecay * w[i]);
        w[i] -= v[i];
      }
    }
    return ++this.steps;
  }
}

export class Adam implements Optimizer {
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private steps = 0;

  constructor(readonly options: { lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }) {}

  step(params: Map<string, Tensor>, grads: Map<string, Tensor>): number {
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = this.options;
    this.steps++;
    const c1 = 1 - beta1 ** this.steps, c2 = 1 - beta2 ** this.steps;
    for (const [name, grad] of grads) {
      const w = checkPair(name, params.get(name), grad).data, g = grad.data;
      let m = this.m.get(name), v = this.v.get(name);
      if (m === undefined || v === undefined) {
        this.m.set(name, (m = new Float32Array(w.length)));
        this.v.set(name, (v = new Float32Array(w.length)));
      }
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] + weightDecay * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    }
    return this.steps;
  }
}

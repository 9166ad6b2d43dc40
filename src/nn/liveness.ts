// Liveness-based memory plan for inference: a blob's block is needed from the layer that writes it
// to the last layer that reads it, so blobs whose lives do not overlap can share one block. A
// plain chain of layers then holds about two activations at a time instead of all of them (VGG16
// FCN-8s at 500×500: the largest two, about 2 × 64 MB, instead of 1.2 GB).
//
// Slots are assigned greedily in layer order: a layer's output takes the best-fitting free slot
// (the smallest that holds it, else the largest free one, grown), and only then are the slots of
// blobs read for the last time by this layer freed, so an output never shares a block with one of
// its own inputs (the kernels are not in-place safe). Kept blobs (the graph inputs, the outputs,
// names the caller asks for) live to the end.
import { type GraphSpec, graphOutputs } from "./graph.js";

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** One layer as the memory plan sees it: the blob it writes, the blobs it reads, its size in floats. */
export interface LiveStep {
  name: string;
  inputs: readonly string[];
  size: number;
  /** The step writes nothing of its own: its blob is its first input's block (inference Dropout). */
  alias?: boolean;
}

export interface SlotPlan {
  /** Each slot's size in floats (the largest blob it ever holds). */
  slots: number[];
  /** The slot of every blob (an alias has its input's slot). */
  slotOf: Map<string, number>;
}

/**
 * Slots for the graph inputs (name → size in floats; never freed) and every step's blob, blobs in
 * `keep` never freed.
 */
export function planSlots(inputs: ReadonlyMap<string, number>, steps: readonly LiveStep[], keep: ReadonlySet<string>): SlotPlan {
  // every name resolves to the blob whose block it is (an alias chain ends at a real blob)
  const root = new Map<string, string>([...inputs.keys()].map((name) => [name, name]));
  for (const s of steps) root.set(s.name, s.alias ? root.get(s.inputs[0]) ?? s.inputs[0] : s.name);
  // last step index reading each block; kept blocks: past the end
  const lastUse = new Map<string, number>();
  steps.forEach((s, i) => {
    for (const x of s.inputs) lastUse.set(root.get(x) ?? x, i);
  });
  const END = steps.length;
  for (const k of keep) if (root.has(k)) lastUse.set(root.get(k)!, END);
  for (const name of inputs.keys()) lastUse.set(name, END);

  const slots: number[] = [];
  const slotOf = new Map<string, number>();
  const free: number[] = [];
  const take = (size: number): number => {
    let best = -1;
    for (const f of free) if (slots[f] >= size && (best < 0 || slots[f] < slots[best])) best = f;
    if (best < 0) for (const f of free) if (best < 0 || slots[f] > slots[best]) best = f;
    if (best < 0) {
      slots.push(size);
      return slots.length - 1;
    }
    free.splice(free.indexOf(best), 1);
    slots[best] = Math.max(slots[best], size);
    return best;
  };
  for (const [name, size] of inputs) slotOf.set(name, take(size));
  steps.forEach((s, i) => {
    if (s.alias) {
      slotOf.set(s.name, slotOf.get(root.get(s.name)!)!);
    } else {
      slotOf.set(s.name, take(s.size));
      // written but never read nor kept: free at once (after this step)
      if (!lastUse.has(s.name)) lastUse.set(s.name, i);
    }
    for (const [blob, last] of lastUse) {
      if (last === i && root.get(blob) === blob) free.push(slotOf.get(blob)!);
    }
  });
  return { slots, slotOf };
}

/** The memory plan of a compact inference plan of `spec`: layers in order, inference Dropout an alias. */
export function inferenceSlots(spec: GraphSpec, shapes: ReadonlyMap<string, readonly number[]>, inputShapes: ReadonlyMap<string, readonly number[]>, keep: ReadonlySet<string>): SlotPlan {
  const steps: LiveStep[] = spec.layers.map((l) => ({ name: l.name, inputs: l.inputs, size: product(shapes.get(l.name)!), alias: l.op === "Dropout" }));
  const inputs = new Map([...inputShapes].map(([name, shape]) => [name, product(shape)]));
  return planSlots(inputs, steps, new Set([...graphOutputs(spec), ...keep]));
}

// What the single-input layout mappings (Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
// DepthToSpace, SpaceToDepth) check alike: the data input is an activation (a node of constants
// only is constant folding's job, reported as such), and no attribute beyond the op's own.
import type { ImportContext } from "../op-mapping.js";

/** Why node input 0 is no activation, or undefined when it is one. */
export function dataInputProblem(ctx: ImportContext): string | undefined {
  if (ctx.activation(0) !== undefined) return undefined;
  return ctx.constant(0) !== undefined ? "every input is a constant" : "its data input is neither an activation nor a constant";
}

/** The attributes the node has besides `known`, as a reason, or undefined. */
export function extraAttributes(ctx: ImportContext, known: readonly string[]): string | undefined {
  const extra = ctx.attrs.names().filter((n) => !known.includes(n));
  return extra.length ? `attribute${extra.length > 1 ? "s" : ""} ${extra.join(", ")} not supported here` : undefined;
}

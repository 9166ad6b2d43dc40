// A NodeProto's attributes read by name and type, and the ONNX window attributes (Conv,
// ConvTranspose, MaxPool) turned into the camelCase attribute objects the ops and GraphSpec use.
// A wrong attribute type or an attribute Net cannot honour is a message the importer collects
// (it reports every problem of a model at once), so these return problems instead of throwing.
import { AttrType, type Attribute, type NodeProto } from "./proto.js";

/** A node's attributes by name. */
export class NodeAttributes {
  private readonly byName = new Map<string, Attribute>();
  /** Problems found while reading (wrong types); the importer reports them with the node. */
  readonly problems: string[] = [];

  constructor(node: NodeProto) {
    for (const a of node.attribute) this.byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): Attribute | undefined {
    return this.byName.get(name);
  }

  private typed(name: string, type: number, what: string): Attribute | undefined {
    const a = this.byName.get(name);
    // type 0 (UNDEFINED) comes from IR < 2 writers; trust the field then
    if (a !== undefined && a.type !== 0 && a.type !== type) {
      this.problems.push(`attribute ${name}: expected ${what}, got attribute type ${a.type}`);
      return undefined;
    }
    return a;
  }

  int(name: string, fallback: number): number {
    return this.typed(name, AttrType.INT, "an int")?.i ?? fallback;
  }

  float(name: string, fallback: number): number {
    return this.typed(name, AttrType.FLOAT, "a float")?.f ?? fallback;
  }

  ints(name: string): number[] | undefined {
    return this.typed(name, AttrType.INTS, "ints")?.ints.slice();
  }

  string(name: string): string | undefined {
    return this.typed(name, AttrType.STRING, "a string")?.s;
  }
}

const AUTO_PADS = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"];

/**
 * ONNX window attributes → camelCase ({ kernelShape, strides, pads, dilations, group, autoPad,
 * outputPadding, outputShape, ceilMode, storageOrder }), only those present; `allowed` lists the
 * ONNX names the op takes, any other is a problem.
 */
export function windowAttrs(attrs: NodeAttributes, allowed: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of attrs.names()) {
    if (!allowed.includes(name)) { attrs.problems.push(`attribute ${name} is not supported here`); continue; }
    const key = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (name === "auto_pad") {
      const v = attrs.string(name);
      if (v !== undefined && !AUTO_PADS.includes(v)) attrs.problems.push(`attribute auto_pad: expected one of ${AUTO_PADS.join(", ")}, got "${v}"`);
      else if (v !== undefined) out.autoPad = v;
    } else if (name === "group" || name === "ceil_mode" || name === "count_include_pad" || name === "storage_order") {
      out[key] = name === "ceil_mode" || name === "count_include_pad" ? attrs.int(name, 0) !== 0 : attrs.int(name, 0);
    } else {
      const v = attrs.ints(name);
      if (v !== undefined) out[key] = v;
    }
  }
  return out;
}

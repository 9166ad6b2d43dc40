// GraphSpec + parameters → an ONNX ModelProto (IR 8, float32 raw_data initializers), the inverse
// of to-graph.ts. Window attributes are written resolved (explicit kernel_shape, strides, pads,
// dilations, group; never auto_pad or output_shape), so every runtime computes the sizes we did.
// Crop → Slice, Scale → Mul by a scalar initializer, Dropout → nothing (inference), Softmax over
// channels → Softmax axis 1. The opset is the lowest that expresses the graph (see pickOpset).
import { UnsupportedError } from "../errors.js";
import { readFlag } from "../attrs.js";
import { resolveAveragePool, resolveConv, resolveConvTranspose, resolveMaxPool, type Window } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { FusedActivation } from "../ops/fused-activation.js";
import { type AveragePoolLayer, type GraphSpec, type LayerSpec, analyzeGraph, graphInputs, graphOutputs, splitParamAttrs } from "../nn/graph.js";
import { AttrType, DataType } from "./proto.js";
import { WireWriter } from "./wire-writer.js";
import type { ExportContext, OnnxAttrs } from "./op-mapping.js";
import { WRITERS } from "./op-mappings.js";

/** ModelProto.ir_version written (ONNX 1.10's IR; onnxruntime and every importer since 2021 read it). */
export const EXPORT_IR_VERSION = 8;

/** One ONNX node to write: op type, inputs, output, attributes (ints, floats, or an int). */
/** A float attribute (a bare number is written as an int). */
interface Float { float: number }
interface OnnxNode { op: string; inputs: string[]; output: string; attrs: OnnxAttrs }
/** One initializer: float32 (raw_data) or int64 (for Slice's inputs). */
interface Initializer { name: string; dims: number[]; floats?: Float32Array; ints?: number[] }

/**
 * The lowest default-domain opset for these layers. 7 is the floor: Add and Mul broadcast
 * (numpy-style) from 7, and 7 is the oldest opset onnxruntime runs. MaxPool's ceil_mode and
 * dilations arrive in 10, AveragePool's ceil_mode in 10 and its dilations in 19. Softmax over the channel axis alone needs 13: before 13 Softmax
 * flattens every axis from `axis` on into one, so axis 1 on [N, C, H, W] would normalise over
 * C·H·W, not per pixel.
 */
export function pickOpset(layers: readonly LayerSpec[], windows: ReadonlyMap<string, Window>, ceil: ReadonlySet<string>): number {
  let opset = 7;
  for (const layer of layers) {
    if (layer.op === "Softmax") opset = Math.max(opset, 13);
    if (layer.op === "HardSwish") opset = Math.max(opset, 14); // HardSwish first appears in opset 14
    if ((layer.op === "Conv" || layer.op === "ConvTranspose") && layer.attrs.activation?.op === "HardSwish") opset = Math.max(opset, 14);
    const dilated = windows.get(layer.name)?.dilations.some((d) => d !== 1) === true;
    if (layer.op === "MaxPool" && (ceil.has(layer.name) || dilated)) opset = Math.max(opset, 10);
    // AveragePool has ceil_mode from opset 10 and dilations only from 19
    if (layer.op === "AveragePool") opset = Math.max(opset, dilated ? 19 : ceil.has(layer.name) ? 10 : 7);
  }
  return opset;
}

/** kernel_shape, strides, pads (all begins, then all ends), dilations of a resolved window. */
function windowAttributes(w: Window, padsEnd = w.padsEnd): Record<string, number[]> {
  return { kernel_shape: w.kernel, strides: w.strides, pads: [...w.padsBegin, ...padsEnd], dilations: w.dilations };
}

/**
 * Writes the Net described by `spec` with parameters `params` (`<layer>.weight` / `.bias`) as an
 * ONNX model for the spec's input shapes, with every graph input and output. Throws UnsupportedError naming a layer ONNX cannot
 * express exactly.
 */
export function graphToOnnx(spec: GraphSpec, params: ReadonlyMap<string, Tensor>): Uint8Array {
  const { shapes, cropOffsets } = analyzeGraph(spec);
  // two passes: the first finds the opset (the built-in layers' windows, the layer ops' minOpset),
  // the second writes every node for it
  const dry = emit(0);
  let opset = pickOpset(spec.layers, dry.windows, dry.ceil);
  const shapeOf = (blob: string): number[] => shapes.get(blob)!.slice();
  for (const layer of spec.layers) opset = Math.max(opset, WRITERS.get(layer.op)?.minOpset?.(layer, shapeOf) ?? 7);
  const { nodes, inits } = emit(opset);
  return writeModel(spec, shapes, nodes, inits, opset);

  /** The nodes and initializers for `opset` (0: a dry run that only collects the windows). */
  function emit(opset: number) {
    const alias = new Map<string, string>(); // a Dropout's name → the tensor it passes on
    const tensorOf = (blob: string): string => alias.get(blob) ?? blob;
    const windows = new Map<string, Window>(), ceil = new Set<string>();
    const nodes: OnnxNode[] = [];
    const inits: Initializer[] = [];
    // ONNX names every tensor once: an initializer named like a layer ("c.weight" may be a layer's
    // name too) or the input gets a suffix
    const taken = new Set([...graphInputs(spec).map((v) => v.name), ...spec.layers.map((l) => l.name)]);
    const initializer = (t: Omit<Initializer, "name">, name: string): string => {
      let unique = name;
      for (let k = 1; taken.has(unique); k++) unique = `${name}_${k}`;
      taken.add(unique);
      inits.push({ name: unique, ...t });
      return unique;
    };
    const exportContext: ExportContext = {
      opset,
      tensorOf,
      shapeOf: (blob) => shapes.get(blob)!.slice(),
      param: (name) => params.get(name)!,
      initializer,
      node: (op, inputs, output, attrs = {}) => { nodes.push({ op, inputs, output, attrs }); },
      alias: (blob, t) => { alias.set(blob, t); },
    };
    /** A tensor name no layer, input or initializer has (for a fused activation's inner tensors). */
    const fresh = (base: string): string => {
      let unique = base;
      for (let k = 1; taken.has(unique); k++) unique = `${base}_${k}`;
      taken.add(unique);
      return unique;
    };
    /** The nodes of a conv's fused activation (ops/fused-activation.ts), from tensor x to `output`. */
    const writeFusedActivation = (a: FusedActivation, x: string, output: string): void => {
      const form = a.form ?? "f(x)";
      const attrs: OnnxNode["attrs"] = {};
      for (const [key, v] of Object.entries(a.attrs ?? {})) attrs[key] = { float: v };
      const scalar = (v: number, name: string): string => initializer({ dims: [], floats: Float32Array.of(v) }, name);
      if (form === "f(x)") { nodes.push({ op: a.op, inputs: [x], output, attrs }); return; }
      let arg = x;
      if (form === "x*f(x+3)/6") {
        arg = fresh(`${output}_plus3`);
        nodes.push({ op: "Add", inputs: [x, scalar(3, `${output}.three`)], output: arg, attrs: {} });
      }
      const f = fresh(`${output}_${a.op.toLowerCase()}`);
      nodes.push({ op: a.op, inputs: [arg], output: f, attrs });
      if (form === "x*f(x)") { nodes.push({ op: "Mul", inputs: [x, f], output, attrs: {} }); return; }
      const m = fresh(`${output}_mul`);
      nodes.push({ op: "Mul", inputs: [x, f], output: m, attrs: {} });
      nodes.push({ op: "Div", inputs: [m, scalar(6, `${output}.six`)], output, attrs: {} });
    };
    const weight = (layer: string, kind: "weight" | "bias"): string => {
      const t = params.get(`${layer}.${kind}`)!;
      return initializer({ dims: t.shape.slice(), floats: t.data }, `${layer}.${kind}`);
    };

    for (const layer of spec.layers) {
      const inputs = layer.inputs.map(tensorOf);
      const x = shapes.get(layer.inputs[0])!;
      const node = (op: string, extra: string[] = [], attrs: OnnxNode["attrs"] = {}): void => {
        nodes.push({ op, inputs: [...inputs, ...extra], output: layer.name, attrs });
      };
      switch (layer.op) {
        case "Conv": case "ConvTranspose": {
          const { onnx, bias, activation } = splitParamAttrs(layer.attrs);
          const w = params.get(`${layer.name}.weight`)!.shape;
          const transposed = layer.op === "ConvTranspose";
          const g = (transposed ? resolveConvTranspose : resolveConv)(x, w, null, onnx);
          const extra = [weight(layer.name, "weight"), ...(bias ? [weight(layer.name, "bias")] : [])];
          // a fused activation is written back as its own nodes after the conv (standard ONNX):
          // the conv writes a tensor of its own, the activation's last node the layer's name
          const convOut = activation === null ? layer.name : fresh(`${layer.name}_conv`);
          const convNode = (op: string, attrs: OnnxNode["attrs"]): void => { nodes.push({ op, inputs: [...inputs, ...extra], output: convOut, attrs }); };
          if (!transposed) convNode("Conv", { ...windowAttributes(g.window), group: g.group });
          else {
            // a negative end pad (outputShape / SAME beyond the full size) is output padding in ONNX
            const outputPadding = ((onnx.outputPadding ?? 0) as number | number[]);
            const op = g.window.padsEnd.map((p, i) => (Array.isArray(outputPadding) ? outputPadding[i] : outputPadding) + Math.max(0, -p));
            if (g.window.padsBegin.some((p) => p < 0)) {
              throw new UnsupportedError(`net.toOnnx: layer "${layer.name}" (ConvTranspose) resolves to negative begin pads [${g.window.padsBegin.join(", ")}], which ONNX's pads cannot express`);
            }
            convNode("ConvTranspose", { ...windowAttributes(g.window, g.window.padsEnd.map((p) => Math.max(0, p))), group: g.group, output_padding: op });
          }
          if (activation !== null) writeFusedActivation(activation, convOut, layer.name);
          break;
        }
        case "MaxPool": case "AveragePool": {
          const isMax = layer.op === "MaxPool";
          const { window } = isMax ? resolveMaxPool(x, layer.attrs, "maxPool") : resolveAveragePool(x, layer.attrs, "averagePool");
          windows.set(layer.name, window);
          const ceilMode = layer.attrs.ceilMode === true || layer.attrs.ceilMode === 1;
          const attrs: OnnxNode["attrs"] = { kernel_shape: window.kernel, strides: window.strides, pads: [...window.padsBegin, ...window.padsEnd] };
          // VALID ignores ceilMode (the ONNX text); resolved pads are 0 then, so the floor size is written
          if (ceilMode && layer.attrs.autoPad !== "VALID") { attrs.ceil_mode = 1; ceil.add(layer.name); }
          if (window.dilations.some((d) => d !== 1)) attrs.dilations = window.dilations;
          if (!isMax && readFlag((layer as AveragePoolLayer).attrs.countIncludePad, "countIncludePad")) attrs.count_include_pad = 1;
          node(layer.op, [], attrs);
          break;
        }
        case "Relu": case "GlobalAveragePool": case "GlobalMaxPool": node(layer.op); break;
        case "Sigmoid": case "Tanh": case "Softplus": case "HardSwish": node(layer.op); break;
        case "LeakyRelu": case "Elu": case "Selu": case "HardSigmoid": case "Clip": {
          // the attributes given (absent ones are ONNX's defaults, which are the op's); Clip's bounds
          // become inputs below when the opset is 11 or more
          const attrs: OnnxNode["attrs"] = {};
          for (const [key, v] of Object.entries(layer.attrs ?? {})) if (typeof v === "number") attrs[key] = { float: v };
          node(layer.op, [], attrs);
          break;
        }
        case "PRelu": {
          // the slope [C] (or [1]) broadcasts from the right in ONNX (opset ≥ 7): as [C, 1, …] it meets the channel axis
          const slope = params.get(`${layer.name}.weight`)!;
          const dims = slope.shape[0] === 1 ? [1] : [slope.shape[0], ...x.slice(2).map(() => 1)];
          node("PRelu", [initializer({ dims, floats: slope.data }, `${layer.name}.weight`)]);
          break;
        }
        case "Add": node("Add"); break;
        case "Softmax": node("Softmax", [], { axis: 1 }); break;
        case "Scale":
          node("Mul", [initializer({ dims: [], floats: Float32Array.of(layer.attrs.scale) }, `${layer.name}.scale`)]);
          break;
        case "Dropout": alias.set(layer.name, inputs[0]); break; // inference: the identity
        case "Crop": {
          const offsets = cropOffsets.get(layer.name)!, size = shapes.get(layer.name)!.slice(2);
          const axes = offsets.map((_, i) => i + 2), ends = offsets.map((o, i) => o + size[i]);
          nodes.push({ op: "Slice", inputs: [inputs[0]], output: layer.name, attrs: { starts: offsets, ends, axes } }); // resolved into inputs below when opset ≥ 10
          break;
        }
        default: {
          const mapping = WRITERS.get(layer.op);
          if (mapping?.write === undefined) throw new UnsupportedError(`net.toOnnx: layer "${(layer as LayerSpec).name}" has op ${(layer as LayerSpec).op}, which the ONNX export does not write yet`);
          if (opset === 0) break; // the dry run only looks for the opset
          mapping.write(layer, exportContext);
        }
      }
    }
    if (opset >= 10) {
      // Slice-10 takes starts, ends and axes as int64 inputs instead of attributes
      for (const n of nodes) {
        if (n.op !== "Slice" || n.attrs.starts === undefined) continue; // a Crop's Slice, written with attributes above
        for (const key of ["starts", "ends", "axes"]) {
          const values = n.attrs[key] as number[];
          n.inputs.push(initializer({ dims: [values.length], ints: values }, `${n.output}.${key}`));
        }
        n.attrs = {};
      }
    }
    if (opset >= 11) {
      // Clip-11 takes min and max as optional scalar inputs instead of attributes ("" skips one)
      for (const n of nodes) {
        if (n.op !== "Clip") continue;
        const [min, max] = (["min", "max"] as const).map((key) => {
          const v = (n.attrs[key] as Float | undefined)?.float;
          return v === undefined ? undefined : initializer({ dims: [], floats: Float32Array.of(v) }, `${n.output}.${key}`);
        });
        if (min !== undefined || max !== undefined) n.inputs.push(min ?? "");
        if (max !== undefined) n.inputs.push(max);
        n.attrs = {};
      }
    }
    // a graph output that a Dropout only passed on gets an Identity, so the output keeps its name
    for (const output of graphOutputs(spec)) {
      if (alias.has(output)) nodes.push({ op: "Identity", inputs: [tensorOf(output)], output, attrs: {} });
    }
    return { nodes, inits, windows, ceil };
  }
}

function writeTensor(w: WireWriter, t: Initializer): void {
  w.packedVarints(1, t.dims);
  w.varint(2, t.floats ? DataType.FLOAT : DataType.INT64);
  w.string(8, t.name);
  if (t.floats) {
    // raw_data is little-endian; copy so a view's offset or a big-endian host cannot matter
    const raw = new Uint8Array(t.floats.length * 4), view = new DataView(raw.buffer);
    t.floats.forEach((v, i) => view.setFloat32(4 * i, v, true));
    w.bytes(9, raw);
  } else w.packedVarints(7, t.ints!);
}

function writeValueInfo(w: WireWriter, name: string, shape: readonly number[]): void {
  w.string(1, name);
  w.message(2, (type) => type.message(1, (tt) => {                 // TypeProto.tensor_type
    tt.varint(1, DataType.FLOAT);                                    // elem_type
    tt.message(2, (s) => { for (const d of shape) s.message(1, (dim) => dim.varint(1, d)); }); // shape.dim[].dim_value
  }));
}

function writeNode(w: WireWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  w.string(2, n.output);
  w.string(3, n.output); // node name = its output's name (the Net layer's)
  w.string(4, n.op);
  for (const [name, v] of Object.entries(n.attrs)) {
    w.message(5, (a) => {
      a.string(1, name);
      // AttributeProto: f = 2, i = 3, s = 4, floats = 7, ints = 8, type = 20
      if (Array.isArray(v)) { a.packedVarints(8, v); a.varint(20, AttrType.INTS); }
      else if (typeof v === "number") { a.varint(3, v); a.varint(20, AttrType.INT); }
      else if ("float" in v) { a.float32(2, v.float); a.varint(20, AttrType.FLOAT); }
      else if ("floats" in v) { a.packedFloats(7, v.floats); a.varint(20, AttrType.FLOATS); }
      else { a.string(4, v.string); a.varint(20, AttrType.STRING); }
    });
  }
}

/** ModelProto { ir_version, producer_name, graph, opset_import } with every graph input and output of the spec, in order. */
function writeModel(spec: GraphSpec, shapes: ReadonlyMap<string, number[]>, nodes: OnnxNode[], inits: Initializer[], opset: number): Uint8Array {
  const m = new WireWriter();
  m.varint(1, EXPORT_IR_VERSION);
  m.string(2, "fcn-wasm");
  m.message(7, (g) => {
    for (const n of nodes) g.message(1, (w) => writeNode(w, n));
    g.string(2, "fcn-wasm");
    for (const t of inits) g.message(5, (w) => writeTensor(w, t));
    for (const v of graphInputs(spec)) g.message(11, (w) => writeValueInfo(w, v.name, v.shape));
    for (const output of graphOutputs(spec)) g.message(12, (w) => writeValueInfo(w, output, shapes.get(output)!));
  });
  m.message(8, (o) => { o.string(1, ""); o.varint(2, opset); });
  return m.finish();
}

// Shape calculator: the output size of this layer (one axis) under PyTorch, ONNX, TensorFlow /
// TF.js and Caffe conventions, each with its formula.
import { explain } from "../../dist/index.js";
import { h } from "../draw.js";
import { createPanel } from "../panel.js";

export function outputSizePanel(parent) {
  return createPanel(parent, {
    id: "view-output-size",
    title: "7 · Output size under each framework",
    blurb: "The same layer (one axis) in each framework's terms. TensorFlow's 'same' / 'valid' ignore p and the output padding; Caffe has no output padding.",
  }, (body, layer) => {
    const v = explain.outputSize({
      input: layer.input, kernel: layer.kernel, stride: layer.stride, pad: layer.pad,
      dilation: layer.dilation, outputPadding: layer.outputPadding,
    });
    const rows = [
      ["PyTorch ConvTranspose2d", v.pytorch],
      ["ONNX ConvTranspose (pads)", v.onnx.pads],
      ["ONNX autoPad SAME_UPPER", v.onnx.sameUpper],
      ["ONNX autoPad SAME_LOWER", v.onnx.sameLower],
      ["ONNX autoPad VALID", v.onnx.valid],
      ["TensorFlow / TF.js 'same'", v.tensorflow.same],
      ["TensorFlow / TF.js 'valid'", v.tensorflow.valid],
      ["Caffe Deconvolution", v.caffe],
    ];
    body.append(
      h("table", { class: "sizes", id: "output-size-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "convention"), h("th", { scope: "col" }, "size"), h("th", { scope: "col" }, "formula"))),
        h("tbody", {}, rows.map(([name, s]) => h("tr", {},
          h("th", { scope: "row" }, name),
          h("td", { class: "num" }, s ? String(s.size) : "—"),
          h("td", { class: "formula" }, s ? s.formula : "not expressible")))),
      ),
      h("p", { class: "note" }, `Full output before pads and output padding: s·(i − 1) + d·(k − 1) + 1 = ${v.full}.`),
    );
  });
}

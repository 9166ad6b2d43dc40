// Runs fcn-wasm inside a module Web Worker of the page's own (in-worker.js) and writes what it
// posts back into #output[data-result] (or data-error).
const output = document.getElementById("output");
const worker = new Worker(new URL("./in-worker.js", import.meta.url), { type: "module" });
worker.onmessage = (e) => {
  if (e.data.error) output.dataset.error = e.data.error;
  else output.dataset.result = JSON.stringify(e.data);
};
worker.onerror = (e) => {
  output.dataset.error = `worker error: ${e.message}`;
};

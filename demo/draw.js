// Drawing helpers shared by the panels: grids of numbers as canvases (heat maps with optional
// labels), colour scales and small DOM builders. Canvases are sized in CSS pixels times the
// device pixel ratio so text stays sharp.

/** Creates an element with attributes and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** A canvas of `width`×`height` CSS pixels (backing store scaled by devicePixelRatio); returns [canvas, ctx]. */
export function canvas(width, height, label) {
  const c = document.createElement("canvas");
  const r = Math.min(2, window.devicePixelRatio || 1);
  c.width = Math.max(1, Math.round(width * r));
  c.height = Math.max(1, Math.round(height * r));
  c.style.width = `${width}px`;
  c.style.height = `${height}px`;
  c.setAttribute("role", "img");
  if (label) c.setAttribute("aria-label", label);
  const ctx = c.getContext("2d");
  ctx.scale(r, r);
  return [c, ctx];
}

/** Sequential colour for t in [0, 1]: dark blue → teal → yellow (viridis-like). */
export function sequential(t) {
  t = Math.max(0, Math.min(1, t));
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = t * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return `rgb(${Math.round(a[0] + f * (b[0] - a[0]))},${Math.round(a[1] + f * (b[1] - a[1]))},${Math.round(a[2] + f * (b[2] - a[2]))})`;
}

/** Diverging colour for t in [−1, 1]: blue ← white → red. */
export function diverging(t) {
  t = Math.max(-1, Math.min(1, t));
  const v = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(255,${v},${v})` : `rgb(${v},${v},255)`;
}

/** Distinct colours for phases / classes. */
export function hue(i, n, light = 55) {
  return `hsl(${Math.round((360 * i) / Math.max(1, n)) % 360} 70% ${light}%)`;
}

/** Text colour readable on a fill made by `sequential(t)`. */
export function inkOn(t) {
  return t > 0.6 ? "#111" : "#fff";
}

/**
 * Draws a rows×cols grid of values as coloured cells of `cell` px at (x0, y0). `color(v, r, c)`
 * gives the fill; `text(v, r, c)` an optional label (drawn when cells are big enough).
 */
export function drawGrid(ctx, rows, cols, cell, value, { x0 = 0, y0 = 0, color, text, ink = () => "#fff", gap = 1 } = {}) {
  ctx.font = `${Math.max(8, Math.min(13, Math.floor(cell * 0.42)))}px system-ui, sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = value(r, c);
      ctx.fillStyle = color(v, r, c);
      ctx.fillRect(x0 + c * cell, y0 + r * cell, cell - (cell > 4 ? gap : 0), cell - (cell > 4 ? gap : 0));
      if (text && cell >= 18) {
        const s = text(v, r, c);
        if (s !== "") {
          ctx.fillStyle = ink(v, r, c);
          ctx.fillText(s, x0 + c * cell + (cell - gap) / 2, y0 + r * cell + (cell - gap) / 2 + 0.5);
        }
      }
    }
  }
}

/** A heat map of a rows×cols Float32Array-like (row-major) fitted into maxW×maxH CSS px. */
export function heatmap(data, rows, cols, { maxW = 320, maxH = 240, label, diverge = false, numbers = true } = {}) {
  const cell = Math.max(1, Math.min(40, Math.floor(Math.min(maxW / cols, maxH / rows))));
  const [c, ctx] = canvas(cols * cell, rows * cell, label);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < rows * cols; i++) { lo = Math.min(lo, data[i]); hi = Math.max(hi, data[i]); }
  const span = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const t = (v) => (diverge ? v / span : hi > lo ? (v - lo) / (hi - lo) : 0.5);
  drawGrid(ctx, rows, cols, cell, (r, col) => data[r * cols + col], {
    color: (v) => (diverge ? diverging(t(v)) : sequential(t(v))),
    text: numbers ? (v) => fmt(v) : null,
    ink: (v) => (diverge ? "#111" : inkOn(t(v))),
  });
  return c;
}

/** A short number: integers as they are, others with up to 2 decimals. */
export function fmt(v) {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 10 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : v.toFixed(2).replace(/^(-?)0\./, "$1.");
}

/** A width×height canvas shown `scale` times larger (nearest, pixelated), and image data to fill. */
function pixelCanvas(height, width, scale, label) {
  const c = document.createElement("canvas");
  c.width = width;
  c.height = height;
  c.style.width = `${width * scale}px`;
  c.style.height = `${height * scale}px`;
  c.className = "pixelated";
  c.setAttribute("role", "img");
  if (label) c.setAttribute("aria-label", label);
  const ctx = c.getContext("2d");
  return { c, ctx, img: ctx.createImageData(width, height) };
}

/** An RGB image [3, H, W] with values in [lo, hi] as a canvas scaled by `scale` (nearest, pixelated). */
export function imageCanvas(data, height, width, scale, { lo = 0, hi = 1, label } = {}) {
  const { c, ctx, img } = pixelCanvas(height, width, scale, label);
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let ch = 0; ch < 3; ch++) img.data[4 * p + ch] = Math.round(255 * Math.max(0, Math.min(1, (data[ch * plane + p] - lo) / (hi - lo))));
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

/** A label map [H, W] (class per pixel, 255 = ignore) as a pixelated canvas. */
export function labelCanvas(labels, height, width, scale, colors, label) {
  const { c, ctx, img } = pixelCanvas(height, width, scale, label);
  for (let p = 0; p < width * height; p++) {
    const col = labels[p] === 255 ? [224, 224, 192] : colors[labels[p]] ?? [0, 0, 0]; // 255 = ignore: VOC's light grey
    img.data.set([col[0], col[1], col[2], 255], 4 * p);
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

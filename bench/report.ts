// Output of a benchmark run: the plain-text table (Markdown pipes), and the stride-sweep SVG plot
// (hand-written SVG, no dependency). Units: ms per run, GFLOP/s = 2·MACs / median time, and
// "vs best peer" = (fastest peer's median ms) / (this median ms), so > 1 means faster than it.

/** One (shape, implementation) row. */
export interface ResultRow {
  shape: string;
  implementation: string;
  status: "ok" | "n/a" | "failed";
  /** Why n/a, or what failed. */
  reason?: string;
  medianMs?: number;
  gflops?: number;
  vsBestPeer?: number;
  /** How the output was checked, e.g. "f64 all; = fcn". */
  check?: string;
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? "" : value.toFixed(digits);
}

/** Milliseconds with about three significant digits. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "";
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

/** A Markdown table, one line per (shape, implementation), columns padded for the terminal. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ["shape", "implementation", "median ms", "GFLOP/s", "vs best peer", "check"];
  // A cell never holds a pipe (it would split the Markdown row); long failure texts are cut here
  // and printed whole below the table.
  const cell = (text: string) => {
    const t = text.replace(/\|/g, "¦");
    return t.length > 60 ? t.slice(0, 59) + "…" : t;
  };
  const body = rows.map((r) => {
    if (r.status === "n/a") return [r.shape, r.implementation, "n/a", "", "", cell(r.reason ?? "")];
    if (r.status === "failed") return [r.shape, r.implementation, "FAILED", "", "", cell(r.reason ?? "")];
    return [r.shape, r.implementation, formatMs(r.medianMs), fixed(r.gflops, 1), r.vsBestPeer === undefined ? "" : `${fixed(r.vsBestPeer, 2)}×`, r.check ?? ""];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const numeric = [false, false, true, true, true, false];
  const line = (cells: string[]) => `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

/** One line of the plot: GFLOP/s per stride (null where the implementation is n/a or failed). */
export interface Series {
  name: string;
  points: readonly { stride: number; gflops: number | null }[];
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The smallest "nice" axis maximum (1, 2, 2.5 or 5 × 10^k) at or above `value`. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

/**
 * GFLOP/s against stride (log2 x axis), one polyline with markers per implementation, a legend
 * and axis labels. Missing points break the line.
 */
export function strideSweepSvg(series: readonly Series[], title: string, note: string): string {
  const width = 760, height = 460;
  const left = 70, right = 200, top = 56, bottom = 64;
  const plotW = width - left - right, plotH = height - top - bottom;
  const strides = [...new Set(series.flatMap((s) => s.points.map((p) => p.stride)))].sort((a, b) => a - b);
  const lo = Math.log2(strides[0] ?? 1), hi = Math.log2(strides[strides.length - 1] ?? 2);
  const yMax = niceCeiling(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.gflops ?? 0))) * 1.05);
  const xOf = (stride: number) => left + (hi === lo ? plotW / 2 : ((Math.log2(stride) - lo) / (hi - lo)) * plotW);
  const yOf = (g: number) => top + plotH - (g / yMax) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<text x="${left}" y="40" fill="#555">${escapeXml(note)}</text>`);
  // Grid and y ticks (5 intervals).
  for (let i = 0; i <= 5; i++) {
    const g = (yMax * i) / 5, y = yOf(g);
    out.push(`<line x1="${left}" y1="${y.toFixed(1)}" x2="${left + plotW}" y2="${y.toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 8}" y="${(y + 4).toFixed(1)}" text-anchor="end">${+g.toFixed(2)}</text>`);
  }
  for (const s of strides) {
    const x = xOf(s);
    out.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x.toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle">${s}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 18}" text-anchor="middle">stride s (kernel 2s, pad ⌊s/2⌋; log scale)</text>`);
  out.push(`<text transform="translate(20 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">GFLOP/s (2·MACs / median time)</text>`);
  // One line per implementation; a null point ends the current segment.
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1) out.push(`<polyline points="${segment.join(" ")}" fill="none" stroke="${color}" stroke-width="2"/>`);
      segment = [];
    };
    for (const p of s.points) {
      if (p.gflops === null) {
        flush();
        continue;
      }
      const x = xOf(p.stride).toFixed(1), y = yOf(p.gflops).toFixed(1);
      segment.push(`${x},${y}`);
      out.push(`<circle cx="${x}" cy="${y}" r="3.5" fill="${color}"><title>${escapeXml(`${s.name}, s=${p.stride}: ${p.gflops.toFixed(2)} GFLOP/s`)}</title></circle>`);
    }
    flush();
    const ly = top + 8 + i * 22;
    const allMissing = s.points.every((p) => p.gflops === null);
    out.push(`<line x1="${left + plotW + 16}" y1="${ly}" x2="${left + plotW + 40}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<circle cx="${left + plotW + 28}" cy="${ly}" r="3.5" fill="${color}"/>`);
    out.push(`<text x="${left + plotW + 46}" y="${ly + 4}">${escapeXml(s.name + (allMissing ? " (n/a)" : ""))}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

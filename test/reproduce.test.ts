// The pieces `npm run reproduce` relies on (scripts/lib/reproduce-*.js): FCN-16s initialised from
// an FCN-32s by layer name, the ablation specs, the rows of out/reproduce.json and the picture.
// No training here: that is the script's job.
import { beforeAll, describe, expect, it } from "vitest";
import { inflateSync } from "node:zlib";
import { fcn, rng } from "./lib.js";
// @ts-expect-error: plain ESM module without type declarations
import { DATA, formatTable, netFrom, row, specFor, trainSchedule } from "../scripts/lib/reproduce-schedule.js";
// @ts-expect-error: plain ESM module without type declarations
import { diagonalKernels, drawReproduction } from "../scripts/lib/reproduce-picture.js";

type Tensor = { data: Float32Array; shape: number[] };
type Net = { parameters(): Map<string, Tensor>; run(x: unknown): Tensor; blob(name: string): Tensor | undefined; training: boolean; dispose(): void };

beforeAll(async () => {
  await fcn.ready();
});

const SMALL = { ...DATA, size: 64 };

/** A 32s whose score_fr is random (as after training), so the 16s has something to inherit. */
function trained32s(upsampling = "learned"): Net {
  const net = fcn.Net.fromGraph(specFor("32s", upsampling, SMALL), undefined, { seed: 3 }) as unknown as Net;
  const r = rng(11);
  for (const [name, t] of net.parameters()) if (name.startsWith("score_fr")) for (let i = 0; i < t.data.length; i++) t.data[i] = r() - 0.5;
  return net;
}

function images(n = 2) {
  return fcn.syntheticBatch(1_000_000, n, SMALL).images;
}

describe("FCN-16s initialised from FCN-32s", () => {
  it("takes every shared layer by name and shape, and only those", () => {
    const net32 = trained32s();
    const { net, carried } = netFrom(net32, specFor("16s", "learned", SMALL));
    const vgg = [1, 2, 3, 4, 5].flatMap((b) => Array.from({ length: b < 3 ? 2 : 3 }, (_, i) => `conv${b}_${i + 1}`));
    const want = [...vgg, "fc6", "fc7", "score_fr"].flatMap((l) => [`${l}.weight`, `${l}.bias`]).sort();
    expect(carried.slice().sort()).toEqual(want);
    const p16 = (net as Net).parameters(), p32 = net32.parameters();
    for (const name of want) expect(Array.from(p16.get(name)!.data)).toEqual(Array.from(p32.get(name)!.data));
    // the new layers start as FCN starts them: score_pool4 at zero, upscore2 bilinear on the diagonal
    expect(p16.get("score_pool4.weight")!.data.every((v) => v === 0)).toBe(true);
    expect(Array.from(diagonalKernels(p16.get("upscore2.weight"))[2])).toEqual(Array.from(fcn.bilinearKernel(4)));
    net.dispose(); net32.dispose();
  });

  it("fuse_pool4 adds nothing before training: it equals upscore2 bit for bit", () => {
    const net32 = trained32s();
    const { net } = netFrom(net32, specFor("16s", "learned", SMALL));
    (net as Net).training = false;
    (net as Net).run(images());
    const fused = (net as Net).blob("fuse_pool4")!, up = (net as Net).blob("upscore2")!;
    expect(fused.shape).toEqual(up.shape);
    expect(Buffer.from(fused.data.buffer).equals(Buffer.from(up.data.buffer))).toBe(true);
    expect(up.data.some((v) => v !== 0)).toBe(true); // a real test: score_fr is not zero
    net.dispose(); net32.dispose();
  });

  // ×2 bilinear then ×16 bilinear is a stride-32 transposed convolution with an 80-tap kernel (the
  // k4 kernel spread by 16, convolved with the k32 one): smoother than the ×32 bilinear k64, so the
  // 16s does NOT start at the 32s's scores. Both kernels sum to 1 over each output phase, so on a
  // constant score map they agree wherever every tap lands inside the map (the image centre here).
  it("starts from the 32s's scores only where bilinear interpolation is exact: a constant score map", () => {
    const net32 = trained32s();
    const p = net32.parameters();
    const bias = [0.5, -1, 2, 0.25, -0.75];
    p.get("score_fr.weight")!.data.fill(0);
    p.get("score_fr.bias")!.data.set(bias);
    const { net } = netFrom(net32, specFor("16s", "learned", SMALL));
    const x = images(1);
    const s32 = net32.run(x), s16 = (net as Net).run(x);
    const [, K, H, W] = s32.shape;
    const centre = (s: Tensor, k: number) => s.data[(k * H + H / 2) * W + W / 2];
    for (let k = 0; k < K; k++) {
      expect(centre(s32, k)).toBeCloseTo(bias[k], 5);
      expect(centre(s16, k)).toBeCloseTo(bias[k], 5);
    }
    net.dispose(); net32.dispose();
  });

  it("differs from the 32s on a non-constant score map (the composed kernel is not the ×32 bilinear)", () => {
    const net32 = trained32s();
    const { net } = netFrom(net32, specFor("16s", "learned", SMALL));
    net32.training = false; (net as Net).training = false;
    const x = images(1);
    const a = net32.run(x).data, b = (net as Net).run(x).data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeGreaterThan(1e-3);
    net.dispose(); net32.dispose();
  });

  it("FCN-8s from FCN-16s also takes score_pool4 and upscore2", () => {
    const net16 = fcn.Net.fromGraph(specFor("16s", "learned", SMALL)) as unknown as Net;
    const { net, carried } = netFrom(net16, specFor("8s", "learned", SMALL));
    expect(carried).toContain("score_pool4.weight");
    expect(carried).toContain("upscore2.weight");
    expect(carried).not.toContain("upscore16.weight"); // 8s has no ×16 layer
    net.dispose(); net16.dispose();
  });
});

describe("trainSchedule", () => {
  const tiny = { "32s": { steps: 1, lr: 1e-3 }, "16s": { steps: 1, lr: 1e-3 }, "8s": { steps: 1, lr: 1e-3 }, eval: 1 };
  const graphOf = (net: Net) => [...net.parameters().keys()].filter((k) => k.startsWith("upscore")).sort();
  it("trains 32s, 16s, 8s in order, each a row; the control stays FCN-32s", () => {
    const staged = trainSchedule("learned", tiny);
    expect(staged.rows.map((r: { net: string }) => r.net)).toEqual(["FCN-32s", "FCN-16s", "FCN-8s"]);
    expect(graphOf(staged.nets["8s"])).toEqual(["upscore2.weight", "upscore8.weight", "upscore_pool4.weight"]);
    const control = trainSchedule("learned", tiny, { control: true });
    expect(control.rows.map((r: { net: string }) => r.net)).toEqual(["FCN-32s", "FCN-32s", "FCN-32s"]);
    expect(graphOf(control.nets["8s"])).toEqual(["upscore.weight"]);
    // the same first stage: the control's 32s row equals the staged one's
    expect(control.rows[0].meanIU).toBe(staged.rows[0].meanIU);
    for (const nets of [staged.nets, control.nets]) for (const net of Object.values(nets) as Net[]) net.dispose();
  });
});

describe("the ablation specs", () => {
  const transposed = (spec: { layers: { op: string; attrs?: Record<string, unknown> }[] }) => spec.layers.filter((l) => l.op === "ConvTranspose");
  it("learned: dense, bilinear, trainable; fixed: depthwise, frozen; random-init: dense, Xavier", () => {
    for (const l of transposed(specFor("8s", "learned"))) expect([l.attrs!.init, l.attrs!.trainable, l.attrs!.group]).toEqual(["bilinear", true, undefined]);
    for (const l of transposed(specFor("8s", "fixed"))) expect([l.attrs!.init, l.attrs!.trainable, l.attrs!.group]).toEqual(["bilinear", false, DATA.classes]);
    for (const l of transposed(specFor("8s", "random-init"))) expect([l.attrs!.init, l.attrs!.trainable]).toEqual(["xavier", true]);
    expect(transposed(specFor("32s", "learned")).map((l) => l.attrs!.kernelShape)).toEqual([[64, 64]]);
    expect(() => specFor("4s", "learned")).toThrow(/variant/);
    expect(() => specFor("8s", "bilinear")).toThrow(/upsampling/);
  });
});

describe("out/reproduce.json rows and the table", () => {
  const metrics = { pixelAccuracy: 0.9, meanAccuracy: 0.5, meanIU: 0.4, frequencyWeightedIU: 0.8 };
  it("have exactly the issue's fields", () => {
    const r = row("16s", "random-init", { ...metrics, extra: 1 }, 150, 30);
    expect(Object.keys(r)).toEqual(["net", "upsampling", "pixelAccuracy", "meanAccuracy", "meanIU", "frequencyWeightedIU", "steps", "seconds"]);
    expect(r.net).toBe("FCN-16s");
    expect(r.upsampling).toBe("random-init");
  });

  it("print one line per row in percent, with images/s", () => {
    const lines = formatTable([row("32s", "learned", metrics, 100, 20), row("8s", "fixed", metrics, 50, 0)]).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe("| FCN-32s | learned | 90.0 | 50.0 | 40.0 | 80.0 | 100 | 20.0 |");
    expect(lines[3]).toMatch(/\| FCN-8s \| fixed \|.*\| 50 \| – \|$/);
  });
});

describe("out/reproduce.png", () => {
  it("is a PNG: one row of 5 tiles per image, then two filter rows", () => {
    const nets: Record<string, Net> = {};
    for (const v of ["32s", "16s", "8s"]) nets[v] = fcn.Net.fromGraph(specFor(v, "learned", SMALL)) as unknown as Net;
    const png = drawReproduction(nets, { data: SMALL, rows: 2, scale: 1 }) as Buffer;
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
    expect(width).toBe(Math.max(5 * 64 + 6 * 6, 6 * 64 + 7 * 8)); // five image tiles; the bilinear start and 5 learned filters
    expect(height).toBe(2 * (64 + 12) + 2 * (64 + 16)); // two image rows, two filter rows (8-pixel gaps)
    expect(inflateSync(png.subarray(41, png.length - 12)).length).toBe(height * (4 * width + 1));
    for (const net of Object.values(nets)) net.dispose();
  });

  it("diagonalKernels reads w[c, c] of a dense weight and w[c, 0] of a depthwise one", () => {
    const dense = { data: Float32Array.from({ length: 2 * 2 * 4 }, (_, i) => i), shape: [2, 2, 2, 2] };
    expect(diagonalKernels(dense).map((k: Float32Array) => Array.from(k))).toEqual([[0, 1, 2, 3], [12, 13, 14, 15]]);
    const depthwise = { data: Float32Array.from({ length: 2 * 4 }, (_, i) => i), shape: [2, 1, 2, 2] };
    expect(diagonalKernels(depthwise).map((k: Float32Array) => Array.from(k))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });
});

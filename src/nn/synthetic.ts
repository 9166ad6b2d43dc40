// A deterministic synthetic semantic-segmentation dataset that needs no download (Node and browser).
//
// Every image is a muted, textured background (a smooth two-colour gradient times low-frequency value
// noise) with 1–4 objects (options.objects, options.radius: how many, how large) painted in order (later objects occlude earlier ones). Each object class
// has a shape (disc, square, triangle, ring, bar, cross, hexagon, star) and a characteristic colour
// and texture (dots, checks, stripes, plain shading); colour is jittered and in ~30% of objects the
// texture is drawn from another class, so the shape and its context matter. Positions, scales,
// rotations and aspect ratios are random; objects may leave the frame. Pixel noise is added last.
//
// Labels follow PASCAL VOC: 0 = background, 1..classes−1 = object classes, 255 = ignore on a 1-pixel
// contour of every visible object region (each object pixel whose 4-neighbour belongs to another
// object or to the background). Hence two 4-adjacent labelled pixels never carry different classes.
//
// Everything derives from a mulberry32 PRNG seeded from (seed, index): the same (index, options)
// always gives the same bytes.
import { tensor, type Tensor } from "../tensor.js";
import { mulberry32 } from "../random.js";
import { AttributeError } from "../errors.js";

export interface SyntheticOptions {
  /** H = W, default 64 */
  size?: number;
  /** number of classes including background 0, default 5 (at most SYNTHETIC_CLASS_NAMES.length) */
  classes?: number;
  /** dataset seed, default 1 */
  seed?: number;
  /**
   * [min, max] object radius as a fraction of size, default [0.11, 0.31]. Smaller objects (say
   * [0.05, 0.16]) have boundaries that a ×32 upsampling cannot place (`npm run reproduce`).
   */
  radius?: [number, number];
  /** [min, max] objects per image (inclusive), default [1, 4]. */
  objects?: [number, number];
}

export interface SyntheticSample {
  /** [3, H, W] row-major, values in [-1, 1] (zero-mean-ish) */
  image: Float32Array;
  /** [H, W], class per pixel, 0 = background, 255 = ignore (1-pixel contour of every object) */
  labels: Uint8Array;
  size: number;
}

export const SYNTHETIC_CLASS_NAMES: readonly string[] = Object.freeze([
  "background", "disc", "square", "triangle", "ring", "bar", "cross", "hexagon", "star",
]);

export const IGNORE_LABEL = 255;

type Texture = 0 | 1 | 2 | 3; // plain, stripes, checks, dots

// Per object class (index = class − 1): base hue in [0, 1) and characteristic texture.
const CLASS_STYLE: readonly { hue: number; texture: Texture }[] = [
  { hue: 0.0, texture: 3 },   // disc: red, dots
  { hue: 0.33, texture: 2 },  // square: green, checks
  { hue: 0.62, texture: 1 },  // triangle: blue, stripes
  { hue: 0.15, texture: 0 },  // ring: yellow, plain
  { hue: 0.83, texture: 1 },  // bar: magenta, stripes
  { hue: 0.5, texture: 3 },   // cross: cyan, dots
  { hue: 0.07, texture: 2 },  // hexagon: orange, checks
  { hue: 0.73, texture: 0 },  // star: violet, plain
];

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function sampleSeed(seed: number, index: number): number {
  const hi = Math.floor(index / 4294967296);
  return fmix32(fmix32(seed >>> 0 ^ 0x9e3779b9) ^ Math.imul(index >>> 0, 0x27d4eb2f) ^ fmix32(hi + 0x165667b1));
}

interface Resolved {
  size: number; classes: number; seed: number;
  /** undefined: the default radius range, drawn as it always was (the same bytes as before the option) */
  radius: [number, number] | undefined;
  objects: [number, number];
}

function range(v: unknown, name: string, ok: (lo: number, hi: number) => boolean, want: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number" && Number.isFinite(x)) || v[0] > v[1] || !ok(v[0], v[1])) {
    throw new AttributeError(`synthetic: ${name} must be [min, max] with min ≤ max, ${want}; got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]];
}

function resolve(options: SyntheticOptions | undefined): Resolved {
  const size = options?.size ?? 64;
  const classes = options?.classes ?? 5;
  const seed = options?.seed ?? 1;
  if (!Number.isInteger(size) || size < 8) throw new AttributeError(`synthetic: size must be an integer ≥ 8, got ${size}`);
  if (!Number.isInteger(classes) || classes < 2 || classes > SYNTHETIC_CLASS_NAMES.length) {
    throw new AttributeError(`synthetic: classes must be an integer in [2, ${SYNTHETIC_CLASS_NAMES.length}], got ${classes}`);
  }
  if (!Number.isFinite(seed)) throw new AttributeError(`synthetic: seed must be a finite number, got ${seed}`);
  const radius = options?.radius === undefined ? undefined : range(options.radius, "radius", (lo, hi) => lo > 0 && hi <= 1, "fractions of the size in (0, 1]");
  const objects = options?.objects === undefined ? [1, 4] as [number, number] : range(options.objects, "objects", (lo, hi) => Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi <= 64, "whole numbers in [0, 64]");
  return { size, classes, seed: Math.trunc(seed), radius, objects };
}

function hsv(h: number, s: number, v: number): [number, number, number] {
  h = ((h % 1) + 1) % 1;
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
  switch (i % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function polygon(n: number, r: number, phase: number): number[] {
  const pts: number[] = [];
  for (let k = 0; k < n; k++) {
    const a = phase + (2 * Math.PI * k) / n;
    pts.push(r * Math.cos(a), r * Math.sin(a));
  }
  return pts;
}

const TRIANGLE = polygon(3, 1, -Math.PI / 2);
const SQUARE = polygon(4, 1, Math.PI / 4).map((v) => v * 0.85);
const HEXAGON = polygon(6, 1, 0);
const STAR = (() => {
  const pts: number[] = [];
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (Math.PI * k) / 5;
    const r = k % 2 === 0 ? 1 : 0.45;
    pts.push(r * Math.cos(a), r * Math.sin(a));
  }
  return pts;
})();

/** Crossing-number point-in-polygon test; pts = [x0, y0, x1, y1, ...]. */
function inPolygon(pts: number[], x: number, y: number): boolean {
  let inside = false;
  const n = pts.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = pts[2 * i], yi = pts[2 * i + 1], xj = pts[2 * j], yj = pts[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether local unit coordinates (u, v) fall inside the shape of object class `cls` (1-based). */
function insideShape(cls: number, u: number, v: number): boolean {
  switch (cls) {
    case 1: return u * u + v * v <= 1;
    case 2: return inPolygon(SQUARE, u, v);
    case 3: return inPolygon(TRIANGLE, u, v);
    case 4: { const r2 = u * u + v * v; return r2 <= 1 && r2 >= 0.3; }
    case 5: return Math.abs(u) <= 1 && Math.abs(v) <= 0.25;
    case 6: return (Math.abs(u) <= 1 && Math.abs(v) <= 0.28) || (Math.abs(v) <= 1 && Math.abs(u) <= 0.28);
    case 7: return inPolygon(HEXAGON, u, v);
    default: return inPolygon(STAR, u, v);
  }
}

interface SceneObject {
  cls: number;
  cx: number; cy: number; r: number;
  cos: number; sin: number; ax: number; ay: number;
  color: [number, number, number];
  texture: Texture; contrast: number; period: number; tcos: number; tsin: number; dark: boolean;
  shadeX: number; shadeY: number;
}

function gauss(rng: () => number): number {
  const u = 1 - rng(), v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One sample; the same (index, options) always gives the same bytes. */
export function syntheticSample(index: number, options?: SyntheticOptions): SyntheticSample {
  if (!Number.isInteger(index) || index < 0) throw new AttributeError(`syntheticSample: index must be a non-negative integer, got ${index}`);
  const { size, classes, seed, radius, objects: [fewest, most] } = resolve(options);
  const rng = mulberry32(sampleSeed(seed, index));
  const H = size, W = size, HW = H * W;
  const rgb = new Float32Array(3 * HW); // [0, 1] while painting

  // ---- background: two muted colours along a random direction, times low-frequency value noise
  const bgHue = rng();
  const c0 = hsv(bgHue, 0.1 + 0.25 * rng(), 0.3 + 0.35 * rng());
  const c1 = hsv(bgHue + (rng() - 0.5) * 0.4, 0.1 + 0.25 * rng(), 0.3 + 0.35 * rng());
  const ga = rng() * 2 * Math.PI, gcos = Math.cos(ga), gsin = Math.sin(ga);
  const G = 5; // noise grid (G+1)×(G+1), 3 channels
  const grid = new Float32Array((G + 1) * (G + 1) * 3);
  const noiseAmp = 0.12 + 0.15 * rng();
  for (let i = 0; i < grid.length; i++) grid[i] = (rng() - 0.5) * 2 * noiseAmp;
  const lumaShare = 0.6; // most of the noise is brightness, some is colour
  for (let y = 0; y < H; y++) {
    const gy = ((y + 0.5) / H) * G, iy = Math.min(G - 1, Math.floor(gy)), fy0 = gy - iy;
    const fy = fy0 * fy0 * (3 - 2 * fy0);
    for (let x = 0; x < W; x++) {
      const gx = ((x + 0.5) / W) * G, ix = Math.min(G - 1, Math.floor(gx)), fx0 = gx - ix;
      const fx = fx0 * fx0 * (3 - 2 * fx0);
      const t = clamp01(0.5 + 0.5 * (((x + 0.5) / W - 0.5) * gcos + ((y + 0.5) / H - 0.5) * gsin) * 1.6);
      const n = [0, 0, 0];
      for (let c = 0; c < 3; c++) {
        const g00 = grid[(iy * (G + 1) + ix) * 3 + c], g01 = grid[(iy * (G + 1) + ix + 1) * 3 + c];
        const g10 = grid[((iy + 1) * (G + 1) + ix) * 3 + c], g11 = grid[((iy + 1) * (G + 1) + ix + 1) * 3 + c];
        n[c] = (g00 * (1 - fx) + g01 * fx) * (1 - fy) + (g10 * (1 - fx) + g11 * fx) * fy;
      }
      const luma = (n[0] + n[1] + n[2]) / 3;
      for (let c = 0; c < 3; c++) {
        rgb[c * HW + y * W + x] = c0[c] * (1 - t) + c1[c] * t + lumaShare * luma + (1 - lumaShare) * n[c];
      }
    }
  }

  // ---- objects
  const count = fewest + Math.floor(rng() * (most - fewest + 1)); // default: 1 + ⌊4·u⌋
  const objects: SceneObject[] = [];
  for (let k = 0; k < count; k++) {
    const cls = 1 + Math.floor(rng() * (classes - 1));
    const style = CLASS_STYLE[cls - 1];
    const r = size * (radius === undefined ? 0.11 + 0.2 * rng() : radius[0] + (radius[1] - radius[0]) * rng());
    const cx = size * (0.05 + 0.9 * rng()), cy = size * (0.05 + 0.9 * rng());
    const angle = rng() * 2 * Math.PI;
    const stretch = cls === 5 ? 1 : 1 + (rng() - 0.5) * 0.35; // bars are already elongated
    const hue = rng() < 0.12 ? rng() : style.hue + gauss(rng) * 0.035;
    const color = hsv(hue, 0.55 + 0.4 * rng(), 0.55 + 0.4 * rng());
    const texture = (rng() < 0.7 ? style.texture : Math.floor(rng() * 4)) as Texture;
    const ta = rng() * Math.PI;
    objects.push({
      cls, cx, cy, r,
      cos: Math.cos(angle), sin: Math.sin(angle), ax: stretch, ay: 1 / stretch,
      color, texture,
      contrast: 0.25 + 0.3 * rng(),
      period: 3 + rng() * 4,
      tcos: Math.cos(ta), tsin: Math.sin(ta), dark: rng() < 0.5,
      shadeX: (rng() - 0.5) * 0.3, shadeY: (rng() - 0.5) * 0.3,
    });
  }

  const owner = new Int16Array(HW).fill(-1); // top object per pixel
  objects.forEach((o, k) => {
    const x0 = Math.max(0, Math.floor(o.cx - o.r * 1.3)), x1 = Math.min(W - 1, Math.ceil(o.cx + o.r * 1.3));
    const y0 = Math.max(0, Math.floor(o.cy - o.r * 1.3)), y1 = Math.min(H - 1, Math.ceil(o.cy + o.r * 1.3));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - o.cx, dy = y + 0.5 - o.cy;
        const u = (dx * o.cos + dy * o.sin) / (o.r * o.ax);
        const v = (-dx * o.sin + dy * o.cos) / (o.r * o.ay);
        if (!insideShape(o.cls, u, v)) continue;
        owner[y * W + x] = k;
        // texture value t in [0, 1]
        const a = dx * o.tcos + dy * o.tsin, b = -dx * o.tsin + dy * o.tcos;
        let t: number;
        switch (o.texture) {
          case 1: t = (a / o.period - Math.floor(a / o.period)) < 0.5 ? 1 : 0; break;
          case 2: t = (Math.floor(a / o.period) + Math.floor(b / o.period)) & 1; break;
          case 3: {
            const p = o.period * 1.3;
            const fa = a / p - Math.round(a / p), fb = b / p - Math.round(b / p);
            t = fa * fa + fb * fb < 0.09 ? 1 : 0;
            break;
          }
          default: t = 0.5 + 0.5 * Math.sin((u + v) * 1.5); break;
        }
        const shade = 1 + o.shadeX * u + o.shadeY * v;
        const m = o.dark ? 1 - o.contrast * t : 1 + o.contrast * t;
        for (let c = 0; c < 3; c++) {
          const base = o.color[c] * shade;
          rgb[c * HW + y * W + x] = o.dark ? base * m : base + (1 - base) * (m - 1);
        }
      }
    }
  });

  // ---- labels with a 1-pixel ignore contour on every visible object region
  const labels = new Uint8Array(HW);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x, k = owner[i];
      if (k < 0) continue;
      const edge =
        (x > 0 && owner[i - 1] !== k) || (x < W - 1 && owner[i + 1] !== k) ||
        (y > 0 && owner[i - W] !== k) || (y < H - 1 && owner[i + W] !== k);
      labels[i] = edge ? IGNORE_LABEL : objects[k].cls;
    }
  }

  // ---- pixel noise, then map [0, 1] → [-1, 1]
  const sigma = 0.02 + 0.04 * rng();
  const image = new Float32Array(3 * HW);
  for (let i = 0; i < image.length; i++) {
    const v = clamp01(rgb[i] + sigma * gauss(rng));
    image[i] = 2 * v - 1;
  }
  return { image, labels, size };
}

/** Samples start..start+count−1 stacked: images [count, 3, H, W], labels [count·H·W]. */
export function syntheticBatch(start: number, count: number, options?: SyntheticOptions): { images: Tensor; labels: Uint8Array } {
  if (!Number.isInteger(count) || count < 0) throw new AttributeError(`syntheticBatch: count must be a non-negative integer, got ${count}`);
  const { size } = resolve(options);
  const HW = size * size;
  const data = new Float32Array(count * 3 * HW);
  const labels = new Uint8Array(count * HW);
  for (let n = 0; n < count; n++) {
    const s = syntheticSample(start + n, options);
    data.set(s.image, n * 3 * HW);
    labels.set(s.labels, n * HW);
  }
  return { images: tensor(data, [count, 3, size, size]), labels };
}

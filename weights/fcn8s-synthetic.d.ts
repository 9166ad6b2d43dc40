// Types of fcn8s-synthetic.js (the demo model's recipe, shared by the scripts, the demo page and bench/network.ts).
import type { Adam, GraphSpec, Net, SGD } from "../dist/index.js";

export const SIZE: number;
export const CLASSES: number;
export const WIDTHS: number[];
export const FC: number;
export const HELD_OUT: number;
export const BATCH: number;
export const DATA: { size: number; classes: number };
export function demoSpec(upsampling?: "fixed" | "bilinear" | "random"): GraphSpec;
export function trainStep(net: Net, optimizer: Adam | SGD, start: number, count: number): number;
export function evaluate(net: Net, count: number, batch?: number): { pixelAccuracy: number; meanIoU: number };

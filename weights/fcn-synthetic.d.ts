// Types of fcn-synthetic.js (the shipped nets' recipe, shared by the scripts, the demo page and the benches).
import type { Adam, GraphSpec, Net, SGD, SyntheticOptions } from "../dist/index.js";

export type Variant = "32s" | "16s" | "8s";
export type Upsampling = "learned" | "fixed" | "random-init";
export interface Metrics { pixelAccuracy: number; meanAccuracy: number; meanIU: number; frequencyWeightedIU: number }

export const DATA: { size: number; classes: number; radius: [number, number]; objects: [number, number] };
export const WIDTHS: number[];
export const FC: number;
export const BATCH: number;
export const HELD_OUT: number;
export const DROPOUT: number;
export const NETS: Variant[];
export const UPSAMPLINGS: Upsampling[];
export function weightsUrl(variant: Variant): URL;
export function specFor(variant: Variant, upsampling?: Upsampling, data?: SyntheticOptions): GraphSpec;
export function netFrom(previous: Net | null, spec: GraphSpec, seed?: number): { net: Net; carried: string[] };
export function trainStep(net: Net, optimizer: Adam | SGD, start: number, count: number, data?: SyntheticOptions): number;
export function evaluate(net: Net, count: number, data?: SyntheticOptions, batch?: number): Metrics;

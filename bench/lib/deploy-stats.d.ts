export interface Summary { n: number; median: number; min: number; max: number }
export function median(values: number[]): number;
export function summarize(values: number[]): Summary;
export function seconds(ms: number): string;
export function describe(summary: Summary): string;
export function ratio(a: number, b: number): number;
export function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]>;
export function coveredWithin(intervals: Array<[number, number]>, from: number, to: number): number;

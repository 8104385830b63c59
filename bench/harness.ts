import { cpus, totalmem } from 'node:os';

/** One measured figure: name, value, unit and (optionally) the target it is checked against. */
export interface BenchResult {
  case: string;
  metric: string;
  value: number;
  unit: string;
  /** e.g. '>= 200000' or '< 5' (same unit as value) */
  target?: string;
  note?: string;
}

export interface BenchCase {
  name: string;
  description: string;
  run(log: (msg: string) => void): Promise<BenchResult[]>;
}

export function meetsTarget(r: BenchResult): boolean | undefined {
  if (!r.target) return undefined;
  const m = /^(>=|<=|<|>)\s*([\d.e+-]+)$/.exec(r.target.trim());
  if (!m) return undefined;
  const t = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return r.value >= t;
    case '<=':
      return r.value <= t;
    case '<':
      return r.value < t;
    default:
      return r.value > t;
  }
}

export function machine() {
  const c = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** Median of repeated timings, in seconds. */
export async function timeMedian(runs: number, fn: () => Promise<void> | void): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

import { join } from 'node:path';
import { BUNDLED_STEPS, importerFor } from '../importers/registry.js';
import { type ApplyResult, applyBatch } from '../store/apply-batch.js';
import type { Store } from '../store/store.js';

export interface StepReport {
  label: string;
  format: string;
  rows: number;
  seconds: number;
  warnings: string[];
  metrics: Record<string, number>;
  inserted: ApplyResult['inserted'];
}

export interface LoadHooks {
  onStep?: (label: string, index: number, count: number) => void;
  onProgress?: (done: number, total: number) => void;
}

/** Loads the bundled default dataset (data/) into a store, one atomic import per step. */
export async function loadBundledDataset(
  store: Store,
  dataDir: string,
  hooks: LoadHooks = {},
): Promise<StepReport[]> {
  const out: StepReport[] = [];
  let i = 0;
  for (const step of BUNDLED_STEPS) {
    hooks.onStep?.(step.label, i++, BUNDLED_STEPS.length);
    const importer = importerFor(step.format);
    if (!importer) throw new Error(`no importer for bundled format ${step.format}`);
    const t0 = performance.now();
    const batch = await importer.read(join(dataDir, step.path), { onProgress: hooks.onProgress });
    const res = await applyBatch(store, batch, { onProgress: hooks.onProgress });
    const rows = Object.values(res.inserted).reduce((a, n) => a + (n ?? 0), 0);
    out.push({
      label: step.label,
      format: step.format,
      rows,
      seconds: (performance.now() - t0) / 1000,
      warnings: batch.report.warnings,
      metrics: batch.report.metrics,
      inserted: res.inserted,
    });
  }
  return out;
}

import { type Static, Type } from '@sinclair/typebox';
import { MAX_SEED } from '../../engine/simulate/prng.js';
import { isPortfolio, readPortfolio } from '../../importers/org-portfolio.js';
import { detectImporter, importerFor } from '../../importers/registry.js';
import { type HazardSet, type Issue, type Scenario, ValidationError } from '../../model/index.js';
import { MAX_RUNS, monteCarloReport } from '../../services/montecarlo.js';
import { optimizePlan } from '../../services/optimize.js';
import { reproduceReport, simulate } from '../../services/simulate.js';
import { ttsReport } from '../../services/tts.js';
import type { Principal } from '../../store/accounts.js';
import { applyBatch } from '../../store/apply-batch.js';
import { orgRepository } from '../../store/scoped-repository.js';
import type { Store } from '../../store/store.js';
import { getOrgRun, saveOrgRun } from '../org-runs.js';

/**
 * What each job kind does, run inside the job's worker thread (job-worker.ts). The parameters
 * have been checked and names resolved by `prepareJob` (jobs/prepare.ts) on the main thread.
 */

export const JOB_KINDS = ['simulate', 'reproduce', 'montecarlo', 'tts', 'optimize', 'import'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
/** kinds a client may submit to POST /api/jobs (imports go through POST /api/imports) */
export const SUBMITTABLE_KINDS = ['simulate', 'reproduce', 'montecarlo', 'tts', 'optimize'] as const;

export const TtsParams = Type.Object(
  {
    region: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'region code or ISO3 country' }),
    ),
    year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
    ttrDays: Type.Optional(Type.Number({ minimum: 0, maximum: 3650 })),
    stockShips: Type.Optional(Type.Boolean()),
    headroom: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
    includeUnknownLocations: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const MonteCarloParams = Type.Object(
  {
    set: Type.Unknown({
      description: 'the name of a bundled hazard set, or a hazard set (HazardSet schema)',
    }),
    runs: Type.Integer({ minimum: 1, maximum: MAX_RUNS }),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEED })),
    sensitivityRuns: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_RUNS })),
  },
  { additionalProperties: false },
);

export const SimulateParams = Type.Object(
  {
    scenario: Type.Unknown({
      description: 'the name of a shipped scenario, or a scenario (Scenario schema)',
    }),
    /** save the run among the organisation's runs (default true) */
    save: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const OptimizeParams = Type.Object(
  {
    plan: Type.Unknown({
      description:
        'the name of a shipped plan (GET /api/plans), or a plan (Plan schema; its scenario set names a bundled hazard set or shipped scenarios)',
    }),
    /** overrides the plan's budget (plan currency) */
    budget: Type.Optional(Type.Number({ minimum: 0 })),
    /** overrides the plan's solver time limit, seconds per solve */
    timeLimitSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
  },
  { additionalProperties: false },
);

/** `trustmap runs reproduce ID`: one of the organisation's saved runs, simulated again and compared */
export const ReproduceParams = Type.Object(
  { run: Type.String({ minLength: 1, maxLength: 100, description: 'a saved run id or the start of one' }) },
  { additionalProperties: false },
);

/** Parameters as the worker receives them: names resolved, inputs validated. */
export type JobPayload =
  | { kind: 'simulate'; scenario: Scenario; file?: string; save: boolean }
  | {
      kind: 'montecarlo';
      set: HazardSet;
      file?: string;
      runs: number;
      seed: number;
      sensitivityRuns?: number;
    }
  | { kind: 'tts'; options: Static<typeof TtsParams> }
  | { kind: 'reproduce'; run: string }
  /** `plan`: a validated plan whose scenario references are server paths; `file`: a shipped plan */
  | { kind: 'optimize'; plan?: unknown; file?: string; budget?: number; timeLimitSeconds?: number }
  /** `org`: the organisation's own data (portfolio or interchange format); `public`: reference data (admin) */
  | { kind: 'import'; scope: 'public' | 'org'; path: string; format?: string; label: string };

export interface JobWorkerData {
  location: string;
  /** who submitted the job: its writes are theirs (scoped to their organisation, audited) */
  principal: Principal;
  /** threads a Monte Carlo job may use (1 = on the job's own thread) */
  threads: number;
  payload: JobPayload;
}

export type JobWorkerMessage =
  | { kind: 'progress'; done: number; total: number; message?: string }
  | { kind: 'done'; result: unknown }
  | { kind: 'error'; name: string; message: string; issues?: Issue[]; stack?: string };

export type OnProgress = (done: number, total: number, message?: string) => void;

export async function runJob(store: Store, data: JobWorkerData, onProgress: OnProgress): Promise<unknown> {
  const p = data.payload;
  // analyses run on the submitter's view: the public data overlaid with its organisation's rows
  const view = orgRepository(store, data.principal).view();
  switch (p.kind) {
    case 'simulate': {
      onProgress(0, 1, 'simulating');
      const report = await simulate(view, p.scenario, { save: false, ...(p.file ? { file: p.file } : {}) });
      if (p.save) report.run.id = await saveOrgRun(store, data.principal, report);
      onProgress(1, 1, 'done');
      return report;
    }
    case 'reproduce': {
      onProgress(0, 1, 'simulating the saved scenario again');
      // the run is looked up among the submitter's organisation's runs only (another's: not found)
      const r = await reproduceReport(view, await getOrgRun(store, data.principal, p.run));
      onProgress(1, 1, 'done');
      return r;
    }
    case 'montecarlo':
      return monteCarloReport(view, p.set, {
        runs: p.runs,
        seed: p.seed,
        threads: data.threads,
        inline: data.threads <= 1,
        ...(p.sensitivityRuns !== undefined ? { sensitivityRuns: p.sensitivityRuns } : {}),
        ...(p.file ? { file: p.file } : {}),
        onProgress: (done, total) => onProgress(done, total, 'runs'),
      });
    case 'tts':
      return ttsReport(view, p.options, {
        inline: true,
        onProgress: (done, total) => onProgress(done, total, 'linear programmes solved'),
      });
    case 'optimize':
      // the job's worker thread is already off the event loop: solve inline, cancel by terminating it
      return optimizePlan(view, p.file ?? p.plan, {
        inline: true,
        ...(p.budget !== undefined ? { budget: p.budget } : {}),
        ...(p.timeLimitSeconds !== undefined ? { timeLimitSeconds: p.timeLimitSeconds } : {}),
        onProgress: (stage, done, total) => onProgress(done, total, stage),
      });
    case 'import': {
      if (p.scope === 'org') return importOrgData(store, data.principal, p, onProgress);
      const importer = p.format ? importerFor(p.format) : detectImporter(p.path);
      if (!importer)
        throw new ValidationError([
          { file: p.label, message: 'cannot tell the format of the upload; give `format`' },
        ]);
      onProgress(0, 1, `reading ${p.label} (${importer.format})`);
      const batch = await importer.read(p.path, {
        onProgress: (d, t) => onProgress(d, t, `reading ${p.label}`),
      });
      try {
        const res = await applyBatch(store, batch, { onProgress: (d, t) => onProgress(d, t, 'writing') });
        return {
          format: importer.format,
          sources: res.sources,
          inserted: res.inserted,
          replaced: res.replaced,
          warnings: batch.report.warnings,
          metrics: batch.report.metrics,
        };
      } catch (e) {
        if (e instanceof ValidationError) e.outcome = 'nothing was imported; the database is unchanged.';
        throw e;
      }
    }
  }
}

/** An organisation's upload: its portfolio, or records in the interchange format, as its own rows. */
async function importOrgData(
  store: Store,
  principal: Principal,
  p: Extract<JobPayload, { kind: 'import' }>,
  onProgress: OnProgress,
): Promise<unknown> {
  const repo = orgRepository(store, principal);
  if (p.format === 'portfolio' || (!p.format && isPortfolio(p.path))) {
    onProgress(0, 1, `reading ${p.label} (portfolio)`);
    const res = await repo.importPortfolio(readPortfolio(p.path));
    onProgress(1, 1, 'written');
    return res;
  }
  // the interchange importer is registered as "trustmap" (`import --format trustmap`); "interchange" is accepted too
  const importer = importerFor(!p.format || p.format === 'interchange' ? 'trustmap' : p.format);
  if (!importer || importer.format !== 'trustmap')
    throw new ValidationError([
      { file: p.label, message: 'an organisation imports its portfolio or the interchange format' },
    ]);
  if (!importer.detect(p.path))
    throw new ValidationError([
      {
        file: p.label,
        message:
          'not a portfolio (JSON with "format":"trustmap-portfolio/1" or products.csv…) nor the interchange format (JSON, or source.csv and entity CSVs)',
      },
    ]);
  const batch = await importer.read(p.path, { onProgress: (d, t) => onProgress(d, t, `reading ${p.label}`) });
  const res = await repo.importBatch(batch, { onProgress: (d, t) => onProgress(d, t, 'writing') });
  return { format: importer.format, ...res, warnings: batch.report.warnings };
}

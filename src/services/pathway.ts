import { readFileSync } from 'node:fs';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ScheduledStep, timeToMarket } from '../engine/pathway/critical-path.js';
import { PathwayFile } from '../engine/pathway/pathway-file.js';
import { type Issue, ValidationError } from '../model/index.js';

/**
 * Approval pathways (`trustmap pathway FILE`, docs/pathways.md): validates a pathway file and
 * reports its time to market both in sequence and in parallel (critical path), the one the file
 * proposes, the days parallel approval saves, and every step's citation or illustrative flag.
 */
export interface PathwayReport {
  id: string;
  title: string;
  market: string | null;
  file: string | null;
  mode: 'sequential' | 'parallel';
  /** time to market of the proposed mode, days */
  days: number;
  sequentialDays: number;
  parallelDays: number;
  /** sequential − parallel */
  parallelSavesDays: number;
  criticalPath: string[];
  schedule: (ScheduledStep & {
    authority: string | null;
    illustrative: boolean;
    source: string | null;
    note: string | null;
  })[];
  sources: string[];
  assumptions: string[];
}

const check = TypeCompiler.Compile(PathwayFile);

/** Checks a pathway object against the schema and the rules it cannot state; errors name the field. */
export function validatePathway(input: unknown, file?: string): PathwayFile {
  const at = (column: string, message: string): Issue => ({ ...(file ? { file } : {}), column, message });
  const issues: Issue[] = [];
  for (const e of check.Errors(input)) {
    issues.push(at(e.path.replace(/^\//, ''), e.message));
    if (issues.length >= 50) break;
  }
  if (issues.length) throw new ValidationError(issues);
  const p = input as PathwayFile;
  p.steps.forEach((s, i) => {
    if (!s.illustrative && !s.source)
      issues.push(
        at(
          `steps/${i}/source`,
          `step ${JSON.stringify(s.name)}: cite a published timeline or set "illustrative": true`,
        ),
      );
  });
  try {
    timeToMarket(p.steps, 'parallel');
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    for (const x of e.issues) issues.push(at(x.column ?? '', x.message));
  }
  if (issues.length) throw new ValidationError(issues);
  return p;
}

export function readPathwayFile(file: string): PathwayFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ValidationError([{ file, message: `not readable JSON: ${(e as Error).message}` }]);
  }
  return validatePathway(parsed, file);
}

export function pathwayReport(p: PathwayFile, file: string | null = null): PathwayReport {
  const seq = timeToMarket(p.steps, 'sequential');
  const par = timeToMarket(p.steps, 'parallel');
  const chosen = p.mode === 'parallel' ? par : seq;
  const cite = (s: PathwayFile['steps'][number]) =>
    s.source
      ? `${s.source.publisher}: ${s.source.title} (${s.source.year})${s.source.figure ? ` — "${s.source.figure}"` : ''}${s.source.url ? ` ${s.source.url}` : ''}`
      : null;
  const illustrative = p.steps.filter((s) => s.illustrative);
  const assumptions = [
    'durations are the published goal or typical times, not guarantees: review cycles, deficiency letters and inspections can extend them',
    'parallel: a step starts as soon as the steps it names in "after" are done; sequential: one step after the other',
  ];
  if (illustrative.length)
    assumptions.push(
      `illustrative durations (no published figure): ${illustrative.map((s) => `${s.name} ${s.days} d`).join('; ')}`,
    );
  return {
    id: p.id,
    title: p.title,
    market: p.market ?? null,
    file,
    mode: p.mode,
    days: chosen.days,
    sequentialDays: seq.days,
    parallelDays: par.days,
    parallelSavesDays: seq.days - par.days,
    criticalPath: chosen.criticalPath,
    schedule: chosen.schedule.map((s, i) => ({
      ...s,
      authority: p.steps[i]!.authority ?? null,
      illustrative: p.steps[i]!.illustrative ?? false,
      source: cite(p.steps[i]!),
      note: p.steps[i]!.note ?? null,
    })),
    sources: [...new Set(p.steps.map(cite).filter((s): s is string => s !== null))],
    assumptions,
  };
}

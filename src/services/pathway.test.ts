import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../test/helpers/run-command.js';
import { validationError } from '../../test/helpers/validation-error.js';
import { registerPathway } from '../cli/commands/pathway.js';
import { pathwayReport, readPathwayFile, validatePathway } from './pathway.js';

const dir = mkdtempSync(join(tmpdir(), 'trustmap-pathway-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cited = { publisher: 'P', title: 'T', year: 2025 };

describe('shipped pathway files', () => {
  it('all validate, every step cited or illustrative', () => {
    const files = readdirSync('pathways').filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const r = pathwayReport(readPathwayFile(join('pathways', f)));
      expect(r.parallelDays).toBeLessThanOrEqual(r.sequentialDays);
      for (const s of r.schedule) expect(s.illustrative || s.source !== null).toBe(true);
    }
  });

  it('computes the new-API-source pathway by hand', () => {
    // DMF CA 60 d ∥ stability 180 d, then PAS 183 d: parallel max(60, 180) + 183 = 363;
    // sequential 60 + 180 + 183 = 423; parallel saves 60
    const r = pathwayReport(readPathwayFile('pathways/us-generic-new-api-source.json'));
    expect([r.mode, r.days, r.sequentialDays, r.parallelSavesDays]).toEqual(['parallel', 363, 423, 60]);
    expect(r.criticalPath).toEqual([
      'exhibit batches on stability',
      'prior approval supplement (standard, no pre-approval inspection)',
    ]);
    expect(r.schedule[0]).toMatchObject({ name: 'DMF fee and completeness assessment', slack: 120 });
    expect(r.assumptions.join(' ')).toMatch(/illustrative durations.*exhibit batches on stability 180 d/);
  });
});

describe('bad pathway files name the field', () => {
  const ok = {
    id: 'x',
    title: 'x',
    mode: 'parallel',
    steps: [
      { name: 'a', days: 10, source: cited },
      { name: 'b', days: 5, illustrative: true },
    ],
  };
  it('a step with neither a citation nor the illustrative flag', async () => {
    const e = await validationError(() =>
      validatePathway({ ...ok, steps: [ok.steps[0], { name: 'b', days: 5 }] }, 'p.json'),
    );
    expect(e.issues[0]).toMatchObject({ file: 'p.json', column: 'steps/1/source' });
    expect(e.issues[0]!.message).toMatch(/step "b": cite a published timeline/);
  });
  it('a negative duration', async () => {
    const e = await validationError(() =>
      validatePathway({ ...ok, steps: [{ name: 'a', days: -1, illustrative: true }] }),
    );
    expect(e.issues[0]!.column).toBe('steps/0/days');
  });
  it('an unknown dependency and a cycle', async () => {
    const e = await validationError(() =>
      validatePathway({ ...ok, steps: [ok.steps[0], { ...ok.steps[1], after: ['c'] }] }),
    );
    expect(e.issues[0]).toMatchObject({ column: 'steps/1/after/0' });
    expect(e.issues[0]!.message).toMatch(/unknown approval step "c" \(named by step "b"\)/);
    const c = await validationError(() =>
      validatePathway({
        ...ok,
        steps: [
          { ...ok.steps[0], after: ['b'] },
          { ...ok.steps[1], after: ['a'] },
        ],
      }),
    );
    expect(c.issues[0]!.message).toMatch(/circular dependency between approval steps: "a", "b"/);
  });
  it('an unknown mode', async () => {
    const e = await validationError(() => validatePathway({ ...ok, mode: 'fast' }));
    expect(e.issues.some((i) => i.column === 'mode')).toBe(true);
  });
});

describe('trustmap pathway', () => {
  it('prints the time to market and the critical path, and --json the report', async () => {
    const text = await runCommand(registerPathway, ':memory:', [
      'pathway',
      'pathways/india-import-registration.json',
    ]);
    expect(text.code).toBe(0);
    // registration 274 ∥ test licence 90, then import licence 90: 364 parallel, 454 sequential
    expect(text.stdout).toMatch(/364 days on the proposed parallel pathway \(sequential 454 d/);
    expect(text.stdout).toMatch(
      /critical path: registration certificate \(Form 40 → Form 41\) → import licence/,
    );
    const json = await runCommand(registerPathway, ':memory:', [
      'pathway',
      'pathways/india-import-registration.json',
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ days: 364, sequentialDays: 454, parallelSavesDays: 90 });
  });
  it('exits non-zero naming the file and field on a bad file', async () => {
    const f = join(dir, 'bad.json');
    writeFileSync(
      f,
      JSON.stringify({ id: 'x', title: 'x', mode: 'parallel', steps: [{ name: 'a', days: 1 }] }),
    );
    const r = await runCommand(registerPathway, ':memory:', ['pathway', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.json.*steps\/0\/source/);
  });
});

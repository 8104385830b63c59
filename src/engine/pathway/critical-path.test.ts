import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../model/index.js';
import { type PathwayStep, timeToMarket } from './critical-path.js';

const steps: PathwayStep[] = [
  { name: 'dossier', days: 30 },
  { name: 'inspection', days: 60, after: ['dossier'] },
  { name: 'import registration', days: 45 },
  { name: 'marketing authorisation', days: 90, after: ['inspection', 'import registration'] },
];

describe('time to market', () => {
  it('adds every step on the sequential pathway', () => {
    // 30 + 60 + 45 + 90 = 225
    const r = timeToMarket(steps, 'sequential');
    expect(r.days).toBe(225);
    expect(r.criticalPath).toEqual([
      'dossier',
      'inspection',
      'import registration',
      'marketing authorisation',
    ]);
    expect(r.schedule.map((s) => [s.start, s.finish])).toEqual([
      [0, 30],
      [30, 90],
      [90, 135],
      [135, 225],
    ]);
  });

  it('takes the critical path on the parallel pathway and lists it', () => {
    // dossier 0–30 → inspection 30–90 → authorisation 90–180; registration 0–45 has 45 days slack
    const r = timeToMarket(steps, 'parallel');
    expect(r.days).toBe(180);
    expect(r.criticalPath).toEqual(['dossier', 'inspection', 'marketing authorisation']);
    const reg = r.schedule[2]!;
    expect([reg.start, reg.finish, reg.slack, reg.critical]).toEqual([0, 45, 45, false]);
    expect(r.schedule.filter((s) => s.critical).map((s) => s.name)).toEqual([
      'dossier',
      'inspection',
      'marketing authorisation',
    ]);
  });

  it('orders a sequential pathway by its dependencies when the list does not', () => {
    const r = timeToMarket(
      [
        { name: 'review', days: 10, after: ['submit'] },
        { name: 'submit', days: 5 },
      ],
      'sequential',
    );
    expect(r.criticalPath).toEqual(['submit', 'review']);
    expect(r.schedule[0]).toMatchObject({ name: 'review', start: 5, finish: 15 });
  });

  it('names the step whose dependency does not exist', () => {
    expect(() => timeToMarket([{ name: 'a', days: 1, after: ['b'] }], 'parallel')).toThrow(
      /steps\/0\/after\/0: unknown approval step "b" \(named by step "a"\)/,
    );
  });

  it('rejects a circular dependency, naming the steps', () => {
    const cyc = [
      { name: 'x', days: 1 },
      { name: 'a', days: 1, after: ['b'] },
      { name: 'b', days: 1, after: ['a'] },
    ];
    for (const mode of ['parallel', 'sequential'] as const) {
      try {
        timeToMarket(cyc, mode);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        const issue = (e as ValidationError).issues[0]!;
        expect(issue.column).toBe('steps/1/after');
        expect(issue.message).toMatch(/circular dependency between approval steps: "a", "b"/);
      }
    }
    expect(() => timeToMarket([{ name: 'a', days: 1, after: ['a'] }], 'parallel')).toThrow(
      /"a" waits for itself/,
    );
  });

  it('rejects duplicate names', () => {
    expect(() =>
      timeToMarket(
        [
          { name: 'a', days: 1 },
          { name: 'a', days: 2 },
        ],
        'parallel',
      ),
    ).toThrow(/steps\/1\/name: duplicate step name "a"/);
  });

  it('is never longer in parallel than in sequence, and never shorter than the longest step (property)', () => {
    // random DAGs: step i may depend only on steps before it
    const dag = fc
      .array(
        fc.record({ days: fc.integer({ min: 0, max: 400 }), deps: fc.array(fc.nat(), { maxLength: 4 }) }),
        { minLength: 1, maxLength: 25 },
      )
      .map((xs) =>
        xs.map((x, i) => ({
          name: `s${i}`,
          days: x.days,
          after: i === 0 ? [] : [...new Set(x.deps.map((d) => `s${d % i}`))],
        })),
      );
    fc.assert(
      fc.property(dag, (st) => {
        const par = timeToMarket(st, 'parallel');
        const seq = timeToMarket(st, 'sequential');
        const longest = Math.max(...st.map((s) => s.days));
        const pathDays = par.criticalPath.reduce((a, n) => a + st.find((s) => s.name === n)!.days, 0);
        return (
          par.days <= seq.days &&
          par.days >= longest &&
          seq.days === st.reduce((a, s) => a + s.days, 0) &&
          pathDays === par.days &&
          par.schedule.every((s) => s.slack >= 0)
        );
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

import { type Issue, ValidationError } from '../../model/index.js';

/**
 * Time to market of an approval pathway: steps with durations (days) and dependencies (`after`:
 * names of steps that must finish first).
 *
 * - sequential: one step after the other, in an order that respects `after` (listed order where
 *   free); time to market = Σ days; every step is on the critical path.
 * - parallel: each step starts as soon as the steps it depends on are done (critical path method,
 *   Kelley & Walker 1959): earliest finish EF(i) = max_{j ∈ after(i)} EF(j) + days(i); time to
 *   market = max_i EF(i); the latest finish LF(i) = min_{k: i ∈ after(k)} (LF(k) − days(k)), or the
 *   time to market when nothing waits on i; slack = LF − EF; the critical path is a chain of
 *   zero-slack steps from a step with no dependency to one that finishes last.
 *
 * Parallel is never longer than sequential: every chain's length is at most the sum of all days.
 * Unknown or circular dependencies and duplicate names are validation errors naming the step.
 */
export interface PathwayStep {
  name: string;
  days: number;
  after?: readonly string[];
}

export type PathwayMode = 'sequential' | 'parallel';

export interface ScheduledStep {
  name: string;
  days: number;
  start: number;
  finish: number;
  /** days the step could slip without delaying the pathway (0 on the sequential pathway) */
  slack: number;
  critical: boolean;
}

export interface TimeToMarket {
  mode: PathwayMode;
  days: number;
  /** step names along the critical path, first to last */
  criticalPath: string[];
  /** in the order the steps were given */
  schedule: ScheduledStep[];
}

/** Checks names and dependencies; returns the steps in a dependency-respecting order (Kahn). */
function orderSteps(steps: readonly PathwayStep[]): { order: Int32Array; deps: Int32Array[] } {
  const issues: Issue[] = [];
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (index.has(s.name))
      issues.push({ column: `steps/${i}/name`, message: `duplicate step name ${JSON.stringify(s.name)}` });
    else index.set(s.name, i);
    if (!Number.isFinite(s.days) || s.days < 0)
      issues.push({
        column: `steps/${i}/days`,
        message: `step ${JSON.stringify(s.name)}: days must be ≥ 0, got ${s.days}`,
      });
  });
  const deps = steps.map((s, i) => {
    const list: number[] = [];
    (s.after ?? []).forEach((name, k) => {
      const j = index.get(name);
      if (j === undefined)
        issues.push({
          column: `steps/${i}/after/${k}`,
          message: `unknown approval step ${JSON.stringify(name)} (named by step ${JSON.stringify(s.name)})`,
        });
      else if (j === i)
        issues.push({
          column: `steps/${i}/after/${k}`,
          message: `circular dependency between approval steps: ${JSON.stringify(s.name)} waits for itself`,
        });
      else if (!list.includes(j)) list.push(j);
    });
    return Int32Array.from(list);
  });
  if (issues.length) throw new ValidationError(issues);
  const n = steps.length;
  const waiting = new Int32Array(n);
  const successors: number[][] = steps.map(() => []);
  for (let i = 0; i < n; i++) {
    waiting[i] = deps[i]!.length;
    for (const j of deps[i]!) successors[j]!.push(i);
  }
  // Kahn's algorithm, always taking the lowest listed index that is ready: keeps the given order
  const order = new Int32Array(n);
  const done = new Uint8Array(n);
  let count = 0;
  while (count < n) {
    let next = -1;
    for (let i = 0; i < n; i++)
      if (!done[i] && waiting[i] === 0) {
        next = i;
        break;
      }
    if (next < 0) break;
    done[next] = 1;
    order[count++] = next;
    for (const k of successors[next]!) waiting[k]!--;
  }
  if (count < n) {
    const stuck = steps.flatMap((_s, i) => (done[i] ? [] : [i]));
    const first = stuck[0]!;
    throw new ValidationError([
      {
        column: `steps/${first}/after`,
        message: `circular dependency between approval steps: ${stuck.map((i) => JSON.stringify(steps[i]!.name)).join(', ')}`,
      },
    ]);
  }
  return { order, deps };
}

export function timeToMarket(steps: readonly PathwayStep[], mode: PathwayMode): TimeToMarket {
  const n = steps.length;
  const { order, deps } = orderSteps(steps);
  const start = new Float64Array(n);
  const finish = new Float64Array(n);
  if (mode === 'sequential') {
    let t = 0;
    for (const i of order) {
      start[i] = t;
      t += steps[i]!.days;
      finish[i] = t;
    }
    return {
      mode,
      days: t,
      criticalPath: [...order].map((i) => steps[i]!.name),
      schedule: steps.map((s, i) => ({
        name: s.name,
        days: s.days,
        start: start[i]!,
        finish: finish[i]!,
        slack: 0,
        critical: true,
      })),
    };
  }
  let total = 0;
  for (const i of order) {
    let s = 0;
    for (const j of deps[i]!) if (finish[j]! > s) s = finish[j]!;
    start[i] = s;
    finish[i] = s + steps[i]!.days;
    if (finish[i]! > total) total = finish[i]!;
  }
  const latestFinish = new Float64Array(n).fill(total);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    const latestStart = latestFinish[i]! - steps[i]!.days;
    for (const j of deps[i]!) if (latestStart < latestFinish[j]!) latestFinish[j] = latestStart;
  }
  const slack = Float64Array.from(latestFinish, (lf, i) => lf - finish[i]!);
  // walk back from the first-listed step that finishes last, through zero-slack predecessors
  const path: number[] = [];
  let at = -1;
  for (let i = 0; i < n; i++)
    if (finish[i] === total) {
      at = i;
      break;
    }
  while (at >= 0) {
    path.push(at);
    let prev = -1;
    for (const j of deps[at]!)
      if (finish[j] === start[at] && (prev < 0 || j < prev)) {
        prev = j;
      }
    at = prev;
  }
  path.reverse();
  return {
    mode,
    days: total,
    criticalPath: path.map((i) => steps[i]!.name),
    schedule: steps.map((s, i) => ({
      name: s.name,
      days: s.days,
      start: start[i]!,
      finish: finish[i]!,
      slack: slack[i]!,
      critical: slack[i]! === 0,
    })),
  };
}

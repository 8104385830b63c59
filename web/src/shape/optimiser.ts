import type {
  ChosenIntervention,
  Currency,
  LossFigures,
  Money,
  OptimizeReport,
  ProductResult,
  SolveStatus,
  SolveSummary,
} from '../lib/api-types.js';
import { type Figure, num } from '../lib/format.js';

/**
 * Shapes the optimiser's report (`OptimizeReport`, src/services/optimize.ts; the `optimize` job's
 * result = `trustmap optimize PLAN --json`) into the optimiser page's tables and curve.
 */

/** A plan-currency amount in USD at the plan's rate (INR ÷ INR-per-USD); USD is itself. */
export function toUsd(
  amount: number,
  currency: Currency,
  inrPerUsd: number | null | undefined,
): number | null {
  if (currency === 'USD') return amount;
  return inrPerUsd && inrPerUsd > 0 ? amount / inrPerUsd : null;
}

/** "INR 500,000,000 (USD 6,024,096)"; a USD amount alone. */
export function moneyText(m: Money): string {
  const main = `${m.currency} ${num(m.amount, 0)}`;
  return m.currency === 'USD' ? main : `${main} (USD ${num(m.usd, 0)})`;
}

/** What the solve's status means for the page: a limit or infeasibility is a result, not an error. */
export interface Outcome {
  kind: 'optimal' | 'incumbent' | 'no-solution';
  text: string;
}

const LIMITS: SolveStatus[] = ['time-limit', 'iteration-limit', 'interrupted'];

export function solveOutcome(s: Pick<SolveSummary, 'status' | 'hasSolution' | 'gap'>): Outcome {
  if (s.status === 'optimal' && s.hasSolution) return { kind: 'optimal', text: 'optimal' };
  if (LIMITS.includes(s.status) && s.hasSolution)
    return {
      kind: 'incumbent',
      text: `${s.status}: best portfolio found${s.gap === null ? '' : `, gap ${(s.gap * 100).toFixed(2)} %`}`,
    };
  if (s.status === 'infeasible' || s.status === 'unbounded-or-infeasible')
    return { kind: 'no-solution', text: `${s.status}: no portfolio satisfies the plan's constraints` };
  return { kind: 'no-solution', text: `${s.status}: no portfolio found` };
}

/** One row per solve of the budget–resilience curve: status and model size. */
export interface SolveRow {
  budgetShare: number;
  budget: number;
  budgetUsd: number;
  status: SolveStatus;
  outcome: Outcome;
  rows: number;
  columns: number;
  nonzeros: number;
  integers: number;
  seconds: number;
  gap: number | null;
  spent: Figure;
  expected: Figure;
  p95: Figure;
}

const noSolution = (s: SolveSummary): Figure => ({ unavailable: solveOutcome(s).text });

export function solveRows(r: Pick<OptimizeReport, 'budgetCurve'>): SolveRow[] {
  return [...r.budgetCurve]
    .sort((a, b) => a.budget.amount - b.budget.amount)
    .map((s) => ({
      budgetShare: s.budgetShare,
      budget: s.budget.amount,
      budgetUsd: s.budget.usd,
      status: s.status,
      outcome: solveOutcome(s),
      rows: s.size.rows,
      columns: s.size.columns,
      nonzeros: s.size.nonzeros,
      integers: s.size.integers,
      seconds: s.seconds,
      gap: s.gap,
      spent: s.spent ? s.spent.amount : noSolution(s),
      expected: s.loss ? s.loss.expected : noSolution(s),
      p95: s.loss ? s.loss.p95 : noSolution(s),
    }));
}

/**
 * The budget–resilience curve: weighted expected and P95 loss (criticality-weighted share of a
 * year's demand) against the budget, in plan currency. A budget without a solution is a gap
 * (null), never 0.
 */
export interface CurvePoint {
  budget: number;
  budgetUsd: number;
  expected: number | null;
  p95: number | null;
  status: SolveStatus;
}

export function budgetCurve(r: Pick<OptimizeReport, 'budgetCurve'>): CurvePoint[] {
  return [...r.budgetCurve]
    .sort((a, b) => a.budget.amount - b.budget.amount)
    .map((s) => ({
      budget: s.budget.amount,
      budgetUsd: s.budget.usd,
      expected: s.hasSolution && s.loss ? s.loss.expected : null,
      p95: s.hasSolution && s.loss ? s.loss.p95 : null,
      status: s.status,
    }));
}

/** The chosen interventions with their cost; an existing FDA-registered site is named. */
export interface ChosenRow {
  id: string;
  kind: string;
  product: string;
  size: number;
  sizeUnit: string;
  where: string;
  leadDays: Figure;
  cost: number;
  costUsd: number;
  registeredSite: string;
  illustrative: boolean;
  source: string;
}

export function chosenRows(r: Pick<OptimizeReport, 'chosen'>): ChosenRow[] {
  return r.chosen.map((c: ChosenIntervention) => ({
    id: c.id,
    kind: c.kind,
    product: c.product,
    size: c.size,
    sizeUnit: c.sizeUnit,
    where: c.where,
    leadDays: c.leadDays ?? { unavailable: 'no lead time: available at once' },
    cost: c.cost.amount,
    costUsd: c.cost.usd,
    registeredSite: c.existingRegisteredSite
      ? `${c.existingRegisteredSite.firmName} (FEI ${c.existingRegisteredSite.fei}, ${c.existingRegisteredSite.country})`
      : '',
    illustrative: c.illustrative,
    source: c.source ?? '',
  }));
}

/** Expected and P95 unmet demand per product: before, after (model), after (re-simulated). */
export interface ProductRow {
  material: string;
  market: string;
  unit: string;
  weight: number;
  simulated: boolean;
  illustrative: boolean;
  beforeExpected: number;
  beforeP95: number;
  modelExpected: number;
  modelP95: number;
  resimExpected: Figure;
  resimP95: Figure;
  /** share of the expected unmet demand avoided, by the best figure available (re-simulated, else model) */
  avoided: Figure;
  spent: number;
}

const NOT_RESIMULATED =
  'not re-simulated: the simulator has no public quantities for this product, so the plan’s illustrative quantities were used';

export function productRows(r: Pick<OptimizeReport, 'products'>): ProductRow[] {
  return r.products.map((p: ProductResult) => {
    const after: LossFigures = p.afterResimulated ?? p.afterModel;
    return {
      material: p.material,
      market: p.market,
      unit: p.unit,
      weight: p.weight,
      simulated: p.simulated,
      illustrative: p.illustrative,
      beforeExpected: p.before.expected,
      beforeP95: p.before.p95,
      modelExpected: p.afterModel.expected,
      modelP95: p.afterModel.p95,
      resimExpected: p.afterResimulated ? p.afterResimulated.expected : { unavailable: NOT_RESIMULATED },
      resimP95: p.afterResimulated ? p.afterResimulated.p95 : { unavailable: NOT_RESIMULATED },
      avoided:
        p.before.expected > 0
          ? 1 - after.expected / p.before.expected
          : { unavailable: 'no expected unmet demand before: nothing to avoid' },
      spent: p.spent.amount,
    };
  });
}

/** Progress stage names of the optimize job, in words. */
export function stageLabel(stage: string | undefined): string {
  if (stage === 'simulate') return 'simulating the scenarios';
  if (stage === 'solve') return 'solving with HiGHS, one budget at a time';
  return stage ?? '';
}

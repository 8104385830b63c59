/**
 * The optimiser's result (job kind `optimize`), read defensively: the route lands later on the
 * server, so only fields that carry their meaning in their name are read, and anything else is
 * shown as a plain table rather than guessed at.
 */
export interface CurvePoint {
  budget: number;
  value: number;
}

function asArray(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    : [];
}

const BUDGET_KEYS = ['budget', 'spend', 'cost'];
const VALUE_KEYS = ['shortfall', 'expectedShortfall', 'objective', 'resilience', 'value'];

/**
 * The budget–resilience curve: the first array field whose name mentions a curve or frontier,
 * with one budget-like and one shortfall-like number per point, sorted by budget.
 */
export function budgetCurve(result: unknown): { points: CurvePoint[]; valueKey: string } | null {
  if (typeof result !== 'object' || result === null) return null;
  const r = result as Record<string, unknown>;
  const key = Object.keys(r).find((k) => /curve|frontier|sweep/i.test(k) && Array.isArray(r[k]));
  if (!key) return null;
  const rows = asArray(r[key]);
  const bk = BUDGET_KEYS.find((k) => rows.every((p) => typeof p[k] === 'number'));
  const vk = VALUE_KEYS.find((k) => rows.every((p) => typeof p[k] === 'number'));
  if (!bk || !vk || rows.length === 0) return null;
  return {
    points: rows
      .map((p) => ({ budget: p[bk] as number, value: p[vk] as number }))
      .sort((a, b) => a.budget - b.budget),
    valueKey: vk,
  };
}

/** Named arrays of a result (chosen interventions, priority products…), for tables. */
export function resultTables(
  result: unknown,
  names: RegExp,
): { name: string; rows: Record<string, unknown>[] }[] {
  if (typeof result !== 'object' || result === null) return [];
  return Object.entries(result as Record<string, unknown>)
    .filter(([k, v]) => names.test(k) && Array.isArray(v))
    .map(([name, v]) => ({ name, rows: asArray(v) }));
}

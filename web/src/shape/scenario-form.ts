import type { Issue } from '../lib/api-types.js';

/**
 * The scenario form (several shocks) as a scenario (src/model/scenario.ts), and the API's 422
 * issues placed next to the form field they concern. The server validates; the form only builds.
 */

export type ShockType = 'export_restriction' | 'capacity_loss' | 'demand_surge';

export interface ShockRow {
  type: ShockType;
  /** exporter (export restriction), country (capacity loss) or market (demand surge), ISO3 */
  country: string;
  materials: string;
  /** share cut (0–1), or the surge factor */
  share: number;
  start: number;
  duration: number;
}

export interface FormState {
  name: string;
  year: number;
  horizon: number;
  markets: string;
  cover: number;
  shocks: ShockRow[];
}

export const DEFAULT_SHOCK: ShockRow = {
  type: 'export_restriction',
  country: 'CHN',
  materials: 'gallium.refined',
  share: 1,
  start: 0,
  duration: 90,
};

export const DEFAULT_FORM: FormState = {
  name: 'My scenario',
  year: 2022,
  horizon: 365,
  markets: 'USA, IND',
  cover: 30,
  shocks: [DEFAULT_SHOCK],
};

export const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Reads a form from the URL (`f=` JSON); the one-shock form of earlier links is read as one row. */
export function parseForm(json: string | undefined): FormState {
  if (!json) return DEFAULT_FORM;
  try {
    const o = JSON.parse(json) as Partial<FormState> & Partial<ShockRow>;
    const shocks = Array.isArray(o.shocks)
      ? o.shocks.map((s) => ({ ...DEFAULT_SHOCK, ...s }))
      : o.type
        ? [
            {
              ...DEFAULT_SHOCK,
              ...Object.fromEntries(
                (['type', 'country', 'materials', 'share', 'start', 'duration'] as const)
                  .filter((k) => o[k] !== undefined)
                  .map((k) => [k, o[k]]),
              ),
            },
          ]
        : DEFAULT_FORM.shocks;
    return {
      name: o.name ?? DEFAULT_FORM.name,
      year: o.year ?? DEFAULT_FORM.year,
      horizon: o.horizon ?? DEFAULT_FORM.horizon,
      markets: o.markets ?? DEFAULT_FORM.markets,
      cover: o.cover ?? DEFAULT_FORM.cover,
      shocks,
    };
  } catch {
    return DEFAULT_FORM;
  }
}

function toShock(s: ShockRow): Record<string, unknown> {
  const common = { materials: list(s.materials), start_day: s.start, duration_days: s.duration };
  const c = s.country.toUpperCase();
  if (s.type === 'export_restriction')
    return { type: s.type, exporter: c, importers: 'all', share: s.share, ...common };
  if (s.type === 'capacity_loss') return { type: s.type, country: c, share: s.share, ...common };
  return { type: s.type, market: c, factor: s.share, ...common };
}

/** The form as a scenario: the scenario's materials are every shock's materials, once each, in order. */
export function toScenario(f: FormState): Record<string, unknown> {
  const materials = [...new Set(f.shocks.flatMap((s) => list(s.materials)))];
  return {
    name: f.name,
    description: 'built in the dashboard form (user-defined, not a historical scenario)',
    year: f.year,
    horizon_days: f.horizon,
    step_days: 1,
    markets: list(f.markets).map((m) => m.toUpperCase()),
    materials,
    shocks: f.shocks.map(toShock),
    levers: { default_days_of_cover: f.cover },
    seed: null,
  };
}

/** Form field keys: `name`, `year`, `horizon`, `markets`, `cover`, `shocks.<i>.<field>`, `form` (the rest). */
const TOP: Record<string, string> = {
  name: 'name',
  year: 'year',
  horizon_days: 'horizon',
  markets: 'markets',
  materials: 'materials',
  levers: 'cover',
};
const SHOCK: Record<string, keyof ShockRow> = {
  type: 'type',
  exporter: 'country',
  country: 'country',
  market: 'country',
  materials: 'materials',
  share: 'share',
  factor: 'share',
  start_day: 'start',
  duration_days: 'duration',
};

/** The form field an issue concerns, from its path under the request body (`body/params/scenario/shocks/1/exporter`). */
export function issueField(i: Pick<Issue, 'column' | 'field'>): string {
  const path = (i.column ?? i.field ?? '')
    .replace(/^\/?body\/params\/scenario\/?/, '')
    .split('/')
    .filter(Boolean);
  const [head, idx, leaf] = path;
  if (head === 'shocks' && idx !== undefined && /^\d+$/.test(idx)) {
    const f = leaf !== undefined ? SHOCK[leaf] : undefined;
    return f ? `shocks.${idx}.${f}` : `shocks.${idx}`;
  }
  return (head !== undefined && TOP[head]) || 'form';
}

/** Messages per form field, in the order the server gave them. */
export function issuesByField(
  issues: readonly Pick<Issue, 'column' | 'field' | 'message'>[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of issues) {
    const k = issueField(i);
    const l = out.get(k) ?? [];
    l.push(i.message);
    out.set(k, l);
  }
  return out;
}

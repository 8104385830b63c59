import { concentration, isUnavailable, type Unavailable } from '../engine/analytics/concentration.js';
import type { Material } from '../model/index.js';
import { listMaterials, newestProductionByMaterial, regionMembers } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { medicineVulnerability } from './medicine-vulnerability.js';
import { sourcingReport } from './sourcing.js';
import { supplyRiskAll } from './supply-risk.js';

/** One row of the ranked risk table for minerals (mine and refined stages). */
export interface MineralRiskRow {
  material: Pick<Material, 'id' | 'name' | 'stage' | 'tags' | 'illustrative'>;
  period: string;
  hhi: number | Unavailable;
  concernShare: number | Unavailable;
  regionShare: number | Unavailable;
  top: { country: string; share: number | null }[];
  /** import reliance of the region (not clamped; negative = net exporter) */
  importReliance: number | Unavailable;
  /** EU CRM supply risk (only with region EU / EU27) */
  euSupplyRisk: number | Unavailable | null;
  source_id: string;
}

export interface ApiRiskRow {
  material: { id: string; name: string };
  score: number | Unavailable;
  lower: number;
  upper: number;
  holders: number;
  concernHolderShare: number | null;
  inShortage: boolean;
}

export interface RiskTable {
  region: { code: string; members: string[] };
  concern: string;
  minerals: MineralRiskRow[];
  apis: ApiRiskRow[];
  sources: string[];
  assumptions: string[];
}

export interface RiskTableOptions {
  region?: string;
  concern?: string;
  kind?: 'mineral' | 'api' | 'all';
  /** only materials carrying one of these tags (e.g. critical-mineral-us-2025) */
  tag?: string;
}

/**
 * The ranked risk table: per mineral, concentration of production (newest year), share of the
 * country of concern and of the region, the region's import reliance and (EU) supply risk; per API,
 * the medicine vulnerability score. Every figure keeps its own sources; unavailable ones say why.
 */
export async function riskTable(store: StoreOrView, opts: RiskTableOptions = {}): Promise<RiskTable> {
  const concern = (opts.concern ?? 'CHN').toUpperCase();
  const code = (opts.region ?? 'TRUST').toUpperCase();
  const euRegion = code === 'EU' || code === 'EU27';
  const members = await regionMembers(store, euRegion ? 'EU27' : code);
  const kind = opts.kind ?? 'all';
  const sources = new Set<string>();
  const assumptions = new Set<string>();
  const minerals: MineralRiskRow[] = [];

  if (kind !== 'api') {
    const materials = (await listMaterials(store)).filter(
      (m) => (m.stage === 'mine' || m.stage === 'refined') && (!opts.tag || m.tags.includes(opts.tag)),
    );
    const newest = await newestProductionByMaterial(store);
    const euSr = new Map<string, number | Unavailable>();
    if (euRegion) {
      for (const r of await supplyRiskAll(store, { region: 'EU' })) {
        for (const id of [r.trustmapMaterials.E, r.trustmapMaterials.P]) if (id) euSr.set(id, r.sr);
        for (const s of r.sources) sources.add(s);
      }
    }
    for (const m of materials) {
      const pick = newest.get(m.id);
      if (!pick?.length) continue;
      const year = pick[0]!.period;
      const c = concentration(pick, { concern, region: { code, members } });
      if (c.total <= 0) continue;
      for (const s of c.sources) sources.add(s);
      let ir: number | Unavailable = { unavailable: 'not computed' };
      try {
        const rep = await sourcingReport(store, m, { region: euRegion ? 'EU27' : code, year: Number(year) });
        ir = rep.importReliance.value;
        for (const s of rep.sources) sources.add(s);
      } catch (e) {
        ir = { unavailable: (e as Error).message };
      }
      minerals.push({
        material: { id: m.id, name: m.name, stage: m.stage, tags: m.tags, illustrative: m.illustrative },
        period: year,
        hhi: c.hhi,
        concernShare: c.concernShare,
        regionShare: c.regionShare,
        top: c.top3.map((s) => ({ country: s.country, share: s.share })),
        importReliance: ir,
        euSupplyRisk: euRegion
          ? (euSr.get(m.id) ?? { unavailable: 'not assessed in the EU CRM 2023 inputs' })
          : null,
        source_id: pick[0]!.source_id,
      });
    }
    const key = (r: MineralRiskRow) => (isUnavailable(r.hhi) ? -1 : r.hhi);
    minerals.sort((a, b) => key(b) - key(a) || a.material.id.localeCompare(b.material.id));
    assumptions.add('HHI leaves the square of "Other countries" out (a lower bound)');
  }

  const apis: ApiRiskRow[] = [];
  if (kind !== 'mineral') {
    const mv = await medicineVulnerability(store, { concern });
    for (const s of mv.sources) sources.add(s);
    for (const a of mv.assumptions) assumptions.add(a);
    for (const r of mv.results) {
      const located = r.holders.list.filter((h) => h.country_status === 'single');
      const ofConcern = located.filter((h) => h.countries[0] === concern).length;
      apis.push({
        material: { id: r.material.id, name: r.material.name },
        score: r.score.score,
        lower: r.score.lower,
        upper: r.score.upper,
        holders: r.holders.list.length,
        concernHolderShare: located.length ? ofConcern / located.length : null,
        inShortage: r.shortage.current,
      });
    }
  }
  return {
    region: { code, members: [...members].sort() },
    concern,
    minerals,
    apis,
    sources: [...sources].sort(),
    assumptions: [...assumptions],
  };
}

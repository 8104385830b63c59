import { type Concentration, concentration, isUnavailable } from '../engine/analytics/concentration.js';
import type { Material } from '../model/index.js';
import { listMaterials, newestProductionByMaterial } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';

export interface OverviewRow {
  material: Pick<Material, 'id' | 'name' | 'stage' | 'tags' | 'illustrative'>;
  period: string;
  top: { country: string; share: number | null }[];
  hhi: number | null;
  concernShare: number | null;
  source_id: string;
}

export interface ApiOverviewRow {
  material: Pick<Material, 'id' | 'name'>;
  holders: number;
  topCountry: string | null;
  topCountryShare: number | null;
  unknown: number;
  inShortage: boolean;
}

/**
 * The main job's overview: critical minerals ranked by production concentration (newest year
 * with figures, newest edition), and APIs ranked by how few independent DMF holders they have.
 */
export async function overview(store: StoreOrView, opts: { concern?: string; limit?: number } = {}) {
  const concern = opts.concern ?? 'CHN';
  const limit = opts.limit ?? 15;
  const materials = await listMaterials(store);
  const newest = await newestProductionByMaterial(store);
  const minerals: OverviewRow[] = [];
  for (const m of materials) {
    if (m.stage !== 'mine' && m.stage !== 'refined') continue;
    const pick = newest.get(m.id);
    if (!pick?.length) continue;
    const year = pick[0]!.period;
    const c: Concentration = concentration(pick, { concern });
    if (c.total <= 0) continue;
    minerals.push({
      material: { id: m.id, name: m.name, stage: m.stage, tags: m.tags, illustrative: m.illustrative },
      period: year,
      top: c.top3.map((s) => ({ country: s.country, share: s.share })),
      hhi: isUnavailable(c.hhi) ? null : c.hhi,
      concernShare: isUnavailable(c.concernShare) ? null : c.concernShare,
      source_id: pick[0]!.source_id,
    });
  }
  const critical = minerals.filter((r) => r.material.tags.some((t) => t.startsWith('critical-mineral')));
  const ranked = (critical.length ? critical : minerals)
    .sort((a, b) => (b.hhi ?? 0) - (a.hhi ?? 0))
    .slice(0, limit);

  const apis = materials.filter((m) => m.stage === 'api');
  const apiRows: ApiOverviewRow[] = [];
  const shortage = new Set(
    (
      await store.db.selectFrom('shortage').select('substance').where('substance', 'is not', null).execute()
    ).map((r) => r.substance!),
  );
  for (const m of apis) {
    const names = [m.name, ...m.synonyms].map((s) => s.toUpperCase());
    const holders = await store.db
      .selectFrom('dmf')
      .leftJoin('dmf_holder', 'dmf_holder.holder_key', 'dmf.holder_key')
      .select(['dmf.holder_key', 'dmf_holder.country_status', 'dmf_holder.countries'])
      .where('dmf.status', '=', 'A')
      .where('dmf.type', '=', 'II')
      .where('dmf.substance', 'in', names)
      .execute();
    if (holders.length === 0) continue;
    const distinct = new Map(holders.map((h) => [h.holder_key, h]));
    const byCountry = new Map<string, number>();
    let unknown = 0;
    for (const h of distinct.values()) {
      if (h.country_status === 'single' && h.countries) {
        const c = (JSON.parse(h.countries) as string[])[0]!;
        byCountry.set(c, (byCountry.get(c) ?? 0) + 1);
      } else if (h.country_status !== 'multi') unknown++;
    }
    const top = [...byCountry].sort((a, b) => b[1] - a[1])[0];
    apiRows.push({
      material: { id: m.id, name: m.name },
      holders: distinct.size,
      topCountry: top?.[0] ?? null,
      topCountryShare: top ? top[1] / distinct.size : null,
      unknown,
      inShortage: names.some((n) => shortage.has(n)),
    });
  }
  apiRows.sort((a, b) => a.holders - b.holders || (b.topCountryShare ?? 0) - (a.topCountryShare ?? 0));
  return { concern, minerals: ranked, apis: apiRows.slice(0, limit) };
}

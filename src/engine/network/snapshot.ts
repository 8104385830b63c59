import type { Material, Production, Recipe, Stage } from '../../model/index.js';
import { AGGREGATE_CODES, STAGES } from '../../model/index.js';

/**
 * The compact, immutable form of one year's network that every engine algorithm reads: integer
 * ids, typed arrays, CSR adjacency (after graphology's compiled indexes). Built once per
 * (data version, year, overlay); never mutated.
 *
 * Nodes are (material, location) pairs: one per country with a production row for the material,
 * "Other countries" (XOT) included, the rounded "World total" excluded. A material with no
 * production by country (APIs, KSMs: no public figures) gets one node at `UNKNOWN_LOCATION`.
 */
export const UNKNOWN_LOCATION = 'XUN';

export interface NetworkInput {
  year: number;
  dataVersion: string;
  materials: readonly Material[];
  /** production rows (measure 'production'), any period: the builder picks each material's year */
  production: readonly Production[];
  /** capacity rows (measure 'capacity') */
  capacity?: readonly Production[];
  recipes: readonly Recipe[];
}

export interface NetworkSnapshot {
  readonly year: number;
  readonly dataVersion: string;
  /** material index → id */
  readonly materialIds: readonly string[];
  readonly materialStage: Uint8Array;
  /** the calendar year the material's production figures are from (0 = none) */
  readonly materialYear: Int32Array;
  /** location index → ISO3 (or XOT / XUN) */
  readonly locations: readonly string[];
  readonly nodeCount: number;
  readonly nodeMaterial: Int32Array;
  readonly nodeLocation: Int32Array;
  /** production in the material's unit; NaN where withheld or not available */
  readonly nodeQuantity: Float64Array;
  /** capacity in the material's unit; NaN where not published */
  readonly nodeCapacity: Float64Array;
  /** nodes of material m are nodeStart[m] … nodeStart[m+1]−1 (nodes are grouped by material) */
  readonly materialNodeStart: Int32Array;
  /** recipes as CSR by output material: inputs of m are recipeStart[m] … recipeStart[m+1]−1 */
  readonly recipeStart: Int32Array;
  readonly recipeInput: Int32Array;
  /** input quantity per unit of output, in the input's basis; NaN where unknown */
  readonly recipeQuantity: Float64Array;
  readonly recipeEssential: Uint8Array;
  /** substitutable group index, −1 when the input is not part of one */
  readonly recipeGroup: Int32Array;
  /** cost share a_kj; NaN where unknown */
  readonly recipeCostShare: Float64Array;
  readonly recipeIllustrative: Uint8Array;
  /**
   * Sourcing as CSR by node: the suppliers of node j are supplyStart[j] … supplyStart[j+1]−1, each
   * a supplier node, its share σ_ij of j's input, and the recipe edge (input material) it serves.
   * Built with the global-mix assumption (a buyer buys at the world production mix of the supplying
   * stage); bilateral data refine it in the analytics.
   */
  readonly supplyStart: Int32Array;
  readonly supplyNode: Int32Array;
  readonly supplyShare: Float64Array;
  readonly supplyRecipe: Int32Array;
  /** source ids of the records used */
  readonly sources: readonly string[];
  /** index into `sources` of the production row behind node n; −1 for a node without one */
  readonly nodeSource: Int32Array;
  /** index into `sources` of recipe edge e */
  readonly recipeSource: Int32Array;
  /** assumptions the snapshot leaned on */
  readonly assumptions: readonly string[];
}

function yearOf(period: string): number | undefined {
  return /^\d{4}$/.test(period) ? Number(period) : undefined;
}

/**
 * Chooses, per material, the newest year ≤ `year` with production figures and, within that year,
 * the newest edition (sources are compared by their publication year, passed in `sourceYear`).
 */
function pickRows(
  rows: readonly Production[],
  year: number,
  sourceYear: (id: string) => number,
): Map<string, { year: number; rows: Production[] }> {
  const best = new Map<string, { year: number; edition: number; rows: Production[] }>();
  for (const r of rows) {
    const y = yearOf(r.period);
    if (y === undefined || y > year || r.country === AGGREGATE_CODES.world || r.facility_id) continue;
    const ed = sourceYear(r.source_id);
    const cur = best.get(r.material_id);
    if (!cur || y > cur.year || (y === cur.year && ed > cur.edition)) {
      best.set(r.material_id, { year: y, edition: ed, rows: [r] });
    } else if (y === cur.year && ed === cur.edition) cur.rows.push(r);
  }
  const out = new Map<string, { year: number; rows: Production[] }>();
  for (const [k, v] of best) out.set(k, { year: v.year, rows: v.rows });
  return out;
}

export function buildSnapshot(
  input: NetworkInput,
  sourceYear: (id: string) => number = () => 0,
): NetworkSnapshot {
  const materials = [...input.materials].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mIndex = new Map<string, number>();
  for (let i = 0; i < materials.length; i++) mIndex.set(materials[i]!.id, i);
  const stageIndex = new Map<Stage, number>(STAGES.map((s, i) => [s, i]));

  const sources = new Set<string>();
  const assumptions = new Set<string>();
  const prod = pickRows(input.production, input.year, sourceYear);
  const cap = pickRows(input.capacity ?? [], input.year, sourceYear);

  const locations: string[] = [];
  const locIndex = new Map<string, number>();
  const loc = (iso3: string) => {
    let i = locIndex.get(iso3);
    if (i === undefined) {
      i = locations.length;
      locations.push(iso3);
      locIndex.set(iso3, i);
    }
    return i;
  };

  const nodeMaterial: number[] = [];
  const nodeLocation: number[] = [];
  const nodeQuantity: number[] = [];
  const nodeCapacity: number[] = [];
  const nodeSourceId: (string | null)[] = [];
  const materialNodeStart = new Int32Array(materials.length + 1);
  const materialYear = new Int32Array(materials.length);
  const materialStage = new Uint8Array(materials.length);

  materials.forEach((m, mi) => {
    materialStage[mi] = stageIndex.get(m.stage) ?? 0;
    materialNodeStart[mi] = nodeMaterial.length;
    const picked = prod.get(m.id);
    const capRows = cap.get(m.id)?.rows ?? [];
    const capBy = new Map<string, number>();
    for (const r of capRows) capBy.set(r.country, r.quantity ?? Number.NaN);
    if (!picked || picked.rows.length === 0) {
      nodeMaterial.push(mi);
      nodeLocation.push(loc(UNKNOWN_LOCATION));
      nodeQuantity.push(Number.NaN);
      nodeCapacity.push(Number.NaN);
      nodeSourceId.push(null);
      return;
    }
    materialYear[mi] = picked.year;
    if (picked.year !== input.year) {
      assumptions.add(`${m.id}: newest production figures are for ${picked.year}, used for ${input.year}`);
    }
    const rows = [...picked.rows].sort((a, b) =>
      a.country < b.country ? -1 : a.country > b.country ? 1 : 0,
    );
    for (const r of rows) {
      nodeMaterial.push(mi);
      nodeLocation.push(loc(r.country));
      nodeQuantity.push(r.quantity ?? Number.NaN);
      nodeCapacity.push(capBy.get(r.country) ?? Number.NaN);
      nodeSourceId.push(r.source_id);
      sources.add(r.source_id);
      if (r.illustrative) assumptions.add(`${m.id}: illustrative production figures`);
    }
  });
  materialNodeStart[materials.length] = nodeMaterial.length;

  // recipes grouped by output material (CSR)
  const recipes = input.recipes
    .filter((r) => mIndex.has(r.output_id) && mIndex.has(r.input_id))
    .sort(
      (a, b) =>
        mIndex.get(a.output_id)! - mIndex.get(b.output_id)! ||
        mIndex.get(a.input_id)! - mIndex.get(b.input_id)!,
    );
  const recipeStart = new Int32Array(materials.length + 1);
  for (const r of recipes) recipeStart[mIndex.get(r.output_id)! + 1]!++;
  for (let i = 0; i < materials.length; i++) recipeStart[i + 1] = recipeStart[i + 1]! + recipeStart[i]!;
  const groups = new Map<string, number>();
  const recipeInput = new Int32Array(recipes.length);
  const recipeQuantity = new Float64Array(recipes.length);
  const recipeEssential = new Uint8Array(recipes.length);
  const recipeGroup = new Int32Array(recipes.length);
  const recipeCostShare = new Float64Array(recipes.length);
  const recipeIllustrative = new Uint8Array(recipes.length);
  recipes.forEach((r, e) => {
    recipeInput[e] = mIndex.get(r.input_id)!;
    recipeQuantity[e] = r.quantity ?? Number.NaN;
    recipeEssential[e] = r.essential ? 1 : 0;
    if (r.substitute_group) {
      const key = `${r.output_id}|${r.substitute_group}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = groups.size;
        groups.set(key, g);
      }
      recipeGroup[e] = g;
    } else recipeGroup[e] = -1;
    recipeCostShare[e] = r.cost_share ?? Number.NaN;
    recipeIllustrative[e] = r.illustrative ? 1 : 0;
    sources.add(r.source_id);
    if (r.illustrative) assumptions.add(`recipe ${r.output_id} ← ${r.input_id} is illustrative`);
  });

  // world production mix per material: σ_i = q_i / Σ q over the material's nodes with a figure
  const mix = new Float64Array(nodeMaterial.length);
  for (let m = 0; m < materials.length; m++) {
    const a = materialNodeStart[m]!;
    const b = materialNodeStart[m + 1]!;
    const { withheld, equalSplit } = mixInto(nodeQuantity, a, b, mix);
    if (withheld) assumptions.add(`${materials[m]!.id}: withheld figures left out of the production mix`);
    if (equalSplit && b - a > 1)
      assumptions.add(
        `${materials[m]!.id}: no production figures; equal split across locations (illustrative)`,
      );
  }
  const supplyStart = new Int32Array(nodeMaterial.length + 1);
  const supplyNode: number[] = [];
  const supplyShare: number[] = [];
  const supplyRecipe: number[] = [];
  let usedGlobalMix = false;
  for (let j = 0; j < nodeMaterial.length; j++) {
    supplyStart[j] = supplyNode.length;
    const m = nodeMaterial[j]!;
    for (let e = recipeStart[m]!; e < recipeStart[m + 1]!; e++) {
      const k = recipeInput[e]!;
      for (let i = materialNodeStart[k]!; i < materialNodeStart[k + 1]!; i++) {
        if (mix[i] === 0) continue;
        supplyNode.push(i);
        supplyShare.push(mix[i]!);
        supplyRecipe.push(e);
        usedGlobalMix = true;
      }
    }
  }
  supplyStart[nodeMaterial.length] = supplyNode.length;
  if (usedGlobalMix) {
    assumptions.add(
      'global-mix sourcing: every buyer sources each input at the world production mix of that input',
    );
  }

  const sortedSources = [...sources].sort();
  const sourceIndex = new Map(sortedSources.map((id, i) => [id, i]));
  return {
    year: input.year,
    dataVersion: input.dataVersion,
    materialIds: materials.map((m) => m.id),
    materialStage,
    materialYear,
    locations,
    nodeCount: nodeMaterial.length,
    nodeMaterial: Int32Array.from(nodeMaterial),
    nodeLocation: Int32Array.from(nodeLocation),
    nodeQuantity: Float64Array.from(nodeQuantity),
    nodeCapacity: Float64Array.from(nodeCapacity),
    materialNodeStart,
    recipeStart,
    recipeInput,
    recipeQuantity,
    recipeEssential,
    recipeGroup,
    recipeCostShare,
    recipeIllustrative,
    supplyStart,
    supplyNode: Int32Array.from(supplyNode),
    supplyShare: Float64Array.from(supplyShare),
    supplyRecipe: Int32Array.from(supplyRecipe),
    sources: sortedSources,
    nodeSource: Int32Array.from(nodeSourceId, (id) => (id === null ? -1 : sourceIndex.get(id)!)),
    recipeSource: Int32Array.from(recipes, (r) => sourceIndex.get(r.source_id)!),
    assumptions: [...assumptions].sort(),
  };
}

/**
 * Writes the world production mix of nodes a … b−1 (one material) into `out`: q_i / Σ q over the
 * nodes with a figure; a withheld figure (NaN) gets 0; with no figure at all, an equal split.
 */
function mixInto(
  quantity: ArrayLike<number>,
  a: number,
  b: number,
  out: Float64Array,
): { withheld: boolean; equalSplit: boolean } {
  let total = 0;
  let known = 0;
  for (let n = a; n < b; n++) {
    const q = quantity[n]!;
    if (!Number.isNaN(q)) {
      total += q;
      known++;
    }
  }
  if (total > 0) {
    for (let n = a; n < b; n++) {
      const q = quantity[n]!;
      out[n] = Number.isNaN(q) ? 0 : q / total;
    }
    return { withheld: known < b - a, equalSplit: false };
  }
  for (let n = a; n < b; n++) out[n] = 1 / (b - a);
  return { withheld: false, equalSplit: true };
}

/**
 * The world production mix of material index `m` (the global-mix assumption: a buyer buys at it):
 * its nodes with a positive share and those shares, as the snapshot's supplier lists use them.
 */
export function productionMix(s: NetworkSnapshot, m: number): { nodes: number[]; shares: number[] } {
  const a = s.materialNodeStart[m]!;
  const b = s.materialNodeStart[m + 1]!;
  const mix = new Float64Array(b);
  mixInto(s.nodeQuantity, a, b, mix);
  const nodes: number[] = [];
  const shares: number[] = [];
  for (let n = a; n < b; n++) {
    if (mix[n] === 0) continue;
    nodes.push(n);
    shares.push(mix[n]!);
  }
  return { nodes, shares };
}

/** The records a snapshot was built from, reconstructed (for round-trip checks and exports). */
export function snapshotRecords(s: NetworkSnapshot): {
  production: { material_id: string; country: string; year: number; quantity: number | null }[];
  recipes: { output_id: string; input_id: string; quantity: number | null; essential: boolean }[];
} {
  const production: { material_id: string; country: string; year: number; quantity: number | null }[] = [];
  for (let n = 0; n < s.nodeCount; n++) {
    const m = s.nodeMaterial[n]!;
    const country = s.locations[s.nodeLocation[n]!]!;
    if (country === UNKNOWN_LOCATION) continue;
    const q = s.nodeQuantity[n]!;
    production.push({
      material_id: s.materialIds[m]!,
      country,
      year: s.materialYear[m]!,
      quantity: Number.isNaN(q) ? null : q,
    });
  }
  const recipes: { output_id: string; input_id: string; quantity: number | null; essential: boolean }[] = [];
  for (let m = 0; m < s.materialIds.length; m++) {
    for (let e = s.recipeStart[m]!; e < s.recipeStart[m + 1]!; e++) {
      const q = s.recipeQuantity[e]!;
      recipes.push({
        output_id: s.materialIds[m]!,
        input_id: s.materialIds[s.recipeInput[e]!]!,
        quantity: Number.isNaN(q) ? null : q,
        essential: s.recipeEssential[e] === 1,
      });
    }
  }
  return { production, recipes };
}

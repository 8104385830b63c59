/**
 * USGS Mineral Commodity Summaries (MCS) importer: the MCS 2026 data release plus the 2023 and 2024
 * world files, as one batch with three sources (`usgs-mcs-2026`, `-2024`, `-2023`).
 *
 * What it writes (provenance: data/usgs-mcs/PROVENANCE.md):
 * - `material`: one per commodity × stage found (world tables and import-source tables of all three
 *   editions), id `<commodity-slug>.<stage>`, attributed to `usgs-mcs-2026`, tagged
 *   `critical-mineral-us-2025` where MCS 2026 says "Is critical mineral 2025" = Yes.
 * - `production` (measure production / capacity / reserves) by country, including XOT ("Other
 *   countries", part of every share denominator) and WLD ("World total", rounded, reference only).
 *   Each edition keeps its rows under its own source; the engine prefers the newest edition.
 * - `sourcing_share`: "Import Sources" 2021–24, importer USA, share as a fraction, detail = the
 *   USGS Statistics_detail (e.g. "Metal").
 * - `statistic`: "Salient Statistics—United States" (net_import_reliance, imports, exports,
 *   consumption, price, stocks, production, employment…), value and unit as published.
 *
 * Stage mapping (full table with regular expressions: usgs-materials.ts):
 *
 * | USGS wording                                          | stage      | example ids                          |
 * |-------------------------------------------------------|------------|--------------------------------------|
 * | mine production, reserves, production from brines/gas | `mine`     | cobalt.mine, lithium.mine, helium.mine|
 * | refinery, smelter, plant, "primary production", sponge| `refined`  | gallium.refined, bismuth.refined     |
 * | ammonia, lime, cement, arsenic trioxide (plant output)| `refined`  | nitrogen.refined, lime.refined       |
 * | all-forms sulfur (mostly recovered at refineries)     | `refined`  | sulfur.refined                       |
 * | synthetic soda ash, TiO2 pigment                      | `chemical` | soda-ash.chemical, tio2-pigment.chemical |
 * | imports of metal / ferroalloys (import tables only)   | `refined`  | cobalt.refined, ferromanganese.refined |
 * | imports of oxides, salts, compounds (import only)     | `chemical` | lithium.chemical, germanium.chemical |
 *
 * Products published side by side in one chapter become separate materials: platinum.mine and
 * palladium.mine (PGM reserves: platinum-group-metals.mine), bauxite.mine / alumina.refined,
 * iron-ore.mine (usable ore) / iron.mine (iron content), ilmenite.mine / rutile.mine,
 * bentonite / kaolin / fullers-earth, mica-scrap-and-flake / mica-sheet, pig-iron / raw-steel,
 * ferrosilicon / silicon, titanium.refined (sponge) / tio2-pigment.chemical,
 * magnesium.refined (metal) / magnesium-compounds.mine (magnesite, MgO content; the MCS 2023
 * gross-weight series is magnesite.mine).
 *
 * Rows dropped on purpose, each counted in a warning: combined world totals of two materials
 * (ilmenite + rutile, natural + synthetic soda ash, MCS 2023 silicon), a second reserves basis for
 * the same country (chromite Cr2O3 content, potash recoverable ore), reserves printed beside a
 * refined product (in-ground content is not the refined product), "XX" (not applicable), rows of
 * several countries in one figure ("China, Germany, and Russia"), and import-share sets that are
 * totals over several materials (e.g. "Combined total") or not one material ("All clay types").
 *
 * Units: quantities are normalised to base units (t, kg, ct, m3, L) — thousand metric tons become
 * t — so every row of one material uses one unit across editions. One published unit is corrected
 * (with a note on each record): MCS 2026 vanadium reserves are labelled metric tons but are thousand
 * metric tons (usgs-materials.ts, `unitCorrections`). Values: see usgs-values.ts
 * (W → null + W, NA → null + NA, "—" → 0 + zero, ">x" → x + gt, estimates → est; in MCS 2026 every
 * 2025 production and capacity figure is an estimate, "2025e" in the tables).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Source, ValidationError } from '../model/index.js';
import { BatchBuilder, type ImportBatch } from './batch.js';
import { type CsvTable, readCsv } from './csv.js';
import type { Importer, ReadOptions } from './importer.js';
import { UsgsMaterials } from './usgs-common.js';
import { MCS2026_COLUMNS, newMcs2026Counters, readMcs2026Rows } from './usgs-mcs2026.js';
import { newTidyCounters, readTidyRow, TIDY_COLUMNS } from './usgs-tidy.js';

const PUBLISHER = 'U.S. Geological Survey (USGS), National Minerals Information Center';
const LICENCE = 'Public domain (U.S. Government work); data release marked CC0 1.0 Universal';

/** Files of the bundled folder data/usgs-mcs/, relative to it. */
export const USGS_FILES = {
  mcs2026: 'mcs2026/mcs2026_commodities_data_normalized_utf8.csv',
  /** the original Windows-1252 release, read when the normalised copy is absent */
  mcs2026Original: 'mcs2026/MCS2026_Commodities_Data.csv',
  mcs2024: 'mcs2024_world_production_reserves_tidy.csv',
  mcs2023: 'mcs2023_world_production_reserves_tidy.csv',
} as const;

export const USGS_SOURCES: Readonly<Record<2026 | 2024 | 2023, Source>> = {
  2026: {
    id: 'usgs-mcs-2026',
    publisher: PUBLISHER,
    title: 'Mineral Commodity Summaries 2026 Data Release (data years 2021–2025; 2025 values are estimates)',
    year: 2026,
    url: 'https://doi.org/10.5066/P1WKQ63T',
    file: `usgs-mcs/${USGS_FILES.mcs2026}`,
    licence: LICENCE,
    note:
      'UTF-8 copy of MCS2026_Commodities_Data.csv (SHA-256 582a0aa2…af5, first posted 2026-02-06). ' +
      'USGS later reposted the PDF (v1.3, 2026-05-27) with Brazil rare-earth reserves 11,000,000 t ' +
      '(this CSV: 21,000,000 t). World totals are rounded and sometimes exclude the United States.',
  },
  2024: {
    id: 'usgs-mcs-2024',
    publisher: PUBLISHER,
    title:
      'Mineral Commodity Summaries 2024 Data Release (ver. 2.0, March 2024), world production and reserves',
    year: 2024,
    url: 'https://doi.org/10.5066/P144BA54',
    file: `usgs-mcs/${USGS_FILES.mcs2024}`,
    licence: LICENCE,
    note: 'Tidy table generated from the 77 per-commodity world files (unit corrections listed in PROVENANCE.md)',
  },
  2023: {
    id: 'usgs-mcs-2023',
    publisher: PUBLISHER,
    title: 'Mineral Commodity Summaries 2023 Data Release, world production and reserves',
    year: 2023,
    url: 'https://doi.org/10.5066/P9WCYUI6',
    file: `usgs-mcs/${USGS_FILES.mcs2023}`,
    licence: LICENCE,
    note: 'Tidy table generated from the 77 per-commodity world files (unit corrections listed in PROVENANCE.md)',
  },
};

type Kind = 'mcs2026' | 'tidy';

function kindOfHeader(header: readonly string[]): Kind | undefined {
  if (header.includes('MCS chapter') && header.includes('Statistics_detail')) return 'mcs2026';
  if (header.includes('edition') && header.includes('commodity_code')) return 'tidy';
  return undefined;
}

/** The files to read: a folder (the bundled layout) or one file of either kind. */
function inputFiles(path: string): { file: string; label: string; cp1252: boolean }[] {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  if (!statSync(path).isDirectory()) {
    return [{ file: path, label: basename(path), cp1252: /MCS2026_Commodities_Data\.csv$/i.test(path) }];
  }
  const out: { file: string; label: string; cp1252: boolean }[] = [];
  if (existsSync(join(path, USGS_FILES.mcs2026))) {
    out.push({ file: join(path, USGS_FILES.mcs2026), label: USGS_FILES.mcs2026, cp1252: false });
  } else if (existsSync(join(path, USGS_FILES.mcs2026Original))) {
    out.push({
      file: join(path, USGS_FILES.mcs2026Original),
      label: USGS_FILES.mcs2026Original,
      cp1252: true,
    });
  }
  for (const f of [USGS_FILES.mcs2024, USGS_FILES.mcs2023]) {
    if (existsSync(join(path, f))) out.push({ file: join(path, f), label: f, cp1252: false });
  }
  if (out.length === 0) {
    throw new ValidationError([
      { file: path, message: `the folder has none of ${Object.values(USGS_FILES).join(', ')}` },
    ]);
  }
  return out;
}

function readTable(f: { file: string; label: string; cp1252: boolean }): { table: CsvTable; kind: Kind } {
  const table = readCsv(f.file, { label: f.label, ...(f.cp1252 ? { encoding: 'cp1252' as const } : {}) });
  const kind = kindOfHeader(table.header);
  if (!kind) {
    throw new ValidationError([
      {
        file: f.label,
        row: 1,
        message:
          'not a USGS MCS file: expected the MCS 2026 columns ("MCS chapter", …) or the tidy world-file columns ("edition", "commodity_code", …)',
      },
    ]);
  }
  const required: readonly string[] = kind === 'mcs2026' ? MCS2026_COLUMNS : TIDY_COLUMNS;
  const missing = required.filter((c) => !table.header.includes(c));
  if (missing.length) {
    throw new ValidationError(
      missing.map((c) => ({
        file: f.label,
        row: 1,
        column: c,
        message: `required column ${JSON.stringify(c)} is missing`,
      })),
    );
  }
  return { table, kind };
}

/**
 * Reads the USGS MCS folder (or one of its files) into one batch. MCS 2026 is read first so that
 * its units define each material's unit and the older editions are converted into it.
 */
export function readUsgsMcs(path: string, opts: ReadOptions = {}): ImportBatch {
  const b = new BatchBuilder('usgs-mcs', path, opts.cap);
  const mats = new UsgsMaterials(b);
  const tables = inputFiles(path)
    .map((f) => ({ ...readTable(f), label: f.label }))
    .sort((x, y) => (x.kind === y.kind ? 0 : x.kind === 'mcs2026' ? -1 : 1));

  const c26 = newMcs2026Counters();
  const ct = newTidyCounters();
  let has2026 = false;
  const tidySources = new Map<number, string>([
    [2024, USGS_SOURCES[2024].id],
    [2023, USGS_SOURCES[2023].id],
  ]);
  for (const { table, kind, label } of tables) {
    if (kind === 'mcs2026') {
      has2026 = true;
      readMcs2026Rows(
        { b, mats, counters: c26, sourceId: USGS_SOURCES[2026].id },
        table.rows,
        label,
        opts.onProgress,
      );
    } else {
      const ctx = { b, mats, counters: ct, sources: tidySources };
      for (const { line, record } of table.rows) readTidyRow(ctx, record, { file: label, row: line });
    }
  }

  if (has2026) b.source({ ...USGS_SOURCES[2026] });
  const editions = [...ct.editions].sort((a, z) => z - a) as (2024 | 2023)[];
  for (const y of editions) b.source({ ...USGS_SOURCES[y] });
  // materials are attributed to the newest edition read (MCS 2026 in the bundled folder)
  const materialSource = has2026
    ? USGS_SOURCES[2026].id
    : editions[0]
      ? USGS_SOURCES[editions[0]].id
      : undefined;
  if (materialSource) mats.flush(materialSource);

  const skipped = new Map<string, number>();
  for (const m of [c26.skippedRows, ct.skippedRows])
    for (const [k, n] of m) skipped.set(k, (skipped.get(k) ?? 0) + n);
  for (const [k, n] of [...skipped].sort()) b.warn(`skipped ${n} row(s): ${k}`);
  for (const [k, n] of [...c26.importSetsSkipped].sort())
    b.warn(`skipped import-source set (${n} rows): ${k}`);
  for (const c of c26.genericChapters) b.warn(`chapter ${c} is not in the mapping table; mapped by name`);
  for (const c of ct.genericCodes) b.warn(`commodity code ${c} is not in the mapping table; mapped by name`);
  const multi = c26.multiCountry + ct.multiCountry;
  if (multi) b.warn(`${multi} row(s) naming several countries in one figure were skipped`);

  b.metric('usgs_materials', mats.size);
  b.metric(
    'usgs_rows_skipped',
    [...skipped.values()].reduce((a, n) => a + n, 0),
  );
  b.metric('usgs_multi_country_rows_skipped', multi);
  b.metric('usgs_not_applicable_xx', c26.notApplicable + ct.notApplicable);
  b.metric('usgs_duplicate_rows_skipped', c26.duplicates + ct.duplicates);
  b.metric('usgs_statistic_details_numbered', c26.statisticDuplicates);
  b.metric(
    'usgs_import_share_rows_skipped',
    [...c26.importSetsSkipped.values()].reduce((a, n) => a + n, 0),
  );
  return b.build();
}

function looksLikeUsgs(path: string): boolean {
  if (!existsSync(path)) return false;
  if (statSync(path).isDirectory()) {
    return Object.values(USGS_FILES).some((f) => existsSync(join(path, f)));
  }
  const name = basename(path).toLowerCase();
  return (
    name.startsWith('mcs2026_commodities_data') || /^mcs20\d\d_world_production_reserves_tidy/.test(name)
  );
}

export const usgsMcsImporter: Importer = {
  format: 'usgs-mcs',
  description:
    'USGS Mineral Commodity Summaries: MCS 2026 data release (world production, capacity, reserves, US import sources, US salient statistics) and the MCS 2023/2024 world tables',
  detect: looksLikeUsgs,
  read: async (path, opts) => readUsgsMcs(path, opts),
};

import type { Command } from 'commander';
import { isUnavailable, type Unavailable } from '../../engine/analytics/concentration.js';
import { geoPolRisk, type SupplyRiskResult, supplyRisk } from '../../services/supply-risk.js';
import { ORG_OPTION_HELP, openExisting, viewFor } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, pct, printJson } from '../output.js';

function num(x: number | Unavailable | 'not needed', digits = 3): string {
  if (x === 'not needed') return 'not needed';
  return isUnavailable(x) ? `unavailable (${x.unavailable})` : x.toFixed(digits);
}

function render(r: SupplyRiskResult): string {
  const out: string[] = [];
  out.push(
    `${r.material} — supply risk for ${r.region} (EC 2017 method; WGI ${r.wgiYear}): ` +
      `SR ${num(r.sr, 2)}${r.stage ? ` at stage ${r.stage}` : ''}`,
  );
  out.push(
    formatTable(
      ['stage', 'material', 'HHI_WGI,t global', 'HHI_WGI,t sourcing', 'mix', 'IR', 'EOL-RIR', 'SI_SR', 'SR'],
      r.stages.map((s) => [
        `${s.stage}${s.usedByAssessment ? '*' : ''}`,
        s.material_id ?? '–',
        num(s.factors.hhiGlobal, 2),
        num(s.factors.hhiSourcing, 2),
        s.factors.mix,
        num(s.factors.importRelianceUsed, 2),
        num(s.factors.eolRir, 2),
        num(s.factors.si, 2),
        num(s.factors.sr, 2),
      ]),
    ),
  );
  if (r.stages.some((s) => s.usedByAssessment)) out.push('* the stage the EU 2023 assessment used');
  for (const s of r.stages) {
    if (isUnavailable(s.global)) continue;
    const top = [...s.global.contributions].sort((a, b) => b.contribution - a.contribution).slice(0, 5);
    out.push(
      `  ${s.stage} global mix (${s.global.basis}): ` +
        top
          .map(
            (c) =>
              `${c.country} ${pct(c.share, 0)} × WGI ${c.wgi.toFixed(2)} × t ${c.t} = ${c.contribution.toFixed(2)}`,
          )
          .join('; '),
    );
  }
  out.push(`sources: ${r.sources.join(', ')}`);
  if (r.assumptions.length) out.push('assumptions:\n' + r.assumptions.map((a) => `  - ${a}`).join('\n'));
  return out.join('\n');
}

export function registerSr(program: Command): void {
  program
    .command('sr')
    .argument('<material>', 'EU CRM material name or trustmap material/commodity')
    .description('EU CRM supply risk (EC 2017 method) with every factor; GeoPolRisk for a US importer')
    .option('--region <code>', 'EU, USA, IND, TRUST or another region/country', 'EU')
    .option(
      '--wgi-year <year>',
      'year of the WGI estimates (default: 2021, the last before the 2023 assessment)',
    )
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        material: string,
        opts: { org?: string; region: string; wgiYear?: string; json?: boolean },
        cmd: Command,
      ) => {
        const wgiYear = opts.wgiYear === undefined ? undefined : Number(opts.wgiYear);
        if (wgiYear !== undefined && (!Number.isInteger(wgiYear) || wgiYear < 1996 || wgiYear > 2100)) {
          throw new UsageError(`--wgi-year must be a year, got ${JSON.stringify(opts.wgiYear)}`);
        }
        const store = await openExisting(cmd);
        try {
          const results = await supplyRisk(await viewFor(store, opts.org), material, {
            region: opts.region,
            ...(wgiYear ? { wgiYear } : {}),
          });
          const region = opts.region.toUpperCase();
          const gpr =
            region === 'USA'
              ? await Promise.all(
                  [
                    ...new Set(
                      results
                        .flatMap((r) => [r.trustmapMaterials.E, r.trustmapMaterials.P])
                        .filter((x): x is string => !!x),
                    ),
                  ].map((id) =>
                    geoPolRisk(store, id, { importer: 'USA' }).catch((e: Error) => [
                      { material_id: id, error: e.message },
                    ]),
                  ),
                ).then((lists) => lists.flat())
              : [];
          if (opts.json) return printJson({ supplyRisk: results, geoPolRisk: gpr });
          const text = results.map(render);
          for (const g of gpr) {
            if ('error' in g) text.push(`GeoPolRisk ${g.material_id}: unavailable (${g.error})`);
            else
              text.push(
                `GeoPolRisk (USA importer) ${g.material_id}: score ${num(g.score, 3)}, CF ${num(g.cf, 3)} kg Cu-eq/kg` +
                  (g.hs_code ? ` (HS ${g.hs_code}, ${g.year})` : ''),
              );
          }
          process.stdout.write(text.join('\n\n') + '\n');
        } finally {
          await store.close();
        }
      },
    );
}

import type { Num, Source, SupplyRiskResult } from '../lib/api-types.js';

export interface FactorRow {
  stage: string;
  factor: string;
  value: Num | string | null;
  source: string;
  period: string;
}

const LABELS: Record<string, string> = {
  hhiGlobal: 'HHI_WGI,t (global supply)',
  hhiSourcing: 'HHI_WGI,t (EU sourcing)',
  hhiGlobalUsed: 'HHI_WGI,t global used',
  hhiSourcingUsed: 'HHI_WGI,t sourcing used',
  mix: 'supply mix used',
  importReliance: 'import reliance (IR)',
  importRelianceUsed: 'IR used',
  eolRir: 'end-of-life recycling input rate',
  si: 'substitution index (SI)',
  sr: 'supply risk (SR)',
};

/**
 * Every factor of the EU CRM supply risk (EC 2017: SR = [(HHI_WGI,t)GS · IR/2 + (HHI_WGI,t)EUsourcing
 * · (1 − IR/2)] · (1 − EoL_RIR) · SI) with the source and period it comes from, one row each, for
 * the stages the assessment used. The WGI-based figures cite the WGI edition too.
 */
export function srFactorRows(
  r: SupplyRiskResult,
  sources: readonly Pick<Source, 'id' | 'year'>[] = [],
): FactorRow[] {
  const year = (id: string) => sources.find((s) => s.id === id)?.year;
  const cite = (id: string) => (year(id) ? `${id} (${year(id)})` : id);
  const wgi = r.sources.find((s) => s.startsWith('worldbank-wgi'));
  const rows: FactorRow[] = [];
  for (const st of r.stages) {
    const base = st.global ?? st.sourcing;
    const crm = base ? cite(base.source_id) : (r.sources[0] ?? '');
    const period = base?.period ?? '';
    for (const [k, v] of Object.entries(st.factors)) {
      if (k === 'assumptions' || Array.isArray(v)) continue;
      const usesWgi = k.startsWith('hhi');
      rows.push({
        stage: `${st.stageName}${st.usedByAssessment ? '' : ' (not used)'}`,
        factor: LABELS[k] ?? k,
        value: v as Num | string | null,
        source: usesWgi && wgi ? `${crm}; WGI ${r.wgiYear} (${cite(wgi)})` : crm,
        period,
      });
    }
  }
  return rows;
}

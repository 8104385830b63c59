import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  BuyerExposure,
  ConcentrationRow,
  DmfSummary,
  SupplyRiskResult,
} from '../../web/src/lib/api-types.js';
import { downsampleMax, marketCharts, ttsTtrRows } from '../../web/src/shape/curves.js';
import { dmfBars } from '../../web/src/shape/dmf.js';
import { mapShares, numericLookup } from '../../web/src/shape/map.js';
import { newestRow, productionSeries } from '../../web/src/shape/production.js';
import { exposureSankey } from '../../web/src/shape/sankey.js';
import { srFactorRows } from '../../web/src/shape/sr.js';
import { type Column, flatColumns, flattenRow, tableCsv } from '../../web/src/shape/table.js';

describe('map shares', () => {
  const toNumeric = numericLookup([
    ['CN', 'CHN', '156'],
    ['RU', 'RUS', '643'],
    ['JP', 'JPN', '392'],
    ['SG', 'SGP', '702'],
  ]);
  it('places countries by ISO numeric code and lists groups and undrawn countries beside the map', () => {
    const m = mapShares(
      [
        { country: 'RUS', share: 0.0066 },
        { country: 'CHN', share: 0.99 },
        { country: 'XOT', share: 0.0001 },
        { country: 'SGP', share: 0.002 },
        { country: 'JPN', share: null },
        { country: 'JPN', share: 0 },
      ],
      toNumeric,
      new Set(['156', '643', '392']),
    );
    expect(m.data).toEqual([
      { name: '156', iso3: 'CHN', value: 0.99 },
      { name: '643', iso3: 'RUS', value: 0.0066 },
    ]);
    // Singapore is not drawn at 1:110m; XOT is the publisher's "Other countries"
    expect(m.unplaced).toEqual([
      { country: 'SGP', share: 0.002 },
      { country: 'XOT', share: 0.0001 },
    ]);
    expect(m.max).toBe(0.99);
  });
});

const conc = (
  period: string,
  shares: [string, number | null][],
  measure = 'production',
): ConcentrationRow => ({
  measure,
  period,
  unit: 'kg',
  source_id: 'usgs',
  total: shares.reduce((a, [, q]) => a + (q ?? 0), 0),
  worldTotal: null,
  shares: shares.map(([country, quantity]) => ({ country, quantity, share: null })),
  hhi: 0,
  concernShare: 0,
  assumptions: [],
});

describe('production series', () => {
  const rows = [
    conc('2024', [
      ['CHN', 750],
      ['RUS', 5],
      ['JPN', 3],
      ['XOT', 2],
    ]),
    conc('2025', [
      ['CHN', 900],
      ['JPN', 3],
      ['KOR', 2],
      ['XOT', 4],
    ]),
    conc('2016-2020', [['CHN', 1]]),
    conc('2025', [['CHN', 10]], 'capacity'),
  ];
  it('gives the newest leaders their own series, sums the rest into Other, keeps gaps as null', () => {
    const s = productionSeries(rows, 'production', 2);
    expect(s.years).toEqual(['2024', '2025']);
    expect(s.skippedPeriods).toEqual(['2016-2020']);
    expect(s.series).toEqual([
      { name: 'CHN', data: [750, 900] },
      { name: 'JPN', data: [3, 3] },
      // 2024: RUS 5 + XOT 2 = 7; 2025: KOR 2 + XOT 4 = 6
      { name: 'Other', data: [7, 6] },
    ]);
  });
  it('picks the newest single-year row of a measure', () => {
    expect(newestRow(rows)?.period).toBe('2025');
    expect(newestRow(rows, 'capacity')?.total).toBe(10);
    expect(newestRow(rows, 'reserves')).toBeNull();
  });
  it('keeps every year total: the series add up to the named and grouped quantities', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.constantFrom('CHN', 'USA', 'IND', 'BRA', 'XOT'), fc.nat(1000)), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 1, max: 5 }),
        (years, top) => {
          const rs = years.map((d, i) => conc(String(2000 + i), Object.entries(d)));
          const s = productionSeries(rs, 'production', top);
          rs.forEach((r, i) => {
            const sum = s.series.reduce((a, x) => a + (x.data[i] ?? 0), 0);
            expect(sum).toBe(r.total);
          });
        },
      ),
    );
  });
});

describe('exposure Sankey', () => {
  const step = (material: string, location: string) => ({
    material,
    location,
    role: 'x',
    share: null,
    costShare: null,
  });
  const buyer = {
    country: 'USA',
    paths: [
      {
        country: 'CHN',
        variant: 'value',
        paths: [
          { weight: 0.3, steps: [step('api', 'USA'), step('api', 'IND'), step('ksm', 'CHN')] },
          { weight: 0.2, steps: [step('api', 'USA'), step('api', 'CHN')] },
        ],
      },
      {
        country: 'IND',
        variant: 'value',
        paths: [{ weight: 0.1, steps: [step('api', 'USA'), step('api', 'IND'), step('ksm', 'IND')] }],
      },
      {
        country: 'CHN',
        variant: 'bottleneck',
        paths: [{ weight: 0.9, steps: [step('api', 'USA'), step('api', 'CHN')] }],
      },
    ],
  } as unknown as BuyerExposure;
  it('adds path weights over shared links, upstream to market', () => {
    const s = exposureSankey(buyer, 'value');
    expect(s.links).toEqual([
      { source: 'ksm · CHN', target: 'api · IND', value: 0.3 },
      // 0.3 (via CHN KSM) + 0.1 (via IND KSM)
      { source: 'api · IND', target: 'api · USA', value: 0.4 },
      { source: 'api · CHN', target: 'api · USA', value: 0.2 },
      { source: 'ksm · IND', target: 'api · IND', value: 0.1 },
    ]);
    // the market is in the last column (2 hops from the furthest origin), KSMs in the first
    const depth = Object.fromEntries(s.nodes.map((n) => [n.name, n.depth]));
    expect(depth).toEqual({ 'api · USA': 2, 'api · IND': 1, 'ksm · CHN': 0, 'api · CHN': 1, 'ksm · IND': 0 });
  });
  it('reads the bottleneck paths separately', () => {
    expect(exposureSankey(buyer, 'bottleneck').links).toEqual([
      { source: 'api · CHN', target: 'api · USA', value: 0.9 },
    ]);
  });
});

describe('curves', () => {
  it('keeps each bucket maximum so peaks survive downsampling', () => {
    // 10 values into 4 buckets of 2.5: [0,2) [2,5) [5,7) [7,10)
    expect(downsampleMax([0, 1, 5, 2, 2, 0, 9, 1, 1, 3], 4)).toEqual([
      [1, 1],
      [2, 5],
      [6, 9],
      [9, 3],
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 }),
        fc.integer({ min: 1, max: 50 }),
        (v, max) => {
          const d = downsampleMax(v, max);
          expect(d.length).toBeLessThanOrEqual(Math.max(max, 0) || v.length);
          expect(Math.max(...d.map((p) => p[1]))).toBe(Math.max(...v));
        },
      ),
    );
  });
  it('puts days on the x axis', () => {
    const [c] = marketCharts(
      [
        {
          material: 'ga',
          market: 'USA',
          supply: [1, 2],
          demand: [2, 2],
          shortfall: [1, 0],
          inventory: [0, 0],
        },
      ],
      7,
    );
    expect(c!.series.find((s) => s.name === 'shortfall')!.data).toEqual([
      [0, 1],
      [7, 0],
    ]);
  });
  it('says what TTS and TTR mean, including an unrecovered market (Infinity → null in JSON)', () => {
    const base = {
      material: 'ga',
      demand: 10,
      delivered: 8,
      shortfall: 2,
      fillRate: 0.8,
      peakShortfall: 1,
      daysShort: 2,
    };
    expect(
      ttsTtrRows([
        { ...base, market: 'USA', observedTTS: null, observedTTR: null },
        { ...base, market: 'IND', observedTTS: 11, observedTTR: 30 },
        { ...base, market: 'JPN', observedTTS: 5, observedTTR: null },
      ]).map((r) => [r.market, r.tts, r.ttr, r.status]),
    ).toEqual([
      ['USA', null, null, 'never short'],
      ['IND', 11, 30, 'recovered'],
      ['JPN', 5, null, 'not recovered within the horizon'],
    ]);
  });
});

describe('supply risk factors', () => {
  it('lists every factor with its source, year and period', () => {
    const r = {
      material: 'Gallium',
      region: 'EU',
      wgiYear: 2021,
      stage: 'P',
      sr: 3.69,
      sources: ['eu-crm-2023', 'worldbank-wgi-2024'],
      assumptions: [],
      stages: [
        {
          stage: 'P',
          stageName: 'processing',
          material_id: 'gallium.refined',
          usedByAssessment: true,
          global: {
            basis: 'g',
            source_id: 'eu-crm-2023',
            period: '2016-2020',
            hhiWgiT: 4.88,
            contributions: [],
          },
          sourcing: null,
          factors: { hhiGlobal: 4.88, importReliance: 0.98, si: 0.98, sr: 3.69, assumptions: [] },
          assumptions: [],
        },
      ],
    } as unknown as SupplyRiskResult;
    const rows = srFactorRows(r, [
      { id: 'eu-crm-2023', year: 2023 },
      { id: 'worldbank-wgi-2024', year: 2024 },
    ]);
    expect(rows.map((x) => [x.factor, x.value, x.source, x.period])).toEqual([
      [
        'HHI_WGI,t (global supply)',
        4.88,
        'eu-crm-2023 (2023); WGI 2021 (worldbank-wgi-2024 (2024))',
        '2016-2020',
      ],
      ['import reliance (IR)', 0.98, 'eu-crm-2023 (2023)', '2016-2020'],
      ['substitution index (SI)', 0.98, 'eu-crm-2023 (2023)', '2016-2020'],
      ['supply risk (SR)', 3.69, 'eu-crm-2023 (2023)', '2016-2020'],
    ]);
  });
});

describe('DMF holders', () => {
  it('gives multi-country and unlocated holders their own bars so bars add up to the holders', () => {
    const d: DmfSummary = {
      substance: ['HEPARIN'],
      holders: 7,
      byCountry: [
        { country: 'CHN', holders: 3 },
        { country: 'USA', holders: 1 },
      ],
      multiCountry: [{ holder: 'A', countries: ['IND', 'ITA'] }],
      unknownCountry: 2,
      holderList: [],
      note: '',
    };
    const b = dmfBars(d);
    expect(b.categories).toEqual(['CHN', 'USA', 'multi-country', 'country unknown']);
    expect(b.values).toEqual([3, 1, 1, 2]);
    expect(b.values.reduce((a, v) => a + v, 0)).toBe(d.holders);
  });
});

describe('tables', () => {
  type R = { id: string; hhi: number | { unavailable: string } };
  const cols: Column<R>[] = [
    { key: 'id', label: 'material', value: (r) => r.id },
    { key: 'hhi', label: 'HHI', value: (r) => r.hhi, numeric: true },
  ];
  it('writes unavailable figures as an empty cell and their reason in a column of its own', () => {
    expect(
      tableCsv(cols, [
        { id: 'ga', hhi: 9803.5 },
        { id: 'nb', hhi: { unavailable: 'no production, data withheld' } },
      ]),
    ).toBe('id,hhi,hhi_unavailable\r\nga,9803.5,\r\nnb,,"no production, data withheld"\r\n');
    expect(tableCsv(cols, [{ id: 'ga', hhi: 1 }])).toBe('id,hhi\r\nga,1\r\n');
  });
  it('flattens rows of unknown shape for display', () => {
    expect(flattenRow({ a: 1, b: { c: 'x', d: [1, 2] }, e: [{ f: 1 }], g: { unavailable: 'why' } })).toEqual({
      a: 1,
      'b.c': 'x',
      'b.d': '1; 2',
      e: '1 item',
      g: 'unavailable: why',
    });
    expect(flatColumns([{ a: 1 }, { a: null, b: 'x' }]).map((c) => [c.key, c.numeric])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

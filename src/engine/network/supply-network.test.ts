import { describe, expect, it } from 'vitest';
import type { Material, Production, Recipe, Stage } from '../../model/index.js';
import { computeExposure } from '../analytics/exposure.js';
import { checkExposureNetwork } from './exposure-network.js';
import { buildSnapshot } from './snapshot.js';
import {
  buildSupplyNetwork,
  type MarketSpec,
  NODE_MARKET,
  NODE_TRADER,
  type SupplyNetworkOptions,
} from './supply-network.js';

const src = 'test';
const mat = (id: string, stage: Stage): Material => ({
  id,
  name: id,
  commodity: id.split('.')[0]!,
  stage,
  basis: 'gross_weight',
  unit: 't',
  hs_codes: [],
  tags: [],
  synonyms: [],
  source_id: src,
  illustrative: false,
});
const prod = (material_id: string, country: string, quantity: number | null): Production => ({
  material_id,
  country,
  facility_id: null,
  period: '2025',
  measure: 'production',
  origin: 'primary',
  quantity,
  unit: 't',
  flag: null,
  source_id: src,
  illustrative: false,
});
const rec = (output_id: string, input_id: string, extra: Partial<Recipe> = {}): Recipe => ({
  output_id,
  input_id,
  quantity: null,
  essential: true,
  substitute_group: null,
  cost_share: null,
  source_id: src,
  illustrative: true,
  ...extra,
});

/** Primary gallium 2025 (USGS MCS 2026) and US import sources 2021–24 (metal). */
const gallium = buildSnapshot({
  year: 2025,
  dataVersion: 't',
  materials: [mat('gallium.refined', 'refined')],
  production: [
    prod('gallium.refined', 'USA', 0),
    prod('gallium.refined', 'CHN', 900_000),
    prod('gallium.refined', 'JPN', 3_000),
    prod('gallium.refined', 'RUS', 6_000),
    prod('gallium.refined', 'XOT', 0),
    prod('gallium.refined', 'WLD', 900_000),
  ],
  recipes: [],
});
const usImports: MarketSpec = {
  material: 'gallium.refined',
  country: 'USA',
  scope: 'imports',
  suppliers: [
    { kind: 'partner', country: 'CAN', share: 0.28 },
    { kind: 'partner', country: 'JPN', share: 0.22 },
    { kind: 'partner', country: 'CHN', share: 0.18 },
    { kind: 'partner', country: 'DEU', share: 0.16 },
    { kind: 'partner', country: 'XOT', share: 0.16 },
  ],
};

function usGallium(partnerSupply: SupplyNetworkOptions['partnerSupply']) {
  const sn = buildSupplyNetwork(gallium, {
    markets: [usImports],
    partnerSupply,
    views: [{ material: 'gallium.refined', country: 'USA' }],
  });
  expect(checkExposureNetwork(sn.net)).toEqual([]);
  const ex = computeExposure(sn.net);
  const j = sn.views[0]!.node;
  const C = sn.net.countryCount;
  const chn = sn.locations.indexOf('CHN');
  return { sn, j, value: ex.value![j * C + chn]!, bottleneck: ex.bottleneck![j * C + chn]! };
}

describe('supply network: markets, partners and traders', () => {
  it('traces US gallium imports from Canada, Japan and Germany back to Chinese primary gallium', () => {
    const { sn, j, value, bottleneck } = usGallium('proportional');
    expect(sn.views[0]!.kind).toBe('imports');
    expect(sn.nodeRole[j]).toBe(NODE_MARKET);
    // world shares: CHN 900/909, JPN 3/909. Proportional rule: a partner ships its own output up to
    // its world share, the rest is re-exported world-mix gallium:
    // CHN ships 0.18 of its own (0.18 < 0.990); JPN 3/909 of its own, 0.22 − 3/909 re-exported;
    // CAN, DEU and Other countries make none: all re-exported.
    // E(CHN) = 0.18 + (0.28 + 0.16 + 0.16 + 0.22 − 3/909) · 900/909 = 0.988614
    const expected = 0.18 + (0.28 + 0.16 + 0.16 + 0.22 - 3 / 909) * (900 / 909);
    expect(expected).toBeCloseTo(0.988614, 6);
    expect(bottleneck).toBeCloseTo(expected, 12);
    // traders pass value through, so value and bottleneck coincide on this one-input chain
    expect(value).toBeCloseTo(expected, 12);
    const traders = [...sn.nodeRole.keys()]
      .filter((x) => sn.nodeRole[x] === NODE_TRADER)
      .map((x) => sn.locations[sn.net.nodeLocation[x]!])
      .sort();
    expect(traders).toEqual(['CAN', 'DEU', 'JPN', 'XOT']);
  });

  it('gives the lower bound when producing partners ship only their own output, the upper when all ship the world mix', () => {
    // own-first: JPN ships its own gallium: 0.18 + (0.28 + 0.16 + 0.16) · 900/909 = 0.774059
    expect(usGallium('own-first').bottleneck).toBeCloseTo(0.18 + 0.6 * (900 / 909), 12);
    // world-mix: every partner is a trader; China's own traders are in China (bottleneck 1 for them)
    const w = usGallium('world-mix');
    expect(w.value).toBeCloseTo(900 / 909, 12);
    expect(w.bottleneck).toBeCloseTo(0.18 + 0.82 * (900 / 909), 12);
  });

  it('counts what published shares leave out as unknown origin instead of renormalising', () => {
    const sn = buildSupplyNetwork(gallium, {
      markets: [{ ...usImports, suppliers: usImports.suppliers.slice(0, 4) }],
      views: [{ material: 'gallium.refined', country: 'USA' }],
    });
    expect(sn.residuals).toEqual([{ node: sn.views[0]!.node, residual: expect.closeTo(0.16, 12) }]);
    const ex = computeExposure(sn.net);
    const C = sn.net.countryCount;
    expect(ex.bottleneck![sn.views[0]!.node * C + sn.locations.indexOf('XUN')]).toBeCloseTo(0.16, 12);
  });

  it('solves markets that feed each other through traders by fixed-point iteration', () => {
    // US imports: CAN 0.5 (makes none), CHN 0.5; Canada imports: USA 1.0 (makes none)
    const sn = buildSupplyNetwork(gallium, {
      markets: [
        {
          material: 'gallium.refined',
          country: 'USA',
          scope: 'imports',
          suppliers: [
            { kind: 'partner', country: 'CAN', share: 0.5 },
            { kind: 'partner', country: 'CHN', share: 0.5 },
          ],
        },
        {
          material: 'gallium.refined',
          country: 'CAN',
          scope: 'imports',
          suppliers: [{ kind: 'partner', country: 'USA', share: 1 }],
        },
      ],
      views: [{ material: 'gallium.refined', country: 'USA' }],
    });
    const ex = computeExposure(sn.net);
    expect(ex.order).toBe('cyclic');
    expect(ex.converged).toBe(true);
    // x = 0.5 · x + 0.5 → x = 1: everything the loop carries came from China in the end
    const C = sn.net.countryCount;
    expect(ex.bottleneck![sn.views[0]!.node * C + sn.locations.indexOf('CHN')]).toBeCloseTo(1, 10);
    expect(ex.value![sn.views[0]!.node * C + sn.locations.indexOf('CHN')]).toBeCloseTo(1, 10);
  });
});

/** An API made from a KSM, made from a mineral (ZAF 70 %, RUS 30 %); no production data for API or KSM. */
const pharma = buildSnapshot({
  year: 2025,
  dataVersion: 't',
  materials: [
    mat('api.x', 'api'),
    mat('api.two', 'api'),
    mat('ksm.y', 'chemical'),
    mat('int.z', 'chemical'),
    mat('metal.mine', 'mine'),
  ],
  production: [prod('metal.mine', 'ZAF', 70), prod('metal.mine', 'RUS', 30)],
  recipes: [
    rec('api.x', 'ksm.y'),
    rec('ksm.y', 'metal.mine'),
    rec('api.two', 'int.z'),
    rec('int.z', 'ksm.y'),
  ],
});
const indiaKsm: MarketSpec = {
  material: 'ksm.y',
  country: 'IND',
  scope: 'supply',
  suppliers: [
    { kind: 'made', country: 'CHN', share: 0.6 },
    { kind: 'unknown', share: 0.4 },
  ],
};

describe('supply network: an API made in India on a KSM from China', () => {
  it('reaches China through the KSM and the mineral through both KSM origins', () => {
    const sn = buildSupplyNetwork(pharma, {
      markets: [indiaKsm],
      views: [{ material: 'api.x', country: 'IND' }],
    });
    expect(sn.views[0]!.kind).toBe('made');
    const ex = computeExposure(sn.net);
    const C = sn.net.countryCount;
    const j = sn.views[0]!.node;
    const at = (arr: Float64Array, c: string) => arr[j * C + sn.locations.indexOf(c)]!;
    // bottleneck: CHN 0.6 (the Chinese KSM); ZAF 0.6·0.7 + 0.4·0.7 = 0.7; IND 1 (made there)
    expect(at(ex.bottleneck!, 'CHN')).toBeCloseTo(0.6, 12);
    expect(at(ex.bottleneck!, 'ZAF')).toBeCloseTo(0.7, 12);
    expect(at(ex.bottleneck!, 'IND')).toBe(1);
    // value, illustrative cost shares 0.5 (one input each):
    // CHN: 0.5 · 0.6 · va(KSM in CHN) 0.5 = 0.15
    // ZAF: 0.5 · (0.6 · 0.5 · 0.7 + 0.4 · 0.5 · 0.7) = 0.175; RUS: 0.5 · (0.09 + 0.06) = 0.075
    // XUN (the KSM of unknown origin's own value): 0.5 · 0.4 · 0.5 = 0.1; IND: va 0.5
    expect(at(ex.value!, 'CHN')).toBeCloseTo(0.15, 12);
    expect(at(ex.value!, 'ZAF')).toBeCloseTo(0.175, 12);
    expect(at(ex.value!, 'RUS')).toBeCloseTo(0.075, 12);
    expect(at(ex.value!, 'XUN')).toBeCloseTo(0.1, 12);
    expect(at(ex.value!, 'IND')).toBeCloseTo(0.5, 12);
    expect(sn.slotDefaultCost.every((d, s) => d === 1 || sn.slotRecipe[s] === -1)).toBe(true);
  });

  it('leaves value exposure unavailable when cost shares must not be made up', () => {
    const sn = buildSupplyNetwork(pharma, {
      markets: [indiaKsm],
      defaultInputCost: null,
      views: [{ material: 'api.x', country: 'IND' }],
    });
    const ex = computeExposure(sn.net);
    expect(ex.valueAvailable![sn.views[0]!.node]).toBe(0);
  });

  it('places an intermediate in India only when asked to assume it', () => {
    const C = (sn: ReturnType<typeof buildSupplyNetwork>) => sn.net.countryCount;
    const chn = (domesticIntermediates: boolean) => {
      const sn = buildSupplyNetwork(pharma, {
        markets: [indiaKsm],
        domesticIntermediates,
        views: [{ material: 'api.two', country: 'IND' }],
      });
      const ex = computeExposure(sn.net);
      return { sn, b: ex.bottleneck![sn.views[0]!.node * C(sn) + sn.locations.indexOf('CHN')] ?? 0 };
    };
    // default: the intermediate's origin is unknown, so its KSM's Indian sourcing does not apply
    expect(chn(false).b).toBe(0);
    // assumed made in India: it buys the KSM on India's market, 60 % Chinese
    const d = chn(true);
    expect(d.b).toBeCloseTo(0.6, 12);
    expect(d.sn.assumedDomestic).toHaveLength(1);
  });

  it('takes a partner to make what it ships when the material has no production figures anywhere', () => {
    const sn = buildSupplyNetwork(pharma, {
      markets: [
        {
          material: 'ksm.y',
          country: 'USA',
          scope: 'imports',
          suppliers: [{ kind: 'partner', country: 'IND', share: 1 }],
        },
      ],
      views: [{ material: 'ksm.y', country: 'USA' }],
    });
    const ex = computeExposure(sn.net);
    const C = sn.net.countryCount;
    const j = sn.views[0]!.node;
    // made in India (no trader at an unknown world mix); its mineral at the world mix: ZAF 0.7
    expect(ex.bottleneck![j * C + sn.locations.indexOf('IND')]).toBe(1);
    expect(ex.bottleneck![j * C + sn.locations.indexOf('ZAF')]).toBeCloseTo(0.7, 12);
    expect([...sn.nodeRole].filter((r) => r === NODE_TRADER)).toHaveLength(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FORM,
  type FormState,
  issueField,
  issuesByField,
  parseForm,
  toScenario,
} from '../../web/src/shape/scenario-form.js';

const form: FormState = {
  name: 'two shocks',
  year: 2023,
  horizon: 180,
  markets: 'usa ind',
  cover: 20,
  shocks: [
    {
      type: 'export_restriction',
      country: 'chn',
      materials: 'gallium.refined, germanium.refined',
      share: 0.5,
      start: 10,
      duration: 60,
    },
    {
      type: 'demand_surge',
      country: 'usa',
      materials: 'gallium.refined',
      share: 1.4,
      start: 0,
      duration: 30,
    },
    {
      type: 'capacity_loss',
      country: 'JPN',
      materials: 'germanium.refined',
      share: 0.2,
      start: 5,
      duration: 15,
    },
  ],
};

describe('scenario form with several shocks', () => {
  it('builds one shock per row, each in its type’s fields; the materials are the union, once each', () => {
    const s = toScenario(form);
    expect(s.materials).toEqual(['gallium.refined', 'germanium.refined']);
    expect(s.markets).toEqual(['USA', 'IND']);
    expect(s.horizon_days).toBe(180);
    expect(s.levers).toEqual({ default_days_of_cover: 20 });
    expect(s.shocks).toEqual([
      {
        type: 'export_restriction',
        exporter: 'CHN',
        importers: 'all',
        share: 0.5,
        materials: ['gallium.refined', 'germanium.refined'],
        start_day: 10,
        duration_days: 60,
      },
      {
        type: 'demand_surge',
        market: 'USA',
        factor: 1.4,
        materials: ['gallium.refined'],
        start_day: 0,
        duration_days: 30,
      },
      {
        type: 'capacity_loss',
        country: 'JPN',
        share: 0.2,
        materials: ['germanium.refined'],
        start_day: 5,
        duration_days: 15,
      },
    ]);
  });

  it('reads its URL back, and an old one-shock link as one row', () => {
    expect(parseForm(JSON.stringify(form))).toEqual(form);
    expect(parseForm(undefined)).toEqual(DEFAULT_FORM);
    expect(parseForm('{not json')).toEqual(DEFAULT_FORM);
    const old = parseForm(
      JSON.stringify({
        name: 'old',
        type: 'capacity_loss',
        country: 'COD',
        materials: 'cobalt.refined',
        share: 0.3,
        start: 0,
        duration: 45,
        cover: 10,
      }),
    );
    expect(old.name).toBe('old');
    expect(old.cover).toBe(10);
    expect(old.shocks).toEqual([
      {
        type: 'capacity_loss',
        country: 'COD',
        materials: 'cobalt.refined',
        share: 0.3,
        start: 0,
        duration: 45,
      },
    ]);
  });
});

describe('API issues next to their field', () => {
  it('maps the path under the request body to the form field', () => {
    expect(issueField({ column: 'body/params/scenario/shocks/1/exporter' })).toBe('shocks.1.country');
    expect(issueField({ column: 'body/params/scenario//shocks/0/factor' })).toBe('shocks.0.share');
    expect(issueField({ column: 'body/params/scenario/shocks/2/materials/0' })).toBe('shocks.2.materials');
    expect(issueField({ column: 'body/params/scenario/shocks/2' })).toBe('shocks.2');
    expect(issueField({ column: 'body/params/scenario/horizon_days' })).toBe('horizon');
    expect(issueField({ column: 'body/params/scenario/markets/1' })).toBe('markets');
    expect(issueField({ field: '/body/params/scenario/year' })).toBe('year');
    expect(issueField({ column: 'body/params/scenario/seed' })).toBe('form');
    expect(issueField({})).toBe('form');
  });

  it('groups messages per field in the server’s order', () => {
    const m = issuesByField([
      { column: 'body/params/scenario/shocks/1/exporter', message: 'unknown country "XXX"' },
      { column: 'body/params/scenario/year', message: 'must be ≥ 1990' },
      { column: 'body/params/scenario/shocks/1/market', message: 'second' },
    ]);
    expect([...m.entries()]).toEqual([
      ['shocks.1.country', ['unknown country "XXX"', 'second']],
      ['year', ['must be ≥ 1990']],
    ]);
  });
});

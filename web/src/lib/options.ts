/**
 * ECharts options built from the shaped data (web/src/shape); kept apart from the components so
 * the same option serves the page, the export and the one-page brief.
 */

import type { MarketChart, TtsTtrRow } from '../shape/curves.js';
import type { DmfBars } from '../shape/dmf.js';
import type { CurvePoint } from '../shape/optimiser.js';
import type { ProductionSeries } from '../shape/production.js';
import type { SankeyData } from '../shape/sankey.js';
import { num, pct } from './format.js';

export const PALETTE = [
  '#1f5fa8',
  '#d9822b',
  '#3a9b5c',
  '#b5443b',
  '#7c5ba6',
  '#8c6d46',
  '#c4549a',
  '#777777',
];

export function productionOption(s: ProductionSeries) {
  return {
    color: PALETTE,
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: number | null) => (v === null ? 'no figure' : `${num(v)} ${s.unit}`),
    },
    legend: { top: 0, type: 'plain' },
    grid: { left: 70, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: s.years },
    yAxis: { type: 'value', name: s.unit, nameTextStyle: { align: 'right' } },
    series: s.series.map((x) => ({ name: x.name, type: 'bar', stack: 'total', data: x.data })),
  };
}

export function sankeyOption(s: SankeyData, label: string) {
  return {
    tooltip: { trigger: 'item', valueFormatter: (v: number) => pct(v) },
    series: [
      {
        type: 'sankey',
        name: label,
        data: s.nodes.map((n) => ({ name: n.name, depth: n.depth })),
        links: s.links,
        nodeAlign: 'right',
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.45 },
        label: { fontSize: 11 },
        left: 8,
        right: 120,
      },
    ],
  };
}

export function dmfOption(b: DmfBars) {
  return {
    color: [PALETTE[0]],
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 60 },
    xAxis: { type: 'category', data: b.categories, axisLabel: { rotate: 40 } },
    yAxis: { type: 'value', name: 'holders', minInterval: 1 },
    series: [{ type: 'bar', name: 'active Type II DMF holders', data: b.values }],
  };
}

export function curveOption(c: MarketChart, unit: string) {
  const colors: Record<string, string> = {
    supply: '#1f5fa8',
    demand: '#777777',
    shortfall: '#b5443b',
    inventory: '#3a9b5c',
  };
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${num(v)} ${unit}` },
    legend: { top: 0 },
    grid: { left: 70, right: 16, top: 36, bottom: 36 },
    xAxis: { type: 'value', name: 'day', nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'value', name: unit },
    series: c.series.map((s) => ({
      name: s.name,
      type: 'line',
      showSymbol: false,
      data: s.data,
      color: colors[s.name],
      lineStyle: s.name === 'demand' ? { type: 'dashed' } : undefined,
      areaStyle: s.name === 'shortfall' ? { opacity: 0.25 } : undefined,
    })),
  };
}

export function ttsTtrOption(rows: TtsTtrRow[], horizon: number) {
  const short = rows.filter((r) => r.tts !== null);
  const cats = short.map((r) => `${r.market} · ${r.material}`);
  return {
    color: ['#d9822b', '#b5443b'],
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 150, right: 24, top: 36, bottom: 36 },
    xAxis: { type: 'value', name: 'days', max: horizon },
    yAxis: { type: 'category', data: cats },
    series: [
      { name: 'time to survive (first day short)', type: 'bar', data: short.map((r) => r.tts) },
      {
        name: 'time to recover (unrecovered: to the horizon)',
        type: 'bar',
        data: short.map((r) => (r.ttr === null ? { value: horizon, itemStyle: { opacity: 0.5 } } : r.ttr)),
      },
    ],
  };
}

/**
 * The budget–resilience curve: weighted expected and P95 loss (share of a year's demand, weighted
 * by criticality) against the budget in plan currency; the plan's budget is marked. A budget with
 * no solution is a gap.
 */
export function budgetOption(points: CurvePoint[], currency: string, planBudget: number) {
  return {
    color: [PALETTE[0], PALETTE[3]],
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: number | null) => (v === null ? 'no solution' : pct(v, 2)),
    },
    legend: { top: 0 },
    grid: { left: 70, right: 24, top: 32, bottom: 44 },
    xAxis: {
      type: 'value',
      name: `budget (${currency})`,
      nameLocation: 'middle',
      nameGap: 28,
      axisLabel: { formatter: (v: number) => num(v, 0) },
    },
    yAxis: {
      type: 'value',
      name: 'weighted unmet demand',
      axisLabel: { formatter: (v: number) => pct(v, 0) },
    },
    series: [
      {
        type: 'line',
        name: 'expected',
        data: points.map((p) => [p.budget, p.expected]),
        connectNulls: false,
        markLine: {
          symbol: 'none',
          label: { formatter: 'plan budget' },
          data: [{ xAxis: planBudget }],
        },
      },
      { type: 'line', name: 'P95', data: points.map((p) => [p.budget, p.p95]), connectNulls: false },
    ],
  };
}

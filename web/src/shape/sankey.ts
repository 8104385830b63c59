import type { BuyerExposure } from '../lib/api-types.js';

export interface SankeyData {
  nodes: { name: string; material: string; location: string; depth: number }[];
  links: { source: string; target: string; value: number }[];
}

/**
 * The multi-tier flows that carry a buyer's exposure, as a Sankey: every carrying path (upstream
 * origin → … → the buyer's market) adds its weight (share of the buyer's value or bottleneck
 * carried) to each link it crosses. Paths are the top-k per country the service returned, so
 * the widths are a lower bound of what flows through each link. Columns: the number of steps
 * from the market, furthest upstream on the left.
 */
export function exposureSankey(buyer: BuyerExposure, variant: 'value' | 'bottleneck' = 'value'): SankeyData {
  const nodes = new Map<string, SankeyData['nodes'][number]>();
  const links = new Map<string, SankeyData['links'][number]>();
  const label = (s: { material: string; location: string }) => `${s.material} · ${s.location}`;
  let maxHops = 0;
  for (const group of buyer.paths) {
    if (group.variant !== variant) continue;
    for (const p of group.paths) {
      if (!(p.weight > 0)) continue;
      maxHops = Math.max(maxHops, p.steps.length - 1);
      p.steps.forEach((s, i) => {
        const name = label(s);
        const n = nodes.get(name);
        if (!n) nodes.set(name, { name, material: s.material, location: s.location, depth: i });
        else n.depth = Math.max(n.depth, i);
      });
      for (let i = p.steps.length - 1; i > 0; i--) {
        const source = label(p.steps[i]!);
        const target = label(p.steps[i - 1]!);
        if (source === target) continue;
        const k = `${source}→${target}`;
        const l = links.get(k);
        if (l) l.value += p.weight;
        else links.set(k, { source, target, value: p.weight });
      }
    }
  }
  // a link in both directions would make a cycle ECharts cannot lay out: keep the heavier one
  for (const [k, l] of links) {
    const back = links.get(`${l.target}→${l.source}`);
    if (back && (back.value > l.value || (back.value === l.value && k > `${l.target}→${l.source}`)))
      links.delete(k);
  }
  return {
    nodes: [...nodes.values()].map((n) => ({ ...n, depth: maxHops - n.depth })),
    links: [...links.values()],
  };
}

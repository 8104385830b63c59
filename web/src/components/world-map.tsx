import { useEffect, useMemo, useState } from 'react';
import type { Share } from '../lib/api-types.js';
import { pct } from '../lib/format.js';
import { type MapShares, mapShares } from '../shape/map.js';
import { GROUP_CODES } from '../shape/production.js';
import { Chart } from './chart.js';

type World = typeof import('../charts/world.js');

/** Country shares on a choropleth (world-atlas geometry, no tiles); unplaceable shares listed below. */
export function WorldMap({ shares, title }: { shares: Share[]; title: string }) {
  const [world, setWorld] = useState<World | null>(null);
  useEffect(() => {
    import('../charts/world.js').then(setWorld);
  }, []);
  const m: MapShares | null = useMemo(
    () => (world ? mapShares(shares, world.toNumeric, world.drawn) : null),
    [world, shares],
  );
  const option = useMemo(
    () =>
      m && world
        ? {
            tooltip: {
              trigger: 'item',
              formatter: (p: { name: string; value: number }) =>
                `${world.countryName(p.name)}: ${Number.isFinite(p.value) ? pct(p.value) : 'no figure'}`,
            },
            visualMap: {
              min: 0,
              max: Math.max(m.max, 0.01),
              text: [pct(Math.max(m.max, 0.01), 0), '0 %'],
              calculable: false,
              inRange: { color: ['#e8f1f8', '#08519c'] },
              left: 8,
              bottom: 8,
              itemHeight: 90,
            },
            series: [
              {
                type: 'map',
                map: 'world',
                roam: false,
                data: m.data,
                itemStyle: { areaColor: '#f4f4f4', borderColor: '#bbb', borderWidth: 0.5 },
                emphasis: { label: { show: false }, itemStyle: { areaColor: '#fdb863' } },
              },
            ],
          }
        : null,
    [m, world],
  );
  if (!option || !m) return <div style={{ height: 320 }} aria-busy="true" />;
  return (
    <>
      <Chart option={option} title={title} height={320} world />
      {m.unplaced.length ? (
        <p className="muted small">
          Not on the map:{' '}
          {m.unplaced.map((u) => `${GROUP_CODES[u.country] ?? u.country} ${pct(u.share)}`).join(', ')}
        </p>
      ) : null}
    </>
  );
}

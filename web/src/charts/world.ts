/**
 * World geometry from world-atlas (Natural Earth 1:110m, public domain) as GeoJSON for ECharts,
 * with each feature named by its ISO 3166-1 numeric code; loaded only with the map.
 */
import codes from 'i18n-iso-countries/codes.json';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json';
import { numericLookup } from '../shape/map.js';
import { echarts } from './echarts.js';

const topo = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const fc = feature(topo, topo.objects.countries);
// Antarctica (010) produces nothing in the data and takes a fifth of the height
fc.features = fc.features.filter((f) => f.id !== '010');
const names = new Map<string, string>();
for (const f of fc.features) {
  unwrapAntimeridian(f.geometry);
  const id = String(f.id ?? f.properties.name);
  names.set(id, f.properties.name);
  (f.properties as { name: string }).name = id;
}
echarts.registerMap('world', fc as never);

/**
 * Rings cut at ±180° (Russia's Chukotka, Fiji) would be drawn across the whole map on a plane:
 * a ring spanning more than 180° of longitude gets its western points moved east by 360°.
 */
function unwrapAntimeridian(g: { type: string; coordinates?: unknown } | null): void {
  if (!g?.coordinates) return;
  const polygons = (
    g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
  ) as number[][][][];
  for (const poly of polygons)
    for (const ring of poly) {
      let min = 180;
      let max = -180;
      for (const p of ring) {
        min = Math.min(min, p[0]!);
        max = Math.max(max, p[0]!);
      }
      if (max - min > 180) for (const p of ring) if (p[0]! < 0) p[0] = p[0]! + 360;
    }
}

export const drawn: ReadonlySet<string> = new Set(names.keys());
export const toNumeric = numericLookup(codes as string[][]);
export const countryName = (numeric: string) => names.get(numeric) ?? numeric;

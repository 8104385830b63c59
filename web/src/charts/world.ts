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
const names = new Map<string, string>();
for (const f of fc.features) {
  const id = String(f.id ?? f.properties.name);
  names.set(id, f.properties.name);
  (f.properties as { name: string }).name = id;
}
echarts.registerMap('world', fc as never);

export const drawn: ReadonlySet<string> = new Set(names.keys());
export const toNumeric = numericLookup(codes as string[][]);
export const countryName = (numeric: string) => names.get(numeric) ?? numeric;

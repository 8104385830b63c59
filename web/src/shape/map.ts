/**
 * Country shares on the world map. world-atlas identifies countries by ISO 3166-1 numeric code;
 * trustmap by ISO3. Publishers' groups ("Other countries" XOT, unknown origin XUN, regions) and
 * countries the 1:110m atlas does not draw cannot be placed, so they are listed beside the map.
 */
export interface MapDatum {
  /** numeric ISO code as in world-atlas (the map feature's name) */
  name: string;
  iso3: string;
  value: number;
}

export interface MapShares {
  data: MapDatum[];
  unplaced: { country: string; share: number }[];
  max: number;
}

export function mapShares(
  shares: readonly { country: string; share: number | null }[],
  toNumeric: (iso3: string) => string | undefined,
  drawn: ReadonlySet<string>,
): MapShares {
  const data: MapDatum[] = [];
  const unplaced: { country: string; share: number }[] = [];
  for (const s of shares) {
    if (s.share === null || !(s.share > 0)) continue;
    const n = toNumeric(s.country);
    if (n && drawn.has(n)) data.push({ name: n, iso3: s.country, value: s.share });
    else unplaced.push({ country: s.country, share: s.share });
  }
  data.sort((a, b) => b.value - a.value);
  unplaced.sort((a, b) => b.share - a.share);
  return { data, unplaced, max: data.reduce((m, d) => Math.max(m, d.value), 0) };
}

/** ISO3 → numeric lookup from i18n-iso-countries' codes table ([alpha2, alpha3, numeric, …]). */
export function numericLookup(codes: readonly (readonly string[])[]): (iso3: string) => string | undefined {
  const m = new Map<string, string>();
  for (const c of codes) if (c[1] && c[2]) m.set(c[1], c[2]);
  return (iso3) => m.get(iso3.toUpperCase());
}

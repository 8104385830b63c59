/**
 * Cost gap of trusted suppliers against the cheapest other supplier of one market, and the three
 * instruments that close it (DESIGN.md "Optimization: cost gap"; docs/economics.md).
 *
 * Landed cost per unit of supplier s, all in the market's currency:
 *   freight  F_s = φ_s·v_s + f_s                 (ad valorem rate φ on the unit value, plus per unit)
 *   duty     D_s = τ_s·v_s + d_s                 (ad valorem τ on the customs value, plus specific)
 *   landed   L_s = v_s + F_s + D_s
 * with v_s the production cost or, as its proxy, a published unit value (e.g. US customs value /
 * quantity, which excludes freight, insurance and duty).
 *
 * Benchmark c: the non-trusted supplier with the lowest L among those eligible (enough volume for
 * the unit value to be a price). For each trusted supplier t, gap g_t = L_t − L_c, and if g_t > 0:
 *   subsidy per unit                 S_t = g_t                        (paid to t per unit)
 *   minimum landed price             P_t = L_t                        (a floor on every supplier)
 *   additional tariff on c           τ_c = g_t / v_c                  (ad valorem on c's value)
 *   uniform tariff on all others     τ_all = max_n (L_t − L_n)⁺ / v_n over eligible non-trusted n
 *   yearly cost at demand Q          g_t·Q for each instrument: the subsidy is paid by the
 *                                    government, the floor and the tariff by buyers (tariff revenue
 *                                    on what is still imported is a transfer not estimated here)
 * g_t ≤ 0: t is already competitive; every instrument is 0.
 * Static and first order: no price response of demand or supply, no capacity limit of t.
 */
export interface SupplierCost {
  supplier: string;
  trusted: boolean;
  /** production cost or its proxy, per unit; null when unavailable */
  unitValue: number | null;
  freightAdValorem: number;
  freightPerUnit: number;
  dutyAdValorem: number;
  dutyPerUnit: number;
  /** may serve as the benchmark (e.g. its volume is large enough for the unit value to be a price) */
  eligible: boolean;
}

export interface LandedCost {
  supplier: string;
  trusted: boolean;
  unitValue: number;
  freight: number;
  duty: number;
  landed: number;
  eligible: boolean;
}

export interface TariffRate {
  /** additional ad valorem rate, a fraction of the customs value */
  rate: number;
  /** the supplier whose landed cost sets the rate */
  binding: string | null;
}

export interface CompetitivenessOption {
  supplier: string;
  landed: number;
  /** L_t − L_c; ≤ 0 means already competitive */
  gap: number;
  competitive: boolean;
  subsidyPerUnit: number;
  minimumPrice: number;
  tariffOnCheapest: TariffRate;
  tariffOnAllNonTrusted: TariffRate;
  /** per year at the demand level; null when no demand level is known */
  yearly: { subsidy: number; minimumPrice: number; tariff: number } | null;
}

export interface CostGapResult {
  landed: LandedCost[];
  /** cheapest eligible non-trusted supplier; null when there is none */
  benchmark: LandedCost | null;
  /** cheapest eligible supplier, trusted or not */
  cheapest: LandedCost | null;
  options: CompetitivenessOption[];
}

export function landedCost(s: SupplierCost & { unitValue: number }): LandedCost {
  const v = s.unitValue;
  const freight = s.freightAdValorem * v + s.freightPerUnit;
  const duty = s.dutyAdValorem * v + s.dutyPerUnit;
  return {
    supplier: s.supplier,
    trusted: s.trusted,
    unitValue: v,
    freight,
    duty,
    landed: v + freight + duty,
    eligible: s.eligible,
  };
}

function lowest(list: LandedCost[]): LandedCost | null {
  let best: LandedCost | null = null;
  for (const l of list) if (!best || l.landed < best.landed) best = l;
  return best;
}

/** Landed costs, the benchmark and each trusted supplier's options; `demand` in units per year. */
export function costGap(suppliers: readonly SupplierCost[], demand: number | null): CostGapResult {
  const landed = suppliers
    .filter((s): s is SupplierCost & { unitValue: number } => s.unitValue !== null && s.unitValue > 0)
    .map(landedCost)
    .sort((a, b) => a.landed - b.landed);
  const others = landed.filter((l) => !l.trusted && l.eligible);
  const benchmark = lowest(others);
  const cheapest = lowest(landed.filter((l) => l.eligible));
  const options: CompetitivenessOption[] = [];
  if (benchmark) {
    for (const t of landed.filter((l) => l.trusted)) {
      const gap = t.landed - benchmark.landed;
      const closing = Math.max(0, gap);
      let all: TariffRate = { rate: 0, binding: null };
      for (const n of others) {
        const r = Math.max(0, t.landed - n.landed) / n.unitValue;
        if (r > all.rate) all = { rate: r, binding: n.supplier };
      }
      options.push({
        supplier: t.supplier,
        landed: t.landed,
        gap,
        competitive: gap <= 0,
        subsidyPerUnit: closing,
        minimumPrice: Math.max(t.landed, benchmark.landed),
        tariffOnCheapest: {
          rate: closing / benchmark.unitValue,
          binding: closing > 0 ? benchmark.supplier : null,
        },
        tariffOnAllNonTrusted: all,
        yearly:
          demand === null
            ? null
            : { subsidy: closing * demand, minimumPrice: closing * demand, tariff: closing * demand },
      });
    }
  }
  return { landed, benchmark, cheapest, options };
}

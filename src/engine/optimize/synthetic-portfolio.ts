import {
  DAYS_PER_YEAR,
  KIND_CAPACITY,
  KIND_FASTTRACK,
  KIND_OFFTAKE,
  KIND_RECYCLING,
  KIND_STOCKPILE,
  type PortfolioInstance,
} from './portfolio.js';

function lcg(seed: number): () => number {
  let st = seed >>> 0 || 1;
  return () => {
    st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
    return st / 2 ** 32;
  };
}

export interface SyntheticOptions {
  seed: number;
  candidates: number;
  scenarios: number;
  products: number;
  periods: number;
}

/**
 * Seeded synthetic portfolio instances shaped like the simulator's output (benchmark): N
 * candidates over P products, S equally likely scenarios, T equal periods of a year, 8 supplier
 * countries. Each scenario has a Poisson(1.5) number of shocks; a shock hits 1–3 products from
 * one country for 1–T consecutive periods and removes 20–100 % of their demand (demand 500–1,500
 * units a year); a candidate located in the shocked country delivers nothing to those products
 * while the shock lasts. Candidates: capacity (60 % with a fixed cost, lead time up to 270 days),
 * stockpiles, all-or-nothing offtakes with a term of 1–3 years, recycling, and fast-tracks for the
 * capacity candidate before them; sizes up to half a year's demand; the budget is a quarter of
 * what buying every candidate at its largest size would cost. An integer LCG drives it, so a seed
 * gives the same instance on any machine. The figures are synthetic, not data.
 */
export function syntheticPortfolio(o: SyntheticOptions): PortfolioInstance {
  const { candidates: N, scenarios: S, products: P, periods: T } = o;
  const rnd = lcg(o.seed);
  const C = 8;
  const demand = Float64Array.from({ length: P }, () => 500 + rnd() * 1000);
  const periodDays = DAYS_PER_YEAR / T;
  const gap = new Float64Array(S * P * T);
  // cut[(s·P + p)·T + t] = country whose supply of p is cut off then (−1 none)
  const cut = new Int8Array(S * P * T).fill(-1);
  for (let s = 0; s < S; s++) {
    // Poisson(1.5) by inversion
    let n = 0;
    for (let u = rnd(), q = Math.exp(-1.5), acc = q; u > acc && n < 10; ) {
      n++;
      q *= 1.5 / n;
      acc += q;
    }
    for (let e = 0; e < n; e++) {
      const country = Math.floor(rnd() * C);
      const start = Math.floor(rnd() * T);
      const len = 1 + Math.floor(rnd() * T);
      const severity = 0.2 + 0.8 * rnd();
      const hit = 1 + Math.floor(rnd() * 3);
      for (let h = 0; h < hit; h++) {
        const p = Math.floor(rnd() * P);
        for (let t = start; t < Math.min(T, start + len); t++) {
          const k = (s * P + p) * T + t;
          gap[k] = Math.min(
            (demand[p]! * periodDays) / DAYS_PER_YEAR,
            gap[k]! + (severity * demand[p]! * periodDays) / DAYS_PER_YEAR,
          );
          cut[k] = country;
        }
      }
    }
  }
  const location = new Int8Array(N);
  const kind = new Uint8Array(N);
  const product = new Int32Array(N);
  const fixedCost = new Float64Array(N);
  const unitCost = new Float64Array(N);
  const minSize = new Float64Array(N);
  const maxSize = new Float64Array(N);
  const startDay = new Float64Array(N);
  const endDay = new Float64Array(N).fill(Number.POSITIVE_INFINITY);
  const target = new Int32Array(N).fill(-1);
  for (let i = 0; i < N; i++) {
    const r = rnd();
    location[i] = Math.floor(rnd() * C);
    if (r < 0.1 && i > 0 && kind[i - 1] === KIND_CAPACITY && startDay[i - 1]! > 0) {
      kind[i] = KIND_FASTTRACK;
      target[i] = i - 1;
      product[i] = product[i - 1]!;
      location[i] = location[i - 1]!;
      fixedCost[i] = 20 + rnd() * 60;
      startDay[i] = Math.floor(startDay[i - 1]! * rnd());
      continue;
    }
    const k = [KIND_CAPACITY, KIND_STOCKPILE, KIND_OFFTAKE, KIND_RECYCLING][Math.floor(rnd() * 4)]!;
    const p = Math.floor(rnd() * P);
    kind[i] = k;
    product[i] = p;
    maxSize[i] = demand[p]! * (0.1 + 0.4 * rnd());
    if (k === KIND_STOCKPILE) unitCost[i] = 0.8 + 1.2 * rnd();
    else if (k === KIND_OFFTAKE) {
      const term = 1 + Math.floor(rnd() * 3);
      unitCost[i] = (0.3 + 0.7 * rnd()) * term;
      minSize[i] = maxSize[i]!;
      endDay[i] = term * DAYS_PER_YEAR;
    } else {
      fixedCost[i] = rnd() < 0.6 ? 50 + rnd() * 250 : 0;
      unitCost[i] = 0.5 + rnd();
      startDay[i] = Math.floor(rnd() * 270);
    }
  }
  const availability = new Float32Array(S * N * T).fill(1);
  for (let s = 0; s < S; s++)
    for (let i = 0; i < N; i++)
      for (let t = 0; t < T; t++)
        if (cut[(s * P + product[i]!) * T + t] === location[i]) availability[(s * N + i) * T + t] = 0;
  let totalCost = 0;
  for (let i = 0; i < N; i++)
    totalCost += fixedCost[i]! + unitCost[i]! * (kind[i] === KIND_FASTTRACK ? 0 : maxSize[i]!);
  return {
    products: P,
    periods: T,
    scenarios: S,
    candidates: N,
    weight: Float64Array.from(demand, (d) => (0.5 + rnd()) / d),
    probability: new Float64Array(S).fill(1 / S),
    periodStart: Float64Array.from({ length: T }, (_, t) => t * periodDays),
    periodEnd: Float64Array.from({ length: T }, (_, t) => (t + 1) * periodDays),
    gap,
    kind,
    product,
    fixedCost,
    unitCost,
    minSize,
    maxSize,
    startDay,
    endDay,
    target,
    required: new Uint8Array(N),
    availability,
    budget: totalCost * 0.25,
    cvar: null,
  };
}

/**
 * An unstructured random instance (property tests, and the benchmark's hard case): 40 % of
 * (scenario, product, period) cells short by up to 100 units, independently; 20 % of
 * (scenario, candidate, period) deliveries cut off, independently. No shock structure, so no
 * candidate dominates another: much harder for branch and bound than the shock-shaped instances.
 */
export function randomPortfolio(o: SyntheticOptions): PortfolioInstance {
  const { candidates: N, scenarios: S, products: P, periods: T } = o;
  const rnd = lcg(o.seed);
  const kind = new Uint8Array(N);
  const product = new Int32Array(N);
  const fixedCost = new Float64Array(N);
  const unitCost = new Float64Array(N);
  const minSize = new Float64Array(N);
  const maxSize = new Float64Array(N);
  const startDay = new Float64Array(N);
  const endDay = new Float64Array(N).fill(Number.POSITIVE_INFINITY);
  const target = new Int32Array(N).fill(-1);
  for (let i = 0; i < N; i++) {
    const r = rnd();
    if (r < 0.1 && i > 0 && kind[i - 1] === KIND_CAPACITY && startDay[i - 1]! > 0) {
      kind[i] = KIND_FASTTRACK;
      target[i] = i - 1;
      product[i] = product[i - 1]!;
      fixedCost[i] = 5 + rnd() * 20;
      startDay[i] = Math.floor(startDay[i - 1]! * rnd());
      continue;
    }
    const k = [KIND_CAPACITY, KIND_STOCKPILE, KIND_OFFTAKE, KIND_RECYCLING][Math.floor(rnd() * 4)]!;
    kind[i] = k;
    product[i] = Math.floor(rnd() * P);
    fixedCost[i] = rnd() < 0.6 ? rnd() * 40 : 0;
    unitCost[i] = 0.2 + rnd();
    maxSize[i] = 50 + rnd() * 200;
    if (k === KIND_OFFTAKE) {
      minSize[i] = maxSize[i]! * 0.5;
      endDay[i] = DAYS_PER_YEAR * (0.5 + rnd());
    } else startDay[i] = Math.floor(rnd() * 240);
  }
  const gap = new Float64Array(S * P * T);
  for (let k = 0; k < gap.length; k++) gap[k] = rnd() < 0.4 ? rnd() * 100 : 0;
  const availability = new Float32Array(S * N * T);
  for (let k = 0; k < availability.length; k++) availability[k] = rnd() < 0.2 ? 0 : 1;
  let totalCost = 0;
  for (let i = 0; i < N; i++) totalCost += fixedCost[i]! + unitCost[i]! * maxSize[i]!;
  return {
    products: P,
    periods: T,
    scenarios: S,
    candidates: N,
    weight: Float64Array.from({ length: P }, () => 0.5 + rnd()),
    probability: new Float64Array(S).fill(1 / S),
    periodStart: Float64Array.from({ length: T }, (_, t) => (t * DAYS_PER_YEAR) / T),
    periodEnd: Float64Array.from({ length: T }, (_, t) => ((t + 1) * DAYS_PER_YEAR) / T),
    gap,
    kind,
    product,
    fixedCost,
    unitCost,
    minSize,
    maxSize,
    startDay,
    endDay,
    target,
    required: new Uint8Array(N),
    availability,
    // a quarter of what buying every candidate at its largest size would cost: choices bind
    budget: totalCost * 0.25,
    cvar: null,
  };
}

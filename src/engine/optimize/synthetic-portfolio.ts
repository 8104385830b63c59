import {
  DAYS_PER_YEAR,
  KIND_CAPACITY,
  KIND_FASTTRACK,
  KIND_OFFTAKE,
  KIND_RECYCLING,
  KIND_STOCKPILE,
  type PortfolioInstance,
} from './portfolio.js';

/**
 * Seeded synthetic portfolio instances (benchmark and property tests): N candidates over P
 * products, S equally likely scenarios, T equal periods of a year. Shortfalls: 40 % of
 * (scenario, product, period) cells short by up to 100 units. Candidates: capacity, stockpiles,
 * offtakes, recycling, and fast-tracks for the capacity candidate just before them; 20 % of
 * (scenario, candidate, period) deliveries cut off. An integer LCG drives it, so a seed gives the
 * same instance on any machine. The figures are synthetic, not data.
 */
export function syntheticPortfolio(o: {
  seed: number;
  candidates: number;
  scenarios: number;
  products: number;
  periods: number;
}): PortfolioInstance {
  const { candidates: N, scenarios: S, products: P, periods: T } = o;
  let st = o.seed >>> 0 || 1;
  const rnd = () => {
    st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
    return st / 2 ** 32;
  };
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

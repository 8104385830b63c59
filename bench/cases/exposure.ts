import { computeExposure } from '../../src/engine/analytics/exposure.js';
import { permuteNetwork } from '../../src/engine/network/exposure-network.js';
import { prng, syntheticNetwork } from '../../src/engine/network/synthetic.js';
import { type BenchCase, type BenchResult, timeMedian } from '../harness.js';

/**
 * Multi-tier exposure of every node to 20 countries (value and bottleneck) on seeded synthetic
 * layered networks of 10k, 100k and 1M nodes with about 10 supplier edges per node. Targets at 1M
 * nodes / 10M edges: under 5 s on one thread, under 2 GB peak memory; near-linear scaling (the
 * exponent fitted to the three sizes on a log–log scale).
 */
const SIZES = [10_000, 100_000, 1_000_000];
const COUNTRIES = 20;

function peakMiB(): number {
  // resourceUsage().maxRSS is in kilobytes (the process's peak resident set so far)
  return process.resourceUsage().maxRSS / 1024;
}

/** Least-squares slope of log(time) on log(size). */
function fittedExponent(sizes: number[], times: number[]): number {
  const x = sizes.map(Math.log);
  const y = times.map(Math.log);
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return num / den;
}

export const bench: BenchCase = {
  name: 'exposure',
  description:
    'multi-tier exposure (value + bottleneck) of all nodes to 20 countries, synthetic layered networks',
  async run(log) {
    const out: BenchResult[] = [];
    const times: number[] = [];
    for (const n of SIZES) {
      const t0 = performance.now();
      const net = syntheticNetwork({ nodes: n, countries: COUNTRIES, edgesPerNode: 10, seed: 20260101 });
      const gen = (performance.now() - t0) / 1000;
      const label = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
      log(`${label} nodes, ${net.edges.toLocaleString('en-US')} edges (generated in ${gen.toFixed(2)} s)`);
      const runs = n >= 1e6 ? 3 : 5;
      let order = '';
      const both = await timeMedian(runs, () => {
        order = computeExposure(net).order;
      });
      const value = await timeMedian(runs, () => {
        computeExposure(net, { bottleneck: false });
      });
      const bottleneck = await timeMedian(runs, () => {
        computeExposure(net, { value: false });
      });
      times.push(both);
      const big = n === 1_000_000;
      out.push(
        {
          case: 'exposure',
          metric: `${label}: value + bottleneck, ${COUNTRIES} countries`,
          value: both,
          unit: 's',
          ...(big ? { target: '< 5' } : {}),
          note: `${net.edges} edges, order ${order}, median of ${runs}`,
        },
        { case: 'exposure', metric: `${label}: value only`, value, unit: 's' },
        { case: 'exposure', metric: `${label}: bottleneck only`, value: bottleneck, unit: 's' },
        {
          case: 'exposure',
          metric: `${label}: edges/s (both variants)`,
          value: Math.round(net.edges / both),
          unit: 'edges/s',
        },
        {
          case: 'exposure',
          metric: `${label}: edge·country updates/s (both variants)`,
          value: Math.round((2 * net.edges * COUNTRIES) / both),
          unit: 'updates/s',
        },
        {
          case: 'exposure',
          metric: `${label}: peak RSS so far`,
          value: Math.round(peakMiB()),
          unit: 'MiB',
          ...(big ? { target: '< 2048' } : {}),
        },
      );
      if (big) {
        // the same network with shuffled ids: the topological sort (Kahn) is part of the time
        const rand = prng(7);
        const perm = Int32Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const k = Math.floor(rand() * (i + 1));
          const t = perm[i]!;
          perm[i] = perm[k]!;
          perm[k] = t;
        }
        const shuffled = permuteNetwork(net, perm);
        const t = await timeMedian(3, () => {
          order = computeExposure(shuffled).order;
        });
        out.push(
          {
            case: 'exposure',
            metric: `${label} shuffled ids: value + bottleneck incl. topological sort`,
            value: t,
            unit: 's',
            note: `order ${order}; ids carry no locality`,
          },
          {
            case: 'exposure',
            metric: `${label}: peak RSS at the end`,
            value: Math.round(peakMiB()),
            unit: 'MiB',
            target: '< 2048',
          },
        );
      }
      log(`  ${both.toFixed(3)} s both variants, peak RSS ${Math.round(peakMiB())} MiB`);
    }
    out.push({
      case: 'exposure',
      metric: 'fitted scaling exponent (time ∝ nodes^k, 10k–1M)',
      value: fittedExponent(SIZES, times),
      unit: 'k',
      target: '< 1.15',
    });
    return out;
  },
};

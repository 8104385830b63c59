import { existsSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { initDatabase } from '../../src/cli/commands/init.js';
import { planMonteCarlo } from '../../src/engine/simulate/montecarlo.js';
import { loadHazardSet, resolveHazardSet, runMonteCarlo } from '../../src/services/montecarlo.js';
import { simulationNetwork } from '../../src/services/simulate.js';
import { openStore } from '../../src/store/open.js';
import type { BenchCase, BenchResult } from '../harness.js';

/**
 * Monte Carlo runs per second on the bundled network (the whole calibrated network of the base
 * year, 365 daily steps per run, summaries only) with the bundled illustrative hazard set, on 1
 * and on 2 worker threads; the speed-up should be near-linear (runs are independent and a block
 * of runs stays on one thread). Wall clock from the first task to the reduced result, worker
 * start-up included; the same figure on the main thread without workers for reference. Also
 * checks that 1 and 2 threads give identical results. `MC_BENCH_RUNS` sets the runs (default
 * 2,000: a run takes about 7 ms, so with fewer the threads' start-up, not the runs, decides the
 * speed-up — 240 runs gave 1.2–1.4×); TRUSTMAP_BENCH_DB reuses a built database, otherwise one is built first (not timed).
 */
const RUNS = Number(process.env.MC_BENCH_RUNS ?? 2000);

export const bench: BenchCase = {
  name: 'montecarlo',
  description: `Monte Carlo runs/s on the bundled network, 1 vs 2 worker threads (${RUNS} runs each)`,
  async run(log) {
    const given = process.env.TRUSTMAP_BENCH_DB;
    let file = given && existsSync(given) ? given : '';
    if (!file) {
      file = join(tmpdir(), `trustmap-bench-mc-${process.pid}.db`);
      rmSync(file, { force: true });
      log('building the bundled database (not timed)…');
      await initDatabase(file, { quiet: true });
    }
    const store = await openStore(file);
    let net: Awaited<ReturnType<typeof simulationNetwork>>;
    let plan: ReturnType<typeof planMonteCarlo>;
    try {
      const { set: given } = loadHazardSet('trust-illustrative');
      const { set, regions, materials } = await resolveHazardSet(store, given);
      net = await simulationNetwork(
        store,
        {
          name: set.name,
          year: set.year,
          horizon_days: set.horizon_days,
          step_days: set.step_days,
          shocks: [],
          seed: null,
        },
        materials,
      );
      plan = planMonteCarlo(net, set, { seed: 1, regions });
    } finally {
      await store.close();
      if (file !== given) rmSync(file, { force: true });
    }
    log(
      `network: ${net.nodeCount} nodes, ${net.edgeCount} edges; ${plan.hazards.length} hazards, ${plan.groups.length} (material, market) groups`,
    );

    const time = async (threads: number | 'inline') => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await runMonteCarlo(net, plan, {
        runs: RUNS,
        seed: 1,
        sensitivityRuns: 0,
        ...(threads === 'inline' ? { inline: true } : { threads }),
      });
      const s = (performance.now() - t0) / 1000;
      // CPU time of every thread of this process: below `threads` × wall time, other processes had the cores
      const c = process.cpuUsage(cpu0);
      const cores = (c.user + c.system) / 1e6 / s;
      log(
        `${threads === 'inline' ? 'main thread' : `${threads} thread(s)`}: ${RUNS} runs in ${s.toFixed(2)} s (${(RUNS / s).toFixed(1)} runs/s), ${cores.toFixed(2)} cores busy; load average ${loadavg()[0]!.toFixed(2)}`,
      );
      const { threads: _t, ...result } = r;
      return { s, cores, result };
    };
    const inline = await time('inline');
    const one = await time(1);
    const two = await time(2);
    const same = isDeepStrictEqual(one.result, two.result) && isDeepStrictEqual(one.result, inline.result);
    const c = 'montecarlo';
    const updates = one.result.updates / RUNS;
    return [
      {
        case: c,
        metric: 'updates per run (365 daily steps × (nodes + edges))',
        value: updates,
        unit: 'updates',
      },
      {
        case: c,
        metric: 'runs per second, main thread (no workers)',
        value: Number((RUNS / inline.s).toFixed(2)),
        unit: 'runs/s',
      },
      {
        case: c,
        metric: 'runs per second, 1 worker thread',
        value: Number((RUNS / one.s).toFixed(2)),
        unit: 'runs/s',
      },
      {
        case: c,
        metric: 'runs per second, 2 worker threads',
        value: Number((RUNS / two.s).toFixed(2)),
        unit: 'runs/s',
        note: `${cpus().length} CPUs`,
      },
      {
        case: c,
        metric: 'speed-up, 2 threads vs 1',
        value: Number((one.s / two.s).toFixed(2)),
        unit: '×',
        target: '>= 1.7',
        note: 'near-linear needs 2 idle cores',
      },
      {
        case: c,
        metric: 'cores this process kept busy, 2 worker threads',
        value: Number(two.cores.toFixed(2)),
        unit: 'cores',
        note: 'about 2 when the machine is otherwise idle; near 1 means another process had the second core',
      },
      {
        case: c,
        metric: 'results identical on 1 and 2 threads and inline',
        value: same ? 1 : 0,
        unit: 'yes=1',
        target: '>= 1',
      },
    ] satisfies BenchResult[];
  },
};

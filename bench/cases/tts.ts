import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDatabase } from '../../src/cli/commands/init.js';
import type { TtsAnalysis } from '../../src/engine/simulate/tts-ttr.js';
import { buildTtsNetwork, runTtsAnalysis } from '../../src/services/tts.js';
import { openStore } from '../../src/store/open.js';
import type { BenchCase } from '../harness.js';

/**
 * TTS/TTR (Simchi-Levi et al. 2015) for every producer node of the bundled network, region USA,
 * nodes at an unknown location included: one persistent HiGHS model per problem, bounds changed
 * and warm-started per node, in a worker thread (the end-to-end figure), then in-thread with and
 * without the previous basis (the warm-start speed-up). Set TRUSTMAP_BENCH_DB to reuse a built
 * database; otherwise one is built first (not timed).
 */
export const bench: BenchCase = {
  name: 'tts',
  description: 'TTS and PI LPs for every node of the bundled network (USA), HiGHS warm-started vs cold',
  async run(log) {
    const given = process.env.TRUSTMAP_BENCH_DB;
    let file = given && existsSync(given) ? given : '';
    if (!file) {
      file = join(tmpdir(), `trustmap-bench-tts-${process.pid}.db`);
      rmSync(file, { force: true });
      log('building the bundled database (not timed)…');
      await initDatabase(file, { quiet: true });
    }
    const store = await openStore(file);
    const t0 = performance.now();
    let built: Awaited<ReturnType<typeof buildTtsNetwork>>;
    try {
      built = await buildTtsNetwork(store, { region: 'USA', includeUnknownLocations: true });
    } finally {
      await store.close();
      if (file !== given) rmSync(file, { force: true });
    }
    const buildSeconds = (performance.now() - t0) / 1000;
    const opts = { ttr: built.ttr, stockShips: false, nodes: built.nodes };

    const tw = performance.now();
    const worker = await runTtsAnalysis(built.network, opts);
    const workerSeconds = (performance.now() - tw) / 1000;
    log(
      `worker: ${worker.solves} solves in ${workerSeconds.toFixed(2)} s (HiGHS load and thread start included)`,
    );
    const warm = await runTtsAnalysis(built.network, opts, { inline: true });
    const cold = await runTtsAnalysis(built.network, { ...opts, start: 'cold' }, { inline: true });
    log(`in-thread: warm ${warm.seconds.toFixed(2)} s, cold ${cold.seconds.toFixed(2)} s`);

    const differ = (a: TtsAnalysis, b: TtsAnalysis) =>
      a.results.filter((r, k) => {
        const s = b.results[k]!;
        const close = (x: number | null, y: number | null) =>
          x === y || (x !== null && y !== null && Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x)));
        return !close(r.tts, s.tts) || !close(r.pi, s.pi);
      }).length;
    const mismatches = differ(warm, cold);
    const perLp = (a: TtsAnalysis) => (1000 * a.seconds) / a.solves;
    const c = 'tts';
    return [
      { case: c, metric: 'network nodes (producers + markets)', value: built.info.length, unit: 'nodes' },
      {
        case: c,
        metric: 'nodes disrupted (one TTS + one PI LP each)',
        value: built.nodes.length,
        unit: 'nodes',
      },
      { case: c, metric: 'connected parts (time columns)', value: worker.parts, unit: 'parts' },
      { case: c, metric: 'LP rows', value: worker.lp.tts.rows, unit: 'rows' },
      { case: c, metric: 'LP columns', value: worker.lp.tts.columns, unit: 'columns' },
      { case: c, metric: 'LP nonzeros', value: worker.lp.tts.nonzeros, unit: 'nonzeros' },
      { case: c, metric: 'network build from the store', value: Number(buildSeconds.toFixed(2)), unit: 's' },
      {
        case: c,
        metric: 'TTS/TTR for every node, worker thread, warm-started',
        value: Number(workerSeconds.toFixed(2)),
        unit: 's',
        target: '< 60',
        note: `${worker.solves} LPs`,
      },
      {
        case: c,
        metric: 'mean time per LP, warm (previous basis)',
        value: Number(perLp(warm).toFixed(3)),
        unit: 'ms',
      },
      {
        case: c,
        metric: 'simplex iterations per LP, warm',
        value: Number((warm.iterations / warm.solves).toFixed(1)),
        unit: 'iterations',
      },
      {
        case: c,
        metric: 'mean time per LP, cold (no basis)',
        value: Number(perLp(cold).toFixed(3)),
        unit: 'ms',
      },
      {
        case: c,
        metric: 'simplex iterations per LP, cold',
        value: Number((cold.iterations / cold.solves).toFixed(1)),
        unit: 'iterations',
      },
      {
        case: c,
        metric: 'warm-start speed-up (cold time / warm time)',
        value: Number((cold.seconds / warm.seconds).toFixed(2)),
        unit: '×',
      },
      {
        case: c,
        metric: 'nodes whose TTS or PI differ warm vs cold (tolerance 1e-6)',
        value: mismatches,
        unit: 'nodes',
        target: '<= 0',
      },
    ];
  },
};

/**
 * `npm run bench`: runs every case in bench/cases (or those named on the command line), prints a
 * table and writes bench/results/<date>.json with the machine's description. Benchmarks are
 * never unit tests: targets are reported, not asserted.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchCase, type BenchResult, machine, meetsTarget } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));

const cases: BenchCase[] = [];
for (const f of readdirSync(join(here, 'cases')).sort()) {
  if (!f.endsWith('.js')) continue;
  const mod = (await import(pathToFileURL(join(here, 'cases', f)).href)) as { bench?: BenchCase };
  if (mod.bench && (only.length === 0 || only.includes(mod.bench.name))) cases.push(mod.bench);
}
if (cases.length === 0) {
  process.stderr.write(`no bench case matches ${only.join(', ')}\n`);
  process.exit(2);
}

const results: BenchResult[] = [];
for (const c of cases) {
  process.stderr.write(`▶ ${c.name}: ${c.description}\n`);
  const out = await c.run((msg) => process.stderr.write(`  ${msg}\n`));
  results.push(...out);
}

const rows = results.map((r) => {
  const ok = meetsTarget(r);
  return [
    r.case,
    r.metric,
    r.value.toLocaleString('en-US', { maximumFractionDigits: 3 }),
    r.unit,
    r.target ?? '',
    ok === undefined ? '' : ok ? 'yes' : 'NO',
  ];
});
const header = ['case', 'metric', 'value', 'unit', 'target', 'met'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]) =>
  r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
process.stdout.write(
  [fmt(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n') + '\n',
);

const root = join(here, '..', '..');
const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify({ date: new Date().toISOString(), machine: machine(), results }, null, 2) + '\n',
);
process.stdout.write(`\nwrote ${file}\n`);

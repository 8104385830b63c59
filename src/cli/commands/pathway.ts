import type { Command } from 'commander';
import { type PathwayReport, pathwayReport, readPathwayFile } from '../../services/pathway.js';
import { formatTable, printJson } from '../output.js';

function render(r: PathwayReport): string {
  const out: string[] = [];
  out.push(`Approval pathway — ${r.title}${r.market ? ` (${r.market})` : ''}`);
  out.push(
    `time to market: ${r.days} days on the proposed ${r.mode} pathway ` +
      `(sequential ${r.sequentialDays} d, parallel ${r.parallelDays} d: parallel saves ${r.parallelSavesDays} d)`,
  );
  out.push(`critical path: ${r.criticalPath.join(' → ')}`);
  out.push('');
  out.push(
    formatTable(
      ['step', 'days', 'start', 'finish', 'slack', 'critical', 'basis'],
      r.schedule.map((s) => [
        s.name,
        s.days,
        s.start,
        s.finish,
        s.slack,
        s.critical ? 'yes' : '',
        s.illustrative ? (s.source ? 'cited, illustrative' : 'illustrative') : 'cited',
      ]),
    ),
  );
  out.push('');
  out.push('Sources:');
  for (const s of r.sources) out.push(`  - ${s}`);
  out.push('Assumptions:');
  for (const a of r.assumptions) out.push(`  - ${a}`);
  return out.join('\n');
}

/** `trustmap pathway FILE [--json]` */
export function registerPathway(program: Command): void {
  program
    .command('pathway')
    .argument('<file>', 'pathway JSON file (see pathways/*.json and docs/pathways.md)')
    .description(
      'time to market of a regulatory approval pathway: sum of steps in sequence, critical path in parallel, with the critical path listed',
    )
    .option('--json', 'machine-readable output')
    .action((file: string, opts: { json?: boolean }) => {
      const report = pathwayReport(readPathwayFile(file), file);
      if (opts.json) return printJson(report);
      process.stdout.write(render(report) + '\n');
    });
}

#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCostgap } from './commands/costgap.js';
import { registerForecast } from './commands/forecast.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerLists } from './commands/lists.js';
import { registerMontecarlo } from './commands/montecarlo.js';
import { registerOptimize } from './commands/optimize.js';
import { registerPathway } from './commands/pathway.js';
import { registerPortfolio } from './commands/portfolio.js';
import { registerRisk } from './commands/risk.js';
import { registerServe } from './commands/serve.js';
import { registerShow } from './commands/show.js';
import { registerSimulate } from './commands/simulate.js';
import { registerSr } from './commands/sr.js';
import { registerStart } from './commands/start.js';
import { registerToken } from './commands/token.js';
import { registerTts } from './commands/tts.js';
import { registerUser } from './commands/user.js';
import { describeError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('trustmap')
    .description(
      'Trusted supply chains of critical minerals and medicines: maps, risks, disruptions, interventions',
    )
    .version('0.1.0')
    .option('--db <path>', 'SQLite file or postgres:// URL (default: $TRUSTMAP_DB or ./trustmap.db)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStart(program);
  registerInit(program);
  registerImport(program);
  registerLists(program);
  registerShow(program);
  registerSr(program);
  registerRisk(program);
  registerTts(program);
  registerSimulate(program);
  registerMontecarlo(program);
  registerOptimize(program);
  registerCostgap(program);
  registerForecast(program);
  registerPathway(program);
  registerUser(program);
  registerToken(program);
  registerPortfolio(program);
  registerServe(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const { message, code } = describeError(e);
    process.stderr.write(message + '\n');
    return code;
  }
}

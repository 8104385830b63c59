import type { Command } from 'commander';
import { createTokenForUser } from '../../store/accounts.js';
import { openExisting } from '../context.js';
import { UsageError } from '../errors.js';
import { printJson } from '../output.js';

export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens of the HTTP API');
  token
    .command('create')
    .argument('<email>', 'the user the token acts as')
    .requiredOption('--label <label>', 'what the token is for (e.g. "nightly import")')
    .option(
      '--expires-in-days <n>',
      'expire after this many days (default: never; revoke with DELETE /api/tokens/:id)',
    )
    .option('--json', 'machine-readable output')
    .description('create an API token for a user and print it once (only its hash is stored)')
    .action(
      async (
        email: string,
        opts: { label: string; expiresInDays?: string; json?: boolean },
        cmd: Command,
      ) => {
        const days = opts.expiresInDays === undefined ? undefined : Number(opts.expiresInDays);
        if (days !== undefined && !(Number.isFinite(days) && days > 0))
          throw new UsageError(
            `--expires-in-days must be a positive number, got ${JSON.stringify(opts.expiresInDays)}`,
          );
        const store = await openExisting(cmd);
        try {
          const t = await createTokenForUser(
            store,
            email,
            opts.label,
            days === undefined ? {} : { expiresInDays: days },
          );
          if (opts.json) return printJson(t);
          process.stdout.write(
            `${t.token}\n\ntoken ${t.id} for ${email} (${t.label})${t.expiresAt ? `, expires ${t.expiresAt}` : ''}.\n` +
              'It is shown only this once: store it now. Send it as "Authorization: Bearer <token>".\n',
          );
        } finally {
          await store.close();
        }
      },
    );
}

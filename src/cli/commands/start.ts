import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildServer } from '../../server/app.js';
import { overview } from '../../services/overview.js';
import { addUser, createTokenForUser, listUsers } from '../../store/accounts.js';
import { isPostgresUrl, openStore } from '../../store/open.js';
import type { Store } from '../../store/store.js';
import { dbLocation } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, pct, printJson } from '../output.js';
import { packageRoot } from '../paths.js';
import { initDatabase } from './init.js';

interface StartOptions {
  concern: string;
  limit: string;
  json?: boolean;
  serve: boolean;
  port: string;
  host: string;
}

export const LOCAL_ADMIN = 'admin@trustmap.local';

/**
 * On a database with no users, creates a local admin (organisation "Local") with a random
 * password, and a sign-in link for the dashboard carrying a one-day token; both are printed once
 * and never stored in clear. Returns null when users already exist.
 */
export async function bootstrapLocalAdmin(
  store: Store,
): Promise<{ email: string; password: string; token: string; expiresAt: string | null } | null> {
  if ((await listUsers(store, null)).length > 0) return null;
  const password = randomBytes(18).toString('base64url');
  await addUser(store, { email: LOCAL_ADMIN, password, org: 'Local', role: 'admin' });
  const t = await createTokenForUser(store, LOCAL_ADMIN, 'first-start sign-in link', { expiresInDays: 1 });
  return { email: LOCAL_ADMIN, password, token: t.token, expiresAt: t.expiresAt };
}

/** The built dashboard, if `npm run build:web` has run. */
export function dashboardDir(): string | null {
  const dir = join(packageRoot(), 'dist', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/**
 * The main job: create the database from the bundled data if absent, print the overview, then
 * serve the API and the dashboard on 127.0.0.1:3000 (local only by default) until Ctrl-C.
 */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'create the database from bundled data if absent, show the overview of the most concentrated critical minerals and APIs, then serve the dashboard (http://127.0.0.1:3000/)',
    )
    .option('--concern <iso3>', 'country of concern', 'CHN')
    .option('--limit <n>', 'rows per table', '15')
    .option('--json', 'machine-readable overview only (does not serve)')
    .option('--no-serve', 'print the overview and exit')
    .option('--port <port>', 'TCP port (or $PORT)', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on (local only by default)', '127.0.0.1')
    .action(async (opts: StartOptions, cmd: Command) => {
      const loc = dbLocation(cmd);
      if (!isPostgresUrl(loc) && !existsSync(loc)) {
        if (!opts.json) process.stderr.write(`no database at ${loc}: building it from the bundled data…\n`);
        const res = await initDatabase(loc, { quiet: opts.json });
        if (!opts.json) process.stderr.write(`created ${res.location} in ${res.seconds.toFixed(1)} s\n\n`);
      }
      const store = await openStore(loc);
      try {
        const o = await overview(store, {
          concern: opts.concern.toUpperCase(),
          limit: Number(opts.limit) || 15,
        });
        if (opts.json) return printJson(o);
        const lines: string[] = [];
        lines.push(`trustmap — ${store.location}`);
        lines.push('');
        lines.push(`Most concentrated critical minerals (production, newest year; share of ${o.concern})`);
        lines.push(
          formatTable(
            ['material', 'year', 'HHI', `${o.concern} share`, 'top producers', 'source'],
            o.minerals.map((r) => [
              r.material.id + (r.material.illustrative ? ' (illustrative)' : ''),
              r.period,
              r.hhi === null ? '–' : Math.round(r.hhi),
              pct(r.concernShare),
              r.top.map((t) => `${t.country} ${pct(t.share, 0)}`).join(', '),
              r.source_id,
            ]),
          ),
        );
        lines.push('');
        if (o.apis.length) {
          lines.push(
            'APIs with the fewest independent suppliers to the US market (active Type II DMF holders)',
          );
          lines.push(
            formatTable(
              ['API', 'holders', 'top country', 'its share', 'country unknown', 'in shortage'],
              o.apis.map((a) => [
                a.material.name,
                a.holders,
                a.topCountry ?? '–',
                pct(a.topCountryShare),
                a.unknown,
                a.inShortage ? 'yes' : 'no',
              ]),
            ),
          );
          lines.push('DMF holder counts say who may supply, not how much: they are not capacity.');
        } else {
          lines.push('APIs: no DMF data loaded.');
        }
        lines.push('');
        lines.push(
          'Next: `trustmap show <material>` for shares, sources and assumptions; `trustmap --help` for all commands.',
        );
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        await store.close();
      }
      if (opts.serve) await serveDashboard(loc, opts);
    });
}

async function serveDashboard(location: string, opts: StartOptions): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a whole number 0 … 65535, got ${JSON.stringify(opts.port)}`);
  const store = await openStore(location);
  const staticDir = dashboardDir();
  const app = await buildServer({
    store,
    dbLocation: isPostgresUrl(location) ? location : store.location,
    staticDir,
    logger: { level: 'warn' },
  });
  const address = await app.listen({ port, host: opts.host });
  const base = address.replace('://[::1]', '://localhost').replace(/\/?$/, '/');
  const admin = await bootstrapLocalAdmin(store);
  const out: string[] = [''];
  if (!staticDir)
    out.push('The dashboard is not built (run `npm run build:web` or `npm start`): serving the API only.');
  out.push(`Dashboard: ${base}`);
  out.push(`API docs:  ${base}docs`);
  if (admin) {
    out.push('');
    out.push('First start: created the local admin (organisation "Local"). Shown once, not stored in clear:');
    out.push(`  e-mail:   ${admin.email}`);
    out.push(`  password: ${admin.password}`);
    out.push(`  sign-in link (valid until ${admin.expiresAt}): ${base}#/signin?token=${admin.token}`);
  }
  if (opts.host !== '127.0.0.1' && opts.host !== 'localhost' && opts.host !== '::1')
    out.push(`Listening on ${opts.host}: reachable from other machines; put TLS in front (docs/deploy.md).`);
  out.push('Press Ctrl-C to stop.');
  process.stdout.write(out.join('\n') + '\n');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await app.close();
  await store.close();
}

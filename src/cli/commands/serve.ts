import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildServer } from '../../server/app.js';
import { isPostgresUrl } from '../../store/open.js';
import { dbLocation, openExisting } from '../context.js';
import { UsageError } from '../errors.js';

/** The built dashboard (dist/web beside package.json), if it has been built. */
function defaultStaticDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      const web = join(dir, 'dist', 'web');
      return existsSync(join(web, 'index.html')) ? web : null;
    }
    dir = dirname(dir);
  }
  return null;
}

function whole(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isInteger(x) || x < min || x > max)
    throw new UsageError(`${name} must be a whole number ${min} … ${max}, got ${JSON.stringify(v)}`);
  return x;
}

/** `trustmap serve [--port 3000] [--host 127.0.0.1] [--cors ORIGIN]…` — the HTTP API (docs/api.md). */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the HTTP API (OpenAPI at /docs) and the dashboard if built; see docs/api.md and docs/deploy.md',
    )
    .option('--port <port>', 'TCP port (or $PORT)', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--cors <origin...>', 'allow these browser origins (CORS is off by default)')
    .option('--static <dir>', 'serve this built dashboard at / (default: dist/web if built)')
    .option('--trust-proxy', 'trust X-Forwarded-For/-Proto from a reverse proxy in front')
    .option('--rate-limit <n>', 'requests per token per minute', '1200')
    .option('--jobs <n>', 'jobs running at once (default: cores − 1)')
    .option('--queue <n>', 'jobs waiting beyond those before 429 queue_full', '16')
    .option('--log', 'log every request (JSON lines on stdout)')
    .action(
      async (
        opts: {
          port: string;
          host: string;
          cors?: string[];
          static?: string;
          trustProxy?: boolean;
          rateLimit: string;
          jobs?: string;
          queue: string;
          log?: boolean;
        },
        cmd: Command,
      ) => {
        const port = whole('--port', opts.port, 0, 65535)!;
        const rateMax = whole('--rate-limit', opts.rateLimit, 1, 10_000_000)!;
        const jobConcurrency = whole('--jobs', opts.jobs, 1, 256);
        const jobQueue = whole('--queue', opts.queue, 0, 100_000)!;
        const staticDir = opts.static ?? defaultStaticDir();
        if (opts.static && !existsSync(join(opts.static, 'index.html')))
          throw new UsageError(`--static ${opts.static}: no index.html there (build the dashboard first)`);
        const location = dbLocation(cmd);
        const store = await openExisting(cmd);
        const app = await buildServer({
          store,
          dbLocation: isPostgresUrl(location) ? location : store.location,
          staticDir,
          cors: opts.cors ?? null,
          trustProxy: Boolean(opts.trustProxy),
          logger: opts.log ? true : { level: 'warn' },
          limits: { rateMax, jobQueue, ...(jobConcurrency ? { jobConcurrency } : {}) },
        });
        const address = await app.listen({ port, host: opts.host });
        process.stderr.write(
          `trustmap API on ${address} (docs: ${address}/docs; database ${store.location}${staticDir ? `; dashboard from ${staticDir}` : ''})\n`,
        );
        // stop cleanly on Ctrl-C or a service manager's SIGTERM: finish requests, cancel jobs
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
      },
    );
}

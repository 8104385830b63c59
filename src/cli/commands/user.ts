import type { Command } from 'commander';
import { ConflictError } from '../../model/org-errors.js';
import { addUser, listUsers, MIN_PASSWORD, ROLES, type Role } from '../../store/accounts.js';
import { openExisting } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, printJson } from '../output.js';

/** Reads a password: the whole of stdin (`--password-stdin`), else a hidden prompt on a terminal. */
export type PasswordReader = (opts: { stdin: boolean; prompt: string }) => Promise<string>;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A prompt that echoes nothing (raw mode): the password never appears on the screen or in history. */
async function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY)
    throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin');
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
  });
}

let reader: PasswordReader = async ({ stdin, prompt }) => (stdin ? readStdin() : promptHidden(prompt));

/** Tests replace the reader (there is no terminal in a test run). */
export function setPasswordReader(r: PasswordReader): PasswordReader {
  const prev = reader;
  reader = r;
  return prev;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('accounts of the HTTP API: add and list users');
  user
    .command('add')
    .argument('<email>', "the user's e-mail address (unique, case-insensitive)")
    .requiredOption('--org <org>', 'organisation id or name (created if new)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input (else asked for, hidden)')
    .option('--json', 'machine-readable output')
    .description('add a user (the first admin of a server is added this way); the password is never a flag')
    .action(
      async (
        email: string,
        opts: { org: string; role: string; passwordStdin?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        if (!(ROLES as readonly string[]).includes(opts.role))
          throw new UsageError(`unknown role ${JSON.stringify(opts.role)}; one of ${ROLES.join(', ')}`);
        const password = await reader({
          stdin: opts.passwordStdin === true,
          prompt: `password for ${email}: `,
        });
        if (password.length < MIN_PASSWORD)
          throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters`);
        if (!opts.passwordStdin) {
          const again = await reader({ stdin: false, prompt: 'again: ' });
          if (again !== password) throw new UsageError('the passwords differ');
        }
        const store = await openExisting(cmd);
        try {
          const res = await addUser(store, { email, password, org: opts.org, role: opts.role as Role }).catch(
            (e) => {
              throw e instanceof ConflictError ? new UsageError(e.message) : e;
            },
          );
          if (opts.json) return printJson(res);
          process.stdout.write(
            `added ${res.user.email} (${res.user.role}) to ${res.org.name} [${res.org.id}]${res.org.created ? ', a new organisation' : ''}\n`,
          );
        } finally {
          await store.close();
        }
      },
    );
  user
    .command('list')
    .description('list users of every organisation')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const store = await openExisting(cmd);
      try {
        const rows = await listUsers(store, null);
        if (opts.json) return printJson(rows);
        process.stdout.write(
          formatTable(
            ['email', 'role', 'organisation', 'created', 'status'],
            rows.map((u) => [
              u.email,
              u.role,
              u.orgId,
              u.createdAt.slice(0, 10),
              u.disabled ? 'disabled' : 'active',
            ]),
          ) + `\n${rows.length} users\n`,
        );
      } finally {
        await store.close();
      }
    });
}

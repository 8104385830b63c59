import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../../test/helpers/bundled-db.js';
import { runCommand } from '../../../test/helpers/run-command.js';
import { authenticate, login } from '../../store/accounts.js';
import { openSqliteStore } from '../../store/sqlite.js';
import { registerImport } from './import.js';
import { registerPortfolio } from './portfolio.js';
import { registerToken } from './token.js';
import { type PasswordReader, registerUser, setPasswordReader } from './user.js';

const PW = 'a long enough password';
const all = (p: Command) => {
  registerUser(p);
  registerToken(p);
  registerImport(p);
  registerPortfolio(p);
};

describe('user, token, import --org and portfolio commands', () => {
  let db: string;
  let prev: PasswordReader;
  const asked: { stdin: boolean }[] = [];
  beforeAll(() => {
    db = join(mkdtempSync(join(tmpdir(), 'tm-user-')), 'db.sqlite');
    copyBundledDb(db);
    prev = setPasswordReader(async (o) => {
      asked.push({ stdin: o.stdin });
      return PW;
    });
  });
  afterAll(() => {
    setPasswordReader(prev);
  });

  it('adds the first admin with the password from stdin, never from a flag', async () => {
    const r = await runCommand(all, db, [
      'user',
      'add',
      'Boss@Acme.example',
      '--org',
      'Acme Pharma',
      '--role',
      'admin',
      '--password-stdin',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'added Boss@Acme.example (admin) to Acme Pharma [acme-pharma], a new organisation\n',
    );
    expect(asked.at(-1)).toEqual({ stdin: true });
    const bad = await runCommand(all, db, [
      'user',
      'add',
      'x@acme.example',
      '--org',
      'acme-pharma',
      '--role',
      'admin',
      '--password',
      PW,
    ]);
    expect(bad.code).toBe(2);
    const store = await openSqliteStore(db);
    try {
      expect((await login(store, 'boss@acme.example', PW))?.principal.role).toBe('admin');
    } finally {
      await store.close();
    }
  });

  it('asks twice on a terminal, and refuses an unknown role or a taken e-mail', async () => {
    const n = asked.length;
    const ok = await runCommand(all, db, [
      'user',
      'add',
      'ana@acme.example',
      '--org',
      'acme-pharma',
      '--role',
      'analyst',
    ]);
    expect(ok.code).toBe(0);
    expect(asked.slice(n)).toEqual([{ stdin: false }, { stdin: false }]);
    const role = await runCommand(all, db, [
      'user',
      'add',
      'z@acme.example',
      '--org',
      'acme-pharma',
      '--role',
      'root',
      '--password-stdin',
    ]);
    expect(role).toMatchObject({
      code: 2,
      stderr: 'error: unknown role "root"; one of viewer, analyst, admin',
    });
    const taken = await runCommand(all, db, [
      'user',
      'add',
      'ANA@acme.example',
      '--org',
      'acme-pharma',
      '--role',
      'viewer',
      '--password-stdin',
    ]);
    expect(taken).toMatchObject({
      code: 2,
      stderr: 'error: a user with e-mail ANA@acme.example already exists',
    });
    const list = await runCommand(all, db, ['user', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((u: { email: string }) => u.email)).toEqual([
      'ana@acme.example',
      'Boss@Acme.example',
    ]);
  });

  it('prints a new token once; the token authenticates as its user', async () => {
    const r = await runCommand(all, db, ['token', 'create', 'ana@acme.example', '--label', 'ci', '--json']);
    const t = JSON.parse(r.stdout) as { token: string; id: string };
    const store = await openSqliteStore(db);
    try {
      expect(await authenticate(store, t.token)).toMatchObject({
        email: 'ana@acme.example',
        orgId: 'acme-pharma',
        tokenId: t.id,
      });
    } finally {
      await store.close();
    }
    const missing = await runCommand(all, db, ['token', 'create', 'nobody@acme.example', '--label', 'x']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: unknown user: nobody@acme.example' });
  });

  it('imports a portfolio as the organisation’s data and answers which products rest on one country', async () => {
    const imp = await runCommand(all, db, [
      'import',
      '--org',
      'Acme Pharma',
      'test/fixtures/org-portfolio',
      '--json',
    ]);
    expect(imp.stderr).toBe('');
    expect(JSON.parse(imp.stdout)).toMatchObject({
      org: 'acme-pharma',
      counts: { products: 3, apis: 4, sites: 3, ksm: 4 },
      replaced: 0,
    });
    const again = await runCommand(all, db, [
      'import',
      '--org',
      'acme-pharma',
      'test/fixtures/org-portfolio',
      '--json',
    ]);
    expect(JSON.parse(again.stdout).replaced).toBe(14);
    const p = await runCommand(all, db, ['portfolio', '--org', 'acme-pharma', '--json']);
    expect(JSON.parse(p.stdout).summary).toMatchObject({
      products: 3,
      withSingleSourceApi: 2,
      withConcernCountry: 3,
    });
    const none = await runCommand(all, db, ['import', '--org', 'no-such-org', 'test/fixtures/org-portfolio']);
    expect(none).toMatchObject({ code: 1, stderr: 'error: unknown organisation: no-such-org' });
  });

  it('refuses a public format for an organisation import', async () => {
    const r = await runCommand(all, db, [
      'import',
      '--org',
      'acme-pharma',
      '--format',
      'usgs-mcs',
      'test/fixtures/usgs-mcs',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/an organisation imports its portfolio/);
  });
});

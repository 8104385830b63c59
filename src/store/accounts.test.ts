import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/helpers/stores.js';
import { NotFoundError } from '../model/index.js';
import { ConflictError, ForbiddenError } from '../model/org-errors.js';
import {
  addUser,
  authenticate,
  createToken,
  createTokenForUser,
  hashPassword,
  hashToken,
  listAudit,
  listTokens,
  listUsers,
  login,
  type Principal,
  revokeToken,
  verifyPassword,
} from './accounts.js';
import type { Store } from './store.js';

const PW = 'correct horse battery staple';

describe('password hashing', () => {
  it('verifies the right password, rejects a wrong one, and never stores the password', async () => {
    const h = await hashPassword(PW);
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain(PW);
    expect(await verifyPassword(PW, h)).toBe(true);
    expect(await verifyPassword(`${PW}!`, h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts each hash: the same password hashes differently twice', async () => {
    const [a, b] = await Promise.all([hashPassword(PW), hashPassword(PW)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PW, b)).toBe(true);
  });

  it('rejects a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword(PW, 'plain')).toBe(false);
    expect(await verifyPassword(PW, 'scrypt$x$8$1$aa$bb')).toBe(false);
  });
});

for (const dialect of testDialects()) {
  describe(`accounts on ${dialect.name}`, () => {
    let store: Store;
    let adminA: Principal;
    let adminB: Principal;
    let viewerA: Principal;
    let analystA: Principal;

    const signIn = async (email: string) => {
      const r = await login(store, email, PW);
      if (!r) throw new Error(`cannot log in ${email}`);
      return r;
    };

    beforeAll(async () => {
      store = await dialect.open();
      await addUser(store, { email: 'Admin@A.example', password: PW, org: 'Org A', role: 'admin' });
      await addUser(store, { email: 'admin@b.example', password: PW, org: 'Org B', role: 'admin' });
      adminA = (await signIn('admin@a.example')).principal;
      adminB = (await signIn('admin@b.example')).principal;
      await addUser(store, { email: 'viewer@a.example', password: PW, org: 'org-a', role: 'viewer' }, adminA);
      await addUser(
        store,
        { email: 'analyst@a.example', password: PW, org: 'Org A', role: 'analyst' },
        adminA,
      );
      viewerA = (await signIn('viewer@a.example')).principal;
      analystA = (await signIn('analyst@a.example')).principal;
    });
    afterAll(async () => {
      await store?.close();
    });

    it('creates an organisation once and finds it again by id or name', async () => {
      expect(adminA.orgId).toBe('org-a');
      expect(adminA.orgName).toBe('Org A');
      expect(viewerA.orgId).toBe('org-a');
      expect(adminB.orgId).toBe('org-b');
    });

    it('logs in whatever the case of the e-mail, and refuses a wrong password or unknown e-mail alike', async () => {
      expect((await login(store, '  ADMIN@a.EXAMPLE ', PW))?.principal.userId).toBe(adminA.userId);
      expect(await login(store, 'admin@a.example', 'wrong password here')).toBeNull();
      expect(await login(store, 'nobody@a.example', PW)).toBeNull();
    });

    it('refuses a second user with the same e-mail in another case', async () => {
      await expect(
        addUser(store, { email: 'ADMIN@b.example', password: PW, org: 'Org C', role: 'viewer' }),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    it('names the field of bad user input', async () => {
      await expect(
        addUser(store, { email: 'not-an-email', password: 'short', org: '', role: 'root' as never }),
      ).rejects.toMatchObject({
        issues: [{ column: 'email' }, { column: 'password' }, { column: 'role' }, { column: 'org' }],
      });
    });

    it('stores only the SHA-256 of a token, and authenticates the token itself', async () => {
      const t = await createToken(store, adminA, 'nightly import');
      expect(t.token).toMatch(/^tm_[A-Za-z0-9_-]{43}$/);
      const rows = await store.db
        .withTables<{ api_token: { token_hash: string; id: string } }>()
        .selectFrom('api_token')
        .select(['id', 'token_hash'])
        .execute();
      expect(rows.some((r) => r.token_hash === t.token)).toBe(false);
      expect(rows.find((r) => r.id === t.id)?.token_hash).toBe(hashToken(t.token));
      expect(await authenticate(store, t.token)).toMatchObject({
        userId: adminA.userId,
        orgId: 'org-a',
        role: 'admin',
        tokenId: t.id,
      });
      expect(await authenticate(store, hashToken(t.token))).toBeNull();
      expect(await authenticate(store, `${t.token.slice(0, -1)}x`)).toBeNull();
    });

    it('stops a revoked token at once; logout revokes the presented token', async () => {
      const s = await signIn('analyst@a.example');
      expect(await authenticate(store, s.token)).not.toBeNull();
      await revokeToken(store, s.principal, s.principal.tokenId);
      expect(await authenticate(store, s.token)).toBeNull();
      // revoking twice is harmless
      await revokeToken(store, s.principal, s.principal.tokenId);
    });

    it('lets an admin revoke tokens of their organisation only; others see "not found"', async () => {
      const s = await signIn('viewer@a.example');
      await expect(revokeToken(store, adminB, s.principal.tokenId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(revokeToken(store, analystA, s.principal.tokenId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(revokeToken(store, adminA, 'tok_doesnotexist')).rejects.toBeInstanceOf(NotFoundError);
      expect(await authenticate(store, s.token)).not.toBeNull();
      await revokeToken(store, adminA, s.principal.tokenId);
      expect(await authenticate(store, s.token)).toBeNull();
    });

    it('refuses an expired session token', async () => {
      const s = await signIn('viewer@a.example');
      await store.db
        .withTables<{ api_token: { id: string; expires_at: string | null } }>()
        .updateTable('api_token')
        .set({ expires_at: '2000-01-01T00:00:00.000Z' })
        .where('id', '=', s.principal.tokenId)
        .execute();
      expect(await authenticate(store, s.token)).toBeNull();
    });

    it('keeps user, token and audit administration to admins of the same organisation', async () => {
      for (const p of [viewerA, analystA]) {
        await expect(
          addUser(store, { email: `x-${p.role}@a.example`, password: PW, org: 'org-a', role: 'viewer' }, p),
        ).rejects.toBeInstanceOf(ForbiddenError);
        await expect(listUsers(store, p)).rejects.toBeInstanceOf(ForbiddenError);
        await expect(listAudit(store, p)).rejects.toBeInstanceOf(ForbiddenError);
        await expect(createToken(store, p, 'x')).rejects.toBeInstanceOf(ForbiddenError);
      }
      await expect(
        addUser(store, { email: 'x@b.example', password: PW, org: 'org-b', role: 'viewer' }, adminA),
      ).rejects.toBeInstanceOf(ForbiddenError);
      expect((await listUsers(store, adminA)).map((u) => u.email).sort()).toEqual([
        'Admin@A.example',
        'analyst@a.example',
        'viewer@a.example',
      ]);
      expect((await listUsers(store, adminB)).map((u) => u.email)).toEqual(['admin@b.example']);
      expect((await listTokens(store, viewerA)).every((t) => t.userId === viewerA.userId)).toBe(true);
      expect((await listTokens(store, adminB)).every((t) => t.email === 'admin@b.example')).toBe(true);
    });

    it('writes an audit row for every write, in the acting organisation, without secrets', async () => {
      const before = (await listAudit(store, adminA, { limit: 1000 })).length;
      const t = await createToken(store, adminA, 'audit me');
      await revokeToken(store, adminA, t.id);
      await addUser(store, { email: 'new@a.example', password: PW, org: 'org-a', role: 'viewer' }, adminA);
      const cli = await createTokenForUser(store, 'new@a.example', 'from the cli');
      const after = await listAudit(store, adminA, { limit: 1000 });
      expect(after.length - before).toBe(4);
      expect(after.slice(0, 4).map((e) => e.action)).toEqual([
        'token.create',
        'user.add',
        'token.revoke',
        'token.create',
      ]);
      expect(after[0]).toMatchObject({
        email: 'cli',
        userId: null,
        orgId: 'org-a',
        target: `token:${cli.id}`,
      });
      expect(after[2]).toMatchObject({
        email: 'Admin@A.example',
        userId: adminA.userId,
        target: `token:${t.id}`,
      });
      const text = JSON.stringify(after);
      expect(text).not.toContain(PW);
      expect(text).not.toContain(t.token);
      expect(text).not.toContain(cli.token);
      // B's log holds none of A's entries
      expect((await listAudit(store, adminB, { limit: 1000 })).every((e) => e.orgId === 'org-b')).toBe(true);
    });

    it('records failed logins of a known user in their organisation', async () => {
      await login(store, 'viewer@a.example', 'not the password');
      const [last] = await listAudit(store, adminA, { limit: 1 });
      expect(last).toMatchObject({ action: 'auth.login_failed', target: `user:${viewerA.userId}` });
    });
  });
}

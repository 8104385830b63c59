import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ValidationError } from '../model/errors.js';
import { NotFoundError } from '../model/index.js';
import { ConflictError, ForbiddenError } from '../model/org-errors.js';
import type { Store, StoreTx } from './store.js';

/**
 * Organisations, users, API tokens and the audit log (migration 003; docs/security.md).
 *
 * - Passwords: scrypt (RFC 7914) with a random 16-byte salt per user; the parameters are stored
 *   with the hash (`scrypt$N$r$p$salt$hash`, base64url) so they can be raised later without
 *   invalidating old hashes; compared with `timingSafeEqual`.
 * - Tokens: `tm_` + 32 random bytes in base64url. Only their SHA-256 is stored (a token has 256
 *   bits of entropy, so a fast hash is enough: nobody can brute-force it from the hash), which
 *   makes the lookup one indexed equality. A token is shown once, when it is created.
 * - Every write (user added, token created or revoked, login) writes an audit row in the same
 *   transaction; the audit row never holds a password or a token.
 */

export type Role = 'viewer' | 'analyst' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'analyst', 'admin'];

/** Who is calling: resolved from a token by `authenticate`. */
export interface Principal {
  userId: string;
  email: string;
  orgId: string;
  orgName: string;
  role: Role;
  tokenId: string;
}

export interface UserInfo {
  id: string;
  email: string;
  role: Role;
  orgId: string;
  createdAt: string;
  disabled: boolean;
}

export interface TokenInfo {
  id: string;
  userId: string;
  email: string;
  kind: 'session' | 'api';
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  userId: string | null;
  /** the acting user's e-mail, or "cli" for the local command line */
  email: string | null;
  orgId: string | null;
  action: string;
  target: string;
  detail: unknown;
}

type AccountTables = {
  organisation: { id: string; name: string; name_key: string; created_at: string };
  app_user: {
    id: string;
    email: string;
    email_key: string;
    password_hash: string;
    org_id: string;
    role: string;
    created_at: string;
    disabled_at: string | null;
  };
  api_token: {
    id: string;
    user_id: string;
    token_hash: string;
    kind: string;
    label: string;
    created_at: string;
    last_used_at: string | null;
    expires_at: string | null;
    revoked_at: string | null;
  };
  audit_log: {
    row_id: number;
    at: string;
    user_id: string | null;
    email: string | null;
    org_id: string | null;
    action: string;
    target: string;
    detail: string | null;
  };
};

type Db = Kysely<AccountTables>;
type HasDb = Pick<Store, 'db'> | StoreTx;

function accountsDb(s: HasDb): Db {
  return s.db.withTables<AccountTables>() as unknown as Db;
}

/** Session tokens from `login` expire after this many hours; API tokens do not expire by default. */
export const SESSION_HOURS = 12;
/** `last_used_at` is refreshed at most this often, so authentication is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

// ── passwords ──────────────────────────────────────────────────────────────────────────────────

/** N = 2^15, r = 8, p = 1: OWASP's scrypt minimum; 32 MiB and tens of ms per hash. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` with salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (!(N > 1 && r > 0 && p > 0) || expected.length === 0) return false;
  const key = await scrypt(password, salt, N, r, p, expected.length);
  return timingSafeEqual(key, expected);
}

/** a hash of a random password, verified against when the e-mail is unknown (same time either way) */
let dummyHash: Promise<string> | undefined;

// ── tokens ─────────────────────────────────────────────────────────────────────────────────────

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): string {
  return `tm_${randomBytes(32).toString('base64url')}`;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

const TOKEN_SHAPE = /^tm_[A-Za-z0-9_-]{43}$/;

/** The principal a token stands for, or null if it is unknown, revoked, expired or its user disabled. */
export async function authenticate(store: Store, token: string): Promise<Principal | null> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
  const db = accountsDb(store);
  const row = await db
    .selectFrom('api_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .innerJoin('organisation as o', 'o.id', 'u.org_id')
    .select([
      't.id as token_id',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
      'u.id as user_id',
      'u.email',
      'u.role',
      'u.disabled_at',
      'o.id as org_id',
      'o.name as org_name',
    ])
    .where('t.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.disabled_at !== null) return null;
  const now = new Date();
  if (row.expires_at !== null && row.expires_at <= now.toISOString()) return null;
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
    await db
      .updateTable('api_token')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.token_id)
      .execute();
  }
  return {
    userId: row.user_id,
    email: row.email,
    orgId: row.org_id,
    orgName: row.org_name,
    role: row.role as Role,
    tokenId: row.token_id,
  };
}

/**
 * Checks an e-mail and password; on success issues a session token (expires after SESSION_HOURS).
 * Returns null for an unknown e-mail, a wrong password or a disabled user alike, after the same
 * scrypt work, so the answer and its timing do not tell which.
 */
export async function login(
  store: Store,
  email: string,
  password: string,
): Promise<{ token: string; principal: Principal } | null> {
  if (typeof email !== 'string' || typeof password !== 'string') return null;
  const db = accountsDb(store);
  const user = await db
    .selectFrom('app_user as u')
    .innerJoin('organisation as o', 'o.id', 'u.org_id')
    .select([
      'u.id',
      'u.email',
      'u.role',
      'u.password_hash',
      'u.disabled_at',
      'o.id as org_id',
      'o.name as org_name',
    ])
    .where('u.email_key', '=', emailKey(email))
    .executeTakeFirst();
  if (!user) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return null;
  }
  const ok = await verifyPassword(password, user.password_hash);
  const actor = { userId: user.id, email: user.email, orgId: user.org_id };
  if (!ok || user.disabled_at !== null) {
    await recordAudit(store, actor, 'auth.login_failed', `user:${user.id}`);
    return null;
  }
  const token = newToken();
  const tokenId = newId('tok');
  const now = new Date();
  await store.transaction(async (tx) => {
    await accountsDb(tx)
      .insertInto('api_token')
      .values({
        id: tokenId,
        user_id: user.id,
        token_hash: hashToken(token),
        kind: 'session',
        label: 'login',
        created_at: now.toISOString(),
        last_used_at: null,
        expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
        revoked_at: null,
      })
      .execute();
    await recordAudit(tx, actor, 'auth.login', `token:${tokenId}`);
  });
  return {
    token,
    principal: {
      userId: user.id,
      email: user.email,
      orgId: user.org_id,
      orgName: user.org_name,
      role: user.role as Role,
      tokenId,
    },
  };
}

/**
 * Issues an API token for the calling admin (shown once). The command line issues tokens for any
 * user with `createTokenForUser`.
 */
export async function createToken(
  store: Store,
  principal: Principal,
  label: string,
  opts: { expiresInDays?: number } = {},
): Promise<{ id: string; token: string; label: string; createdAt: string; expiresAt: string | null }> {
  requireRole(principal, 'admin', 'create API tokens');
  return issueToken(store, principal, { userId: principal.userId, orgId: principal.orgId }, label, opts);
}

/** The command line's `trustmap token create EMAIL`: a token for any user (the operator is trusted). */
export async function createTokenForUser(
  store: Store,
  email: string,
  label: string,
  opts: { expiresInDays?: number } = {},
): Promise<{ id: string; token: string; label: string; createdAt: string; expiresAt: string | null }> {
  const user = await accountsDb(store)
    .selectFrom('app_user')
    .select(['id', 'org_id'])
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
  if (!user) throw new NotFoundError('user', email);
  return issueToken(store, null, { userId: user.id, orgId: user.org_id }, label, opts);
}

async function issueToken(
  store: Store,
  actor: Actor | null,
  owner: { userId: string; orgId: string },
  label: string,
  opts: { expiresInDays?: number },
) {
  const clean = typeof label === 'string' ? label.trim() : '';
  if (clean.length === 0 || clean.length > 200)
    throw new ValidationError([{ column: 'label', message: 'a label of 1 to 200 characters is required' }]);
  if (opts.expiresInDays !== undefined && !(opts.expiresInDays > 0 && opts.expiresInDays <= 3650))
    throw new ValidationError([{ column: 'expiresInDays', message: 'between 1 and 3650 days' }]);
  const token = newToken();
  const id = newId('tok');
  const now = new Date();
  const expiresAt =
    opts.expiresInDays === undefined
      ? null
      : new Date(now.getTime() + opts.expiresInDays * 86_400_000).toISOString();
  await store.transaction(async (tx) => {
    await accountsDb(tx)
      .insertInto('api_token')
      .values({
        id,
        user_id: owner.userId,
        token_hash: hashToken(token),
        kind: 'api',
        label: clean,
        created_at: now.toISOString(),
        last_used_at: null,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    await recordAudit(
      tx,
      actor ?? { userId: null, email: 'cli', orgId: owner.orgId },
      'token.create',
      `token:${id}`,
      {
        label: clean,
        user: owner.userId,
        expiresAt,
      },
    );
  });
  return { id, token, label: clean, createdAt: now.toISOString(), expiresAt };
}

/**
 * Revokes a token: any user their own (logout revokes the presented token), an admin any token of
 * a user of their organisation. Any other token id is "not found", whether or not it exists.
 */
export async function revokeToken(store: Store, principal: Principal, tokenId: string): Promise<void> {
  await store.transaction(async (tx) => {
    const db = accountsDb(tx);
    const row = await db
      .selectFrom('api_token as t')
      .innerJoin('app_user as u', 'u.id', 't.user_id')
      .select(['t.id', 't.user_id', 't.revoked_at', 'u.org_id'])
      .where('t.id', '=', String(tokenId))
      .executeTakeFirst();
    const own = row?.user_id === principal.userId;
    const adminOfOrg = principal.role === 'admin' && row?.org_id === principal.orgId;
    if (!row || !(own || adminOfOrg)) throw new NotFoundError('token', String(tokenId));
    if (row.revoked_at !== null) return;
    await db
      .updateTable('api_token')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(tx, principal, 'token.revoke', `token:${row.id}`, { user: row.user_id });
  });
}

/** Tokens (never their text or hash): a user's own; an admin's view covers the organisation. */
export async function listTokens(store: Store, principal: Principal): Promise<TokenInfo[]> {
  let q = accountsDb(store)
    .selectFrom('api_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.user_id',
      'u.email',
      't.kind',
      't.label',
      't.created_at',
      't.last_used_at',
      't.expires_at',
      't.revoked_at',
    ]);
  q =
    principal.role === 'admin'
      ? q.where('u.org_id', '=', principal.orgId)
      : q.where('t.user_id', '=', principal.userId);
  const rows = await q.orderBy('t.created_at', 'desc').orderBy('t.id').execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    email: r.email,
    kind: r.kind as TokenInfo['kind'],
    label: r.label,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  }));
}

// ── users and organisations ────────────────────────────────────────────────────────────────────

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 10;

function orgSlug(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s.length > 0 ? s : 'org';
}

export interface NewUser {
  email: string;
  password: string;
  /** organisation id or name; created (named so) if no organisation has that id or name */
  org: string;
  role: Role;
}

/**
 * Adds a user, creating the organisation if new. With a principal (the HTTP API) only an admin may
 * add users, and only to their own organisation; without one it is the command line's operator.
 */
export async function addUser(
  store: Store,
  input: NewUser,
  by: Principal | null = null,
): Promise<{ user: UserInfo; org: { id: string; name: string; created: boolean } }> {
  if (by) requireRole(by, 'admin', 'add users');
  const issues: { column: string; message: string }[] = [];
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  if (!EMAIL.test(email) || email.length > 254)
    issues.push({ column: 'email', message: 'not an e-mail address' });
  if (
    typeof input.password !== 'string' ||
    input.password.length < MIN_PASSWORD ||
    input.password.length > 1024
  )
    issues.push({
      column: 'password',
      message: `a password of ${MIN_PASSWORD} to 1024 characters is required`,
    });
  if (!ROLES.includes(input.role))
    issues.push({ column: 'role', message: `expected one of ${ROLES.join(', ')}` });
  const orgName = typeof input.org === 'string' ? input.org.trim() : '';
  if (orgName.length === 0 || orgName.length > 200)
    issues.push({ column: 'org', message: 'an organisation name of 1 to 200 characters is required' });
  if (issues.length) throw new ValidationError(issues);
  const passwordHash = await hashPassword(input.password);
  return store.transaction(async (tx) => {
    const db = accountsDb(tx);
    let org = await db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('id', '=', orgName), eb('name_key', '=', orgName.toLowerCase())]))
      .executeTakeFirst();
    let created = false;
    if (by && (!org || org.id !== by.orgId))
      throw new ForbiddenError('add users to another organisation', 'the command line operator');
    if (!org) {
      const base = orgSlug(orgName);
      let id = base;
      for (
        let i = 2;
        await db.selectFrom('organisation').select('id').where('id', '=', id).executeTakeFirst();
        i++
      )
        id = `${base}-${i}`;
      org = { id, name: orgName };
      await db
        .insertInto('organisation')
        .values({ id, name: orgName, name_key: orgName.toLowerCase(), created_at: new Date().toISOString() })
        .execute();
      created = true;
    }
    const key = emailKey(email);
    const taken = await db
      .selectFrom('app_user')
      .select('id')
      .where('email_key', '=', key)
      .executeTakeFirst();
    if (taken) throw new ConflictError(`a user with e-mail ${email} already exists`, 'email');
    const user: UserInfo = {
      id: newId('usr'),
      email,
      role: input.role,
      orgId: org.id,
      createdAt: new Date().toISOString(),
      disabled: false,
    };
    await db
      .insertInto('app_user')
      .values({
        id: user.id,
        email,
        email_key: key,
        password_hash: passwordHash,
        org_id: org.id,
        role: user.role,
        created_at: user.createdAt,
        disabled_at: null,
      })
      .execute();
    const actor = by ?? { userId: null, email: 'cli', orgId: org.id };
    if (created) await recordAudit(tx, actor, 'org.create', `org:${org.id}`, { name: org.name });
    await recordAudit(tx, actor, 'user.add', `user:${user.id}`, { email, role: user.role });
    return { user, org: { id: org.id, name: org.name, created } };
  });
}

/** Users of the caller's organisation (admin only); every user when called by the command line. */
export async function listUsers(store: Store, principal: Principal | null): Promise<UserInfo[]> {
  if (principal) requireRole(principal, 'admin', 'list users');
  let q = accountsDb(store)
    .selectFrom('app_user')
    .select(['id', 'email', 'role', 'org_id', 'created_at', 'disabled_at']);
  if (principal) q = q.where('org_id', '=', principal.orgId);
  const rows = await q.orderBy('org_id').orderBy('email_key').execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role as Role,
    orgId: r.org_id,
    createdAt: r.created_at,
    disabled: r.disabled_at !== null,
  }));
}

/** An organisation by id or (case-insensitive) name; NotFoundError if none. */
export async function findOrganisation(
  store: HasDb,
  idOrName: string,
): Promise<{ id: string; name: string }> {
  const key = String(idOrName).trim();
  const org = await accountsDb(store)
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('id', '=', key), eb('name_key', '=', key.toLowerCase())]))
    .executeTakeFirst();
  if (!org) throw new NotFoundError('organisation', key);
  return org;
}

export async function listOrganisations(
  store: Store,
): Promise<{ id: string; name: string; users: number }[]> {
  const db = accountsDb(store);
  const rows = await db
    .selectFrom('organisation as o')
    .leftJoin('app_user as u', 'u.org_id', 'o.id')
    .select(['o.id', 'o.name', (eb) => eb.fn.count<number>('u.id').as('users')])
    .groupBy(['o.id', 'o.name'])
    .orderBy('o.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, users: Number(r.users) }));
}

// ── roles ──────────────────────────────────────────────────────────────────────────────────────

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

export function hasRole(principal: Pick<Principal, 'role'>, needed: Role): boolean {
  return RANK[principal.role] >= RANK[needed];
}

/** Throws ForbiddenError unless the principal has at least `needed`. */
export function requireRole(principal: Pick<Principal, 'role'>, needed: Role, action: string): void {
  if (!hasRole(principal, needed))
    throw new ForbiddenError(action, needed === 'admin' ? 'admins' : `${needed}s and above`);
}

// ── audit ──────────────────────────────────────────────────────────────────────────────────────

/** Who acted: a principal, or the command line (userId null, email "cli") for an organisation. */
export type Actor = Pick<Principal, 'email' | 'orgId'> & { userId: string | null };

/**
 * Appends an audit row. Pass the transaction of the write it records, so both commit or neither.
 * `detail` is stored as JSON; never put a password or a token in it.
 */
export async function recordAudit(
  storeOrTx: HasDb,
  principal: Actor | null,
  action: string,
  target: string,
  detail?: unknown,
): Promise<void> {
  await accountsDb(storeOrTx)
    .insertInto('audit_log')
    .values({
      at: new Date().toISOString(),
      user_id: principal?.userId ?? null,
      email: principal?.email ?? 'cli',
      org_id: principal?.orgId ?? null,
      action,
      target,
      detail: detail === undefined ? null : JSON.stringify(detail),
    } as never)
    .execute();
}

/** The organisation's audit log, newest first (admin only); the command line (null) sees all. */
export async function listAudit(
  store: Store,
  principal: Principal | null,
  opts: { limit?: number; before?: number } = {},
): Promise<AuditEntry[]> {
  if (principal) requireRole(principal, 'admin', 'read the audit log');
  const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 100)));
  let q = accountsDb(store).selectFrom('audit_log').selectAll();
  if (principal) q = q.where('org_id', '=', principal.orgId);
  if (opts.before !== undefined) q = q.where('row_id', '<', opts.before);
  const rows = await q.orderBy('row_id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: Number(r.row_id),
    at: r.at,
    userId: r.user_id,
    email: r.email,
    orgId: r.org_id,
    action: r.action,
    target: r.target,
    detail: r.detail === null ? null : JSON.parse(r.detail),
  }));
}

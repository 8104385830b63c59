import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  addUser,
  createToken,
  listAudit,
  listTokens,
  listUsers,
  login,
  ROLES,
  revokeToken,
} from '../../store/accounts.js';
import { principalOf, requireRole, type ServerContext } from '../context.js';
import { ApiError } from '../errors.js';

/** Login, logout, me; users, tokens and the audit log (admin). Writes are audited by the store. */

const Login = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const NewUser = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  },
  { additionalProperties: false },
);

const NewToken = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 200 }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

const TokenId = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
const NoQuery = Type.Object({}, { additionalProperties: false });

export function registerAccountRoutes(api: FastifyInstance, ctx: ServerContext): void {
  api.post<{ Body: Static<typeof Login> }>(
    '/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'exchange e-mail and password for a session token',
        body: Login,
        security: [],
      },
      config: {
        rateLimit: {
          max: ctx.limits.loginMax,
          timeWindow: ctx.limits.rateWindowMs,
          keyGenerator: (r) => `login:${r.ip}`,
        },
      },
    },
    async (req) => {
      const res = await login(ctx.store, req.body.email, req.body.password);
      if (!res) throw new ApiError(401, 'unauthorized', 'wrong e-mail or password');
      const p = res.principal;
      return {
        token: res.token,
        user: { id: p.userId, email: p.email, role: p.role },
        org: { id: p.orgId, name: p.orgName },
      };
    },
  );

  api.post(
    '/auth/logout',
    { schema: { tags: ['accounts'], summary: 'revoke the presented token', querystring: NoQuery } },
    async (req, reply) => {
      const p = principalOf(req);
      await revokeToken(ctx.store, p, p.tokenId);
      ctx.auth.revoke(p.tokenId);
      return reply.status(204).send();
    },
  );

  api.get(
    '/me',
    { schema: { tags: ['accounts'], summary: 'who the token stands for', querystring: NoQuery } },
    async (req) => {
      const p = principalOf(req);
      return { user: { id: p.userId, email: p.email, role: p.role }, org: { id: p.orgId, name: p.orgName } };
    },
  );

  api.get(
    '/users',
    {
      schema: { tags: ['admin'], summary: "users of the caller's organisation", querystring: NoQuery },
      preHandler: requireRole('admin'),
    },
    async (req) => listUsers(ctx.store, principalOf(req)),
  );

  api.post<{ Body: Static<typeof NewUser> }>(
    '/users',
    {
      schema: { tags: ['admin'], summary: "add a user to the caller's organisation", body: NewUser },
      preHandler: requireRole('admin'),
    },
    async (req, reply) => {
      const p = principalOf(req);
      const res = await addUser(ctx.store, { ...req.body, org: p.orgId }, p);
      ctx.auth.clear();
      return reply.status(201).send(res);
    },
  );

  api.get(
    '/tokens',
    {
      schema: {
        tags: ['admin'],
        summary: "the organisation's tokens (never their text)",
        querystring: NoQuery,
      },
      preHandler: requireRole('admin'),
    },
    async (req) => listTokens(ctx.store, principalOf(req)),
  );

  api.post<{ Body: Static<typeof NewToken> }>(
    '/tokens',
    {
      schema: { tags: ['admin'], summary: 'issue an API token (its text is shown once)', body: NewToken },
      preHandler: requireRole('admin'),
    },
    async (req, reply) => {
      const { label, expiresInDays } = req.body;
      const res = await createToken(
        ctx.store,
        principalOf(req),
        label,
        expiresInDays ? { expiresInDays } : {},
      );
      return reply.status(201).send(res);
    },
  );

  api.delete<{ Params: Static<typeof TokenId> }>(
    '/tokens/:id',
    {
      schema: { tags: ['admin'], summary: 'revoke a token of the organisation', params: TokenId },
      preHandler: requireRole('admin'),
    },
    async (req, reply) => {
      await revokeToken(ctx.store, principalOf(req), req.params.id);
      ctx.auth.revoke(req.params.id);
      return reply.status(204).send();
    },
  );

  api.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    {
      schema: {
        tags: ['admin'],
        summary: "the organisation's audit log, newest first",
        querystring: AuditQuery,
      },
      preHandler: requireRole('admin'),
    },
    async (req) => listAudit(ctx.store, principalOf(req), req.query),
  );
}

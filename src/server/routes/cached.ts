import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReadView } from '../../store/read-view.js';
import { cacheKey } from '../cache.js';
import { principalOf, type ServerContext, viewOf } from '../context.js';
import { toJsonText } from '../serialize.js';

/**
 * Answers with the cached JSON text of a read-only analysis run on the caller's view: the public
 * data overlaid with its organisation's rows (`orgRepository(…).view()`). The key is the view's
 * cache key (`public:<version>` while the organisation has no data of its own, else
 * `org:<org>:<public>.<org version>`), the route and its parameters; so an organisation's import
 * changes only its own keys, and no two organisations share a result that includes own rows.
 * The serialised bytes are cached (not the object), so a hit costs one lookup and one write.
 */
export async function sendCached(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
  route: string,
  params: Record<string, unknown>,
  compute: (view: ReadView) => Promise<unknown>,
): Promise<FastifyReply> {
  const { view, key } = await viewOf(ctx, principalOf(req));
  const body = await ctx.cache.get(cacheKey([key, route], params), async () =>
    Buffer.from(toJsonText(await compute(view)), 'utf8'),
  );
  return reply.type('application/json; charset=utf-8').send(body);
}

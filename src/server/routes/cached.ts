import type { FastifyReply } from 'fastify';
import { cacheKey } from '../cache.js';
import { currentDataVersion, type ServerContext } from '../context.js';
import { toJsonText } from '../serialize.js';

/**
 * Answers with the cached JSON text of a read-only analysis of the public data, keyed by the
 * store's data version, the route and its parameters; computes and caches it when absent.
 * The serialised bytes are cached (not the object), so a hit costs one lookup and one write.
 */
export async function sendCached(
  ctx: ServerContext,
  reply: FastifyReply,
  route: string,
  params: Record<string, unknown>,
  compute: () => Promise<unknown>,
): Promise<FastifyReply> {
  const version = await currentDataVersion(ctx);
  const body = await ctx.cache.get(cacheKey(['public', version, route], params), async () =>
    Buffer.from(toJsonText(await compute()), 'utf8'),
  );
  return reply.type('application/json; charset=utf-8').send(body);
}

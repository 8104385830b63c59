import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export function registerRunRoutes(_api: FastifyInstance, _ctx: ServerContext): void {}

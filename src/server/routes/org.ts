import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export function registerOrgRoutes(_api: FastifyInstance, _ctx: ServerContext): void {}

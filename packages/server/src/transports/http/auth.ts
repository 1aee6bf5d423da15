import { ParleyError } from '@parley/protocol';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { secretMatches } from '../../domain/auth/app-secret.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user (client REST). */
    uid: string;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}

/**
 * Run as `onRequest` hooks, before the body is read or validated: a caller without the right
 * credentials learns nothing from the schema's answers and costs no parsing.
 */
export function requireUser(ctx: AppContext): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearer(request);
    if (!token) throw new ParleyError('auth.required', 'Send Authorization: Bearer <token>');
    request.uid = (await ctx.tokens.verify(token)).uid;
  };
}

export function requireAdmin(ctx: AppContext): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearer(request);
    if (!token) throw new ParleyError('auth.required', 'Send Authorization: Bearer <app secret>');
    if (!secretMatches(token, ctx.config.appSecret)) throw new ParleyError('auth.admin_required');
  };
}

import { DevLoginBody, ErrorBody, ParleyError, TokenResult } from '@parley/protocol';
import type { Routes } from '../routes.js';

/** Anyone may log in by uid, so the web app works at once on a fresh checkout. Development mode only. */
export const devRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/dev/login',
    {
      schema: {
        tags: ['development'],
        summary: 'Log in as any uid (development mode only); creates the user if needed',
        body: DevLoginBody,
        response: { 200: TokenResult, 403: ErrorBody },
      },
    },
    async (req) => {
      if (ctx.config.mode !== 'development') throw new ParleyError('auth.dev_login_disabled');
      const existing = await ctx.storage.users.get(req.body.uid);
      if (!existing) await ctx.users.upsert(req.body.uid, {});
      return ctx.tokens.issue(req.body.uid);
    },
  );
};

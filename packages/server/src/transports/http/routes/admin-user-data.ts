import { Readable } from 'node:stream';
import { ErrorBody, Uid, UserEraseBody, UserErasure, UserExport } from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const UidParams = Type.Object({ uid: Uid });
const errors = { '4xx': ErrorBody };
const admin = { tags: ['admin: users'], security: [{ appSecret: [] }] };

/** A user's data: exported (streamed) and erased (GDPR and its peers); see docs/operations.md. */
export const adminUserDataRoutes: Routes = (app, ctx) => {
  app.get(
    '/v1/admin/users/:uid/export',
    {
      schema: {
        ...admin,
        summary:
          "Everything stored of a user, as one JSON document streamed page by page: profile, groups, conversations, the messages they sent, their reactions, their files' records",
        params: UidParams,
        response: { 200: UserExport, ...errors },
      },
    },
    async (req, reply) => {
      // An unknown uid fails here, before the first byte: the answer is then an ordinary error.
      const pieces = await ctx.userExport.open(req.params.uid);
      const body = Readable.from(pieces, { objectMode: false });
      // Once streaming, an error can only cut the document short (the client sees invalid JSON): say why in the log.
      body.on('error', (err) => req.log.error({ err }, 'user export failed while streaming'));
      // A stream is sent as is: the 200 schema only describes it (OpenAPI), nothing serializes through it.
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="parley-export-${req.params.uid}.json"`)
        .header('cache-control', 'no-store')
        .send(body as never);
    },
  );
  app.delete(
    '/v1/admin/users/:uid',
    {
      schema: {
        ...admin,
        summary:
          'Erase a user: account, tokens (refused at once), connections, conversation state, memberships and files go; their messages stay at their seqs as erased placeholders ({type: 999}). Bounded steps; calling it again finishes an interrupted erasure',
        params: UidParams,
        body: UserEraseBody,
        response: { 200: UserErasure, ...errors },
      },
    },
    async (req) => ctx.userErasure.erase(req.params.uid),
  );
};

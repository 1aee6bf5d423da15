import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const Health = Type.Object({
  status: Type.String(),
  mode: Type.String(),
  storage: Type.String(),
  nodeId: Type.Integer({ description: 'PARLEY_NODE_ID of the node that answered: which one a load balancer picked' }),
  connections: Type.Integer(),
  bus: Type.Object({
    kind: Type.String({ description: 'memory, redis or nats' }),
    connected: Type.Boolean({ description: 'false while the broker is away: this node reaches only its own clients' }),
    reconnects: Type.Integer(),
  }),
  uptimeSeconds: Type.Number(),
});

export const healthRoutes: Routes = (app, ctx) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness and readiness',
        response: { 200: Health, 503: Health },
      },
    },
    async (_req, reply) => {
      const bus = ctx.router.busStatus();
      // Without its broker a node still serves its own clients, so it stays in rotation, degraded.
      const status = ctx.isShuttingDown() ? 'shutting_down' : bus.connected ? 'ok' : 'degraded';
      if (status === 'shutting_down') reply.status(503);
      return {
        status,
        mode: ctx.config.mode,
        storage: ctx.storage.dialect,
        nodeId: ctx.config.nodeId,
        connections: ctx.router.connectionCount,
        bus,
        uptimeSeconds: process.uptime(),
      };
    },
  );
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (text format)' } }, async (_req, reply) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};

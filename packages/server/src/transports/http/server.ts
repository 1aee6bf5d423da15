import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { requireAdmin, requireUser } from './auth.js';
import { installErrorHandlers, replyWithError } from './errors.js';
import { installJsonParser } from './json-body.js';
import { adminConsoleRoutes } from './routes/admin-console.js';
import { adminGroupRoutes } from './routes/admin-groups.js';
import { adminMessageRoutes } from './routes/admin-messages.js';
import { adminPresenceRoutes } from './routes/admin-presence.js';
import { adminSessionRoutes } from './routes/admin-sessions.js';
import { adminUserDataRoutes } from './routes/admin-user-data.js';
import { adminUserRoutes } from './routes/admin-users.js';
import { adminWebhookRoutes } from './routes/admin-webhooks.js';
import { conversationRoutes } from './routes/conversations.js';
import { devRoutes } from './routes/dev.js';
import { fileRoutes } from './routes/files.js';
import { groupRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { messageActionRoutes } from './routes/message-actions.js';
import { messageRoutes } from './routes/messages.js';
import { searchRoutes } from './routes/search.js';
import { syncOnceRoutes } from './routes/sync-once.js';
import { userRoutes } from './routes/users.js';
import { webRoutes } from './routes/web.js';
import { wukongimRoutes } from './routes/wukongim.js';
import type { TypedApp } from './routes.js';
import { schemaCompiler } from './validation.js';

export interface HttpServerOptions {
  /** The words above the REST reference on /docs: the composition root passes the WebSocket protocol's. */
  apiDescription?: string;
}

export async function createHttpServer(ctx: AppContext, options: HttpServerOptions = {}): Promise<TypedApp> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    // Per-request log lines would dominate the log and the send path; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: Math.max(ctx.config.limits.payloadMaxBytes * 2, 64 * 1024),
    return503OnClosing: true,
    // Bad percent-encoding and over-long path parameters leave in the documented error shape too.
    frameworkErrors: (err, request, reply) => replyWithError(err, request, reply),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(schemaCompiler());
  installJsonParser(app, ctx.config.limits);
  installErrorHandlers(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Parley API', version: '0.1.0', description: options.apiDescription ?? '' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A client token (admin API or dev login)' },
          appSecret: { type: 'http', scheme: 'bearer', description: 'The app secret (PARLEY_APP_SECRET)' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await fileRoutes(app, ctx);
  for (const routes of [healthRoutes, devRoutes]) routes(app, ctx);
  // One hook per audience, run before the body is read: a route cannot be added without it.
  await app.register(async (clientApi) => {
    clientApi.addHook('onRequest', requireUser(ctx));
    for (const routes of [
      messageRoutes,
      messageActionRoutes,
      searchRoutes,
      syncOnceRoutes,
      conversationRoutes,
      groupRoutes,
      userRoutes,
      wukongimRoutes,
    ])
      routes(clientApi, ctx);
  });
  await app.register(async (adminApi) => {
    adminApi.addHook('onRequest', requireAdmin(ctx));
    for (const routes of [
      adminUserRoutes,
      adminPresenceRoutes,
      adminSessionRoutes,
      adminUserDataRoutes,
      adminGroupRoutes,
      adminMessageRoutes,
      adminConsoleRoutes,
      adminWebhookRoutes,
    ])
      routes(adminApi, ctx);
  });
  await webRoutes(app, ctx);
  return app;
}

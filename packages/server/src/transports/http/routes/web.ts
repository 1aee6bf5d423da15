import type { Routes } from '../routes.js';

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Parley is running</h1>
<p>The web chat app is not built into this version yet. The API is: see <a href="/docs">/docs</a> for REST and the
WebSocket protocol, <a href="/healthz">/healthz</a> and <a href="/metrics">/metrics</a>.</p>
</body></html>`;

export const webRoutes: Routes = (app) => {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(page));
};

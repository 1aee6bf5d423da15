import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import type { TypedApp } from '../routes.js';

/**
 * What the web app (a Vite React build) needs from this same server, and nothing more: its own
 * scripts and styles (React sets inline style attributes, hence 'unsafe-inline' for styles only),
 * images it uploaded or previews (blob:, data:) and users' avatars, which apps keep on their own
 * servers or a CDN (https: only: never a plain-http mixed-content image), REST on 'self' and the
 * WebSocket (ws:/wss:, which older browsers do not count as 'self').
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data: https:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names every file under assets/ by its content hash, so a name never changes meaning. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Parley is running</h1>
<p>The web chat app has not been built. Build it with <code>npm run build:web</code> at the repository root and
restart the server, or just run <code>npm start</code>, which builds it when it is missing. (Parley serves the
build from <code>PARLEY_WEB_DIR</code>, by default <code>packages/web/dist</code>.)</p>
<p>The API works already: see <a href="/docs">/docs</a> for REST and the WebSocket protocol,
<a href="/healthz">/healthz</a> and <a href="/metrics">/metrics</a>.</p>
</body></html>`;

const consolePlaceholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley admin console</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>The admin console is not built</h1>
<p>It is built with the web app: run <code>npm run build:web</code> at the repository root and restart the
server, or just run <code>npm start</code>. (Parley serves it from <code>admin.html</code> in
<code>PARLEY_WEB_DIR</code>, by default <code>packages/web/dist</code>.)</p>
<p>The admin API works already: see <a href="/docs">/docs</a>.</p>
</body></html>`;

/**
 * The admin console (`admin.html`, a second entry of the same Vite build) at `/admin` and every path
 * under it: it routes by path, so a deep link or a reload of `/admin/users/alice` gets the page too.
 * Read from disk per request, as the static files are, so a rebuild is served without a restart.
 */
function consolePageRoutes(app: TypedApp, root: string): void {
  const file = path.join(root, 'admin.html');
  const built = fs.existsSync(file);
  const page = async (_req: unknown, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', WEB_CSP)
      .send(built ? await fs.promises.readFile(file) : consolePlaceholder);
  app.get('/admin', { schema: { hide: true } }, page);
  app.get('/admin/*', { schema: { hide: true } }, page);
}

/**
 * The web app at `/`, in every mode. Whether it is built is decided once at start (`npm start`
 * builds before starting); unknown paths fall through to the JSON 404 (the app routes by hash,
 * so it needs no fallback to index.html).
 */
export async function webRoutes(app: TypedApp, ctx: AppContext): Promise<void> {
  const root = ctx.config.webDir;
  consolePageRoutes(app, root);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', WEB_CSP)
        .send(placeholder),
    );
    return;
  }
  const assets = path.join(root, 'assets') + path.sep;
  await app.register(fastifyStatic, {
    root,
    // @fastify/swagger-ui registers this plugin for /docs too; only one may decorate the reply.
    decorateReply: false,
    // Build folders hold no dotfiles worth serving; hide any as unknown paths.
    dotfiles: 'ignore',
    // Set below, per file: send's own default (max-age=0) fits neither kind.
    cacheControl: false,
    setHeaders(reply, file) {
      // index.html (and anything else unhashed) must be revalidated, or a deploy would keep
      // serving an old page that names assets no longer there.
      reply.header('cache-control', file.startsWith(assets) ? IMMUTABLE : 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
      if (file.endsWith('.html')) reply.header('content-security-policy', WEB_CSP);
    },
  });
}

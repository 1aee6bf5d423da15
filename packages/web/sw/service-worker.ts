/// <reference lib="webworker" />
/**
 * Parley's service worker: it keeps the app shell (index.html and the hashed scripts and styles it
 * names) so the app opens while the server is down, and says it is reconnecting instead of
 * showing the browser's error page. vite.config.ts builds it into dist/sw.js, after the page, with
 * `SHELL`: the build's version and the shell's files.
 *
 * What it never touches: the API, /healthz, uploads, the WebSocket (a service worker never sees
 * one), the admin console: only the shell's own GETs are answered, everything else goes to the
 * network as if there were no worker.
 *
 * Updates: a new build changes `SHELL.version`, so the browser installs the new worker on the next
 * visit or update check. It takes over at once (skipWaiting, then clients.claim) and deletes the
 * older shells: nothing an open page of the older build still needs is lost by that (its code is
 * loaded; it loads no chunks later), and a reload always gets the new page first from the
 * network. The page sees the change of controller and offers a reload (see src/shell).
 */
// A classic script (module workers are not everywhere yet), so `self` keeps its global type: name the scope.
const sw = self as unknown as ServiceWorkerGlobalScope;
declare const SHELL: { version: string; files: string[] };

const PREFIX = 'parley-shell-';
const CACHE = `${PREFIX}${SHELL.version}`;
const files = new Set(SHELL.files);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Past the HTTP cache: index.html must be this build's, not one the browser kept.
      await cache.addAll(SHELL.files.map((file) => new Request(file, { cache: 'reload' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (request.mode === 'navigate') {
    // The page from the network when it answers (a new build shows at once), the kept one when not.
    if (url.pathname === '/' || url.pathname === '/index.html')
      event.respondWith(fetch(request).catch(async () => (await caches.match('/', { cacheName: CACHE })) ?? Response.error()));
    return;
  }
  // Hashed names never change meaning: the kept copy is the right one.
  if (files.has(url.pathname)) event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});

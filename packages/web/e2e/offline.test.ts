import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@parley/test-kit/free-port';
import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp, type Window } from './harness.js';

// The restarted server must come back where the page left it.
const port = await freePort();

/** The service worker's caches and, for each, the paths it keeps. */
const cached = (w: Window) =>
  w.page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const key of await caches.keys()) out[key] = (await (await caches.open(key)).keys()).map((r) => new URL(r.url).pathname).sort();
    return out;
  });

describe.skipIf(!available)('web app: the shell while the server is down', () => {
  const app = useWebApp({ PORT: String(port) });

  it(
    'a reload with the server stopped shows the app, reconnecting; it reconnects by itself; API answers are never kept',
    async () => {
      await app.t.ensureUsers('vic', 'uma');
      await app.adminSend('vic', 'uma', 'see you offline');
      const uma = await app.signIn('uma');
      // Refused dials while the server is away are the point of this test.
      uma.allowErrors(/ERR_CONNECTION_REFUSED/);
      await uma.item('p2p|vic').waitFor();
      await uma.page.waitForFunction(() => navigator.serviceWorker.controller !== null);

      const shell = Object.values(await cached(uma));
      expect(shell).toHaveLength(1);
      for (const file of shell[0] ?? []) expect(file).toMatch(/^\/$|^\/assets\/[\w-]+\.(js|css)$/);

      await app.t.server.close();
      await uma.page.locator('.connection[data-status="reconnecting"]').waitFor();
      await uma.page.reload();
      // The page comes from the shell, and the list from the SDK's cache (IndexedDB), while it reconnects.
      await uma.item('p2p|vic').waitFor();
      await uma.page.locator('.connection', { hasText: 'Offline, reconnecting…' }).waitFor();
      await uma.shot('14-offline-shell');

      await app.t.restart();
      await uma.online();
      await uma.item('p2p|vic').locator('.conversation-preview', { hasText: 'see you offline' }).waitFor();
      // Still only the shell: nothing the API or /healthz answered was kept.
      expect(Object.values(await cached(uma))).toEqual(shell);
    },
    LONG,
  );

  it(
    'a new build takes over at once: the older shell is deleted and the page offers a reload',
    async () => {
      const wes = await app.signIn('wes');
      await wes.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      const [before] = Object.keys(await cached(wes));

      // What a deploy does: the worker's file changes (a new build's version), the page stays open.
      const worker = path.join(app.webDir, 'sw.js');
      const source = fs.readFileSync(worker, 'utf8');
      fs.writeFileSync(worker, source.replace(/"version":"(\w+)"/, '"version":"$1-next"'));
      try {
        await wes.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
        await wes.page.getByRole('status').filter({ hasText: 'A new version of Parley is ready' }).waitFor();
        // The new worker controls the page before its activation has deleted the older shell.
        await wes.page.waitForFunction(async (want) => (await caches.keys()).join() === want, `${before}-next`);
        await wes.page.getByRole('button', { name: 'Reload' }).click();
        await wes.online();
        await wes.page.locator('.update-banner').waitFor({ state: 'detached' });
      } finally {
        fs.writeFileSync(worker, source);
      }
    },
    LONG,
  );
});

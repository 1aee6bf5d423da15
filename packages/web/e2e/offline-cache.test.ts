import { freePort } from '@parley/test-kit/free-port';
import { describe, expect, it } from 'vitest';
import { available, LONG, SHELL_FROM_DISK_ARGS, useWebApp, type Window } from './harness.js';

// The restarted server must come back where the page left it.
const port = await freePort();

/** How many records one object store of the SDK's IndexedDB (`parley:<uid>`) holds in this page. */
const countIn = (w: Window, uid: string, store: 'outbox' | 'conversations' | 'messages') =>
  w.page.evaluate(
    ([name, storeName]) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        // Never create the database here: only the app does.
        open.onupgradeneeded = () => open.transaction?.abort();
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction(storeName).objectStore(storeName).count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
        };
      }),
    [`parley:${uid}`, store] as const,
  );
const waitingSends = (w: Window, uid: string) => countIn(w, uid, 'outbox');

describe.skipIf(!available)('web app: the local cache (IndexedDB)', () => {
  const app = useWebApp({ PORT: String(port) }, { chromiumArgs: SHELL_FROM_DISK_ARGS });

  /** `me` signed in with the chat with `peer` open, where `peer` said `text`. */
  async function inChat(me: string, peer: string, text: string): Promise<Window> {
    await app.t.ensureUsers(me, peer);
    await app.adminSend(peer, me, text);
    const w = await app.signIn(me);
    await w.open(`p2p|${peer}`);
    await w.message(text).waitFor();
    return w;
  }

  /** Stops the server; the page says it is reconnecting. */
  async function serverDown(w: Window): Promise<void> {
    await app.t.server.close();
    await w.page.locator('.connection[data-status="reconnecting"]').waitFor();
  }

  it(
    'a reload while the server is down shows the list and the open chat from the cache, and goes on once it is back',
    async () => {
      const ned = await inChat('ned', 'ola', 'kept on this device');
      await ned.keepAppShell(app.webDir);
      await serverDown(ned);
      await ned.page.reload();
      // Nothing of this can come from the server: it is down.
      await ned.item('p2p|ola').waitFor();
      await ned.message('kept on this device').waitFor();
      await ned.page.locator('.me-name', { hasText: 'ned' }).waitFor();
      expect(await ned.page.locator('.connection').getAttribute('data-status')).toMatch(/^(connecting|reconnecting)$/);
      await ned.shot('13-offline-from-cache');

      await app.t.restart();
      await ned.online(LONG);
      await app.adminSend('ola', 'ned', 'once the server is back');
      await ned.message('once the server is back').waitFor();
      expect(await ned.message('kept on this device').count()).toBe(1);
    },
    LONG,
  );

  it(
    'a message sent while the server is down survives a reload and is delivered once when it is back',
    async () => {
      const pia = await inChat('pia', 'quin', 'are you there?');
      const quin = await app.signIn('quin');
      await quin.open('p2p|pia');
      await pia.keepAppShell(app.webDir);
      await serverDown(pia);
      await pia.page.getByLabel('Message', { exact: true }).fill('sent while offline');
      await pia.page.getByLabel('Message', { exact: true }).press('Enter');
      await pia.message('sent while offline').locator('.state', { hasText: 'Sending…' }).waitFor();
      await expect.poll(() => waitingSends(pia, 'pia'), { timeout: LONG }).toBe(1);

      await pia.page.reload();
      // Back from the outbox, still waiting.
      await pia.message('sent while offline').locator('.state', { hasText: 'Sending…' }).waitFor();
      await app.t.restart();
      await pia.online(LONG);
      await pia
        .message('sent while offline')
        .locator('.state', { hasText: /Sent|Read/ })
        .waitFor();
      await quin.online(LONG);
      await quin.message('sent while offline').waitFor();
      await expect.poll(() => waitingSends(pia, 'pia'), { timeout: LONG }).toBe(0);
      expect(await pia.message('sent while offline').count()).toBe(1);
      expect(await quin.message('sent while offline').count()).toBe(1);
      expect(await app.t.storage.messages.count({ channelType: 1, channelId: 'pia|quin' })).toBe(2);
    },
    LONG,
  );

  it(
    "signing out empties the user's cache, and the next user on the browser starts from nothing of theirs",
    async () => {
      const w = await inChat('ray', 'sue', 'for ray only');
      await expect.poll(() => countIn(w, 'ray', 'conversations'), { timeout: LONG }).toBe(1);
      expect(await countIn(w, 'ray', 'messages')).toBe(1);

      await w.page.getByRole('button', { name: 'Sign out' }).click();
      await w.page.getByLabel('User id').waitFor();
      await expect.poll(() => countIn(w, 'ray', 'conversations'), { timeout: LONG }).toBe(0);
      expect(await countIn(w, 'ray', 'messages')).toBe(0);

      await w.page.getByLabel('User id').fill('sue');
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await w.online();
      await w.item('p2p|ray').waitFor();
      expect(await w.order()).toEqual(['p2p|ray']);
    },
    LONG,
  );
});

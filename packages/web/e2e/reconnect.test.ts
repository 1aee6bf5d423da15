import { freePort } from '@parley/test-kit/free-port';
import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

// The restarted server must come back where the page left it.
const port = await freePort();

describe.skipIf(!available)('web app: reconnecting', () => {
  const app = useWebApp({ PORT: String(port) });

  it(
    'a message sent while the server restarts appears in the open chat once, in order, and is counted read',
    async () => {
      await app.t.ensureUsers('hal', 'gus');
      await app.adminSend('hal', 'gus', 'before the restart');
      const gus = await app.signIn('gus');
      await gus.open('p2p|hal');
      await gus.message('before the restart').waitFor();

      await app.t.server.close();
      await gus.page.locator('.connection[data-status="reconnecting"]').waitFor();
      await app.t.restart();
      // At once, before the page's backoff lets it reconnect.
      await app.adminSend('hal', 'gus', 'sent while you reconnected');
      await gus.online();
      await app.adminSend('hal', 'gus', 'sent after');
      await gus.message('sent after').waitFor();

      await gus.message('sent while you reconnected').waitFor();
      expect(await gus.message('sent while you reconnected').count()).toBe(1);
      const texts = await gus.page.locator('.messages .row p.text').allTextContents();
      expect(texts.filter((t) => t.startsWith('sent'))).toEqual(['sent while you reconnected', 'sent after']);
      // The chat is open and visible: what arrived is read, so no badge stays behind.
      await gus.item('p2p|hal').locator('.badge').waitFor({ state: 'detached' });
      await gus.shot('12-after-reconnect');
    },
    LONG,
  );

  it(
    'messages read while offline are reported read once the page is connected again',
    async () => {
      await app.t.ensureUsers('ola', 'pim');
      for (let n = 1; n <= 25; n++) await app.adminSend('ola', 'pim', `m${n}`);
      const ola = await app.signIn('ola');
      const pim = await app.signIn('pim');
      pim.allowErrors(/ERR_CONNECTION_REFUSED/);
      await pim.open('p2p|ola');
      await pim.item('p2p|ola').locator('.badge').waitFor({ state: 'detached' });
      await pim.page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));
      await ola.open('p2p|pim');
      await ola.send('read me offline');
      await pim.page.getByRole('button', { name: '1 new message' }).waitFor();

      await app.t.server.close();
      await pim.page.locator('.connection[data-status="reconnecting"]').waitFor();
      // Seen while the server is away: the receipt and the read mark cannot go out yet.
      await pim.page.getByRole('button', { name: '1 new message' }).click();
      await pim.message('read me offline').waitFor();
      await app.t.restart();
      await ola.online();
      await pim.online();
      await ola.message('read me offline').locator('.state', { hasText: 'Read' }).waitFor();
      await pim.item('p2p|ola').locator('.badge').waitFor({ state: 'detached' });
      expect(await pim.item('p2p|ola').locator('.badge').count()).toBe(0);
    },
    LONG,
  );
});

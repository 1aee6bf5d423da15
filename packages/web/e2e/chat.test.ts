import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/src/test-support/server.js';
import { available, buildWebApp, launchChromium, startServer, Window } from './harness.js';

const LONG = 120_000;

describe.skipIf(!available)('the web app in Chromium: two people chatting', () => {
  let t: TestServer;
  let webDir: string;
  let browser: Browser;
  const windows: Window[] = [];
  const signIn = async (uid: string, viewport?: { width: number; height: number }) => {
    const w = await Window.signIn(browser, t.url, uid, viewport);
    windows.push(w);
    return w;
  };

  beforeAll(async () => {
    webDir = await buildWebApp();
    t = await startServer(webDir);
    browser = await launchChromium();
  }, LONG);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail')
      for (const [i, w] of windows.entries()) await w.shot(`failed-${ctx.task.name.slice(0, 40)}-${i}`);
  });
  afterAll(async () => {
    for (const w of windows) expect(w.errors, 'errors in the page').toEqual([]);
    await browser?.close();
    await t?.close();
    if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
  });

  it(
    'chat both ways: unread badge, total and preview update live; reading clears them; the sender sees "Read"',
    async () => {
      const alice = await signIn('alice');
      const bob = await signIn('bob');
      await alice.shot('01-empty-list');

      await alice.newChat('bob');
      await alice.send('Hi Bob, lunch today?');
      const fromAlice = bob.item('p2p|alice');
      await fromAlice.locator('.badge', { hasText: '1' }).waitFor();
      await fromAlice.locator('.conversation-preview', { hasText: 'Hi Bob, lunch today?' }).waitFor();
      await bob.page.getByTestId('total-unread').filter({ hasText: '1' }).waitFor();
      expect(await bob.page.title()).toBe('(1) Parley');
      await bob.shot('02-unread-badge');

      await alice.send('At noon?');
      await fromAlice.locator('.badge', { hasText: '2' }).waitFor();
      await fromAlice.locator('.conversation-preview', { hasText: 'At noon?' }).waitFor();

      await bob.open('p2p|alice');
      await bob.message('At noon?').waitFor();
      await fromAlice.locator('.badge').waitFor({ state: 'detached' });
      await bob.page.getByTestId('total-unread').waitFor({ state: 'detached' });
      await alice.message('At noon?').locator('.state', { hasText: 'Read' }).waitFor();

      await bob.send('Sounds good, see you there');
      await alice.message('Sounds good, see you there').waitFor();
      await alice.item('p2p|bob').locator('.conversation-preview', { hasText: 'Sounds good' }).waitFor();
      // Alice has the chat open, so what arrives there is read at once.
      await alice.item('p2p|bob').locator('.badge').waitFor({ state: 'detached' });
      await bob.message('Sounds good, see you there').locator('.state', { hasText: 'Read' }).waitFor();
      await alice.shot('03-chat');
    },
    LONG,
  );
});

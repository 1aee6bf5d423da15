import fs from 'node:fs';
import { CloseCode } from '@parley/protocol';
import { clientMsgNo, text } from '@parley/test-kit/server';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp, type Window } from './harness.js';

const SECRET = 'console-e2e-app-secret-0123456789-abcdefghij';
const DB_PASSWORD = 'console-e2e-db-password';

/** Waits for what the page shows, however slow the machine (vitest's default is one second). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });

/** A figure of the live page, as shown. */
const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"] .admin-figure-value`);

/** Nothing of the console's is kept by the browser: no storage, no cookie. */
async function expectNothingStored(w: Window): Promise<void> {
  const kept = await w.page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
  expect(kept).toEqual({ local: 0, session: 0, cookie: '' });
  expect(await w.context.cookies()).toEqual([]);
}

describe.skipIf(!available)('admin console', () => {
  // Production mode with a secret of the test's own. The storage is the harness's SQLite: DATABASE_URL is
  // never dialled, it is there to be shown masked on the configuration page.
  const app = useWebApp({
    PARLEY_MODE: 'production',
    PARLEY_APP_SECRET: SECRET,
    DATABASE_URL: `postgres://parley:${DB_PASSWORD}@db.internal:5432/parley`,
    // The live figures test sends as fast as it can.
    PARLEY_SEND_RATE_PER_SEC: '0',
  });

  async function signedIn(path = '/admin'): Promise<Window> {
    const w = await app.open(undefined, path);
    await w.page.getByLabel('App secret').fill(SECRET);
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.page.getByRole('navigation', { name: 'Console sections' }).waitFor();
    return w;
  }

  it(
    'signs in with the app secret only: a wrong one is refused with a clear error; nothing is stored and a reload signs out',
    async () => {
      const w = await app.open(undefined, '/admin/users');
      // The refused sign-in's 403 is logged by Chromium as a failed resource.
      w.allowErrors(/status of 403/);
      await w.page.getByRole('heading', { name: 'Parley admin' }).waitFor();
      await w.page.getByLabel('App secret').fill(`${SECRET}-wrong`);
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await w.page.getByRole('alert').filter({ hasText: 'The server refused this app secret' }).waitFor();
      await w.shot('20-console-wrong-secret');

      await w.page.getByLabel('App secret').fill(SECRET);
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await w.page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await poll(() => w.page.getByRole('link', { name: 'Users' }).getAttribute('aria-current')).toBe('page');
      await expectNothingStored(w);

      await w.page.reload();
      await w.page.getByLabel('App secret').waitFor();
      expect(new URL(w.page.url()).pathname).toBe('/admin/users');
      expect(await w.page.getByRole('navigation', { name: 'Console sections' }).count()).toBe(0);
    },
    LONG,
  );

  it(
    'finds users by uid prefix, opens one, and issues a token shown once that the API accepts',
    async () => {
      const { t } = app;
      await t.ensureUsers('cn-alice', 'cn-alfred', 'cn-bob', 'cn-Al');
      await t.adminOk('POST', '/groups', { groupId: 'cn-crew', channelType: 2, name: 'Crew', ownerUid: 'cn-bob', members: ['cn-alice'] });
      await t.adminOk('POST', '/groups', { groupId: 'cn-others', channelType: 2, ownerUid: 'cn-bob', members: ['cn-alfred'] });
      await t.adminOk('POST', '/users/cn-alice/blacklist', { uids: ['cn-bob'] });
      const w = await signedIn();
      await w.page.getByLabel('Uid prefix').fill('cn-al');
      await w.page.getByLabel('Uid prefix').press('Enter');
      await w.page.getByRole('status').filter({ hasText: 'starting with “cn-al”' }).waitFor();
      // Case-sensitive, in uid order.
      expect(await w.page.locator('tr[data-uid]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-uid')))).toEqual([
        'cn-alfred',
        'cn-alice',
      ]);
      expect(new URL(w.page.url()).search).toBe('?prefix=cn-al');
      await w.shot('21-console-users');

      await w.page.getByRole('link', { name: 'cn-alice', exact: true }).click();
      await w.page.getByRole('heading', { name: 'cn-alice', level: 1 }).waitFor();
      // The heading takes the focus after a navigation, for keyboard and screen reader users.
      await poll(() => w.page.evaluate(() => document.activeElement?.textContent)).toBe('cn-alice');
      const groups = w.page.getByRole('region', { name: 'Groups' });
      await groups
        .getByRole('row', { name: /cn-crew/ })
        .getByRole('cell', { name: 'Member', exact: true })
        .waitFor();
      await w.page.getByRole('region', { name: 'Blacklist' }).getByRole('link', { name: 'cn-bob' }).waitFor();

      await w.context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await w.page.getByRole('button', { name: 'Issue token' }).click();
      const box = w.page.getByLabel('Token for cn-alice');
      await box.waitFor();
      const token = await box.inputValue();
      expect(token.length).toBeGreaterThan(20);
      await w.page.getByRole('button', { name: 'Copy token' }).click();
      await w.page.getByRole('status').filter({ hasText: 'Copied to the clipboard' }).waitFor();
      expect(await w.page.evaluate(() => navigator.clipboard.readText())).toBe(token);
      // A token for cn-alice, as the API sees it: the group is readable by its members only.
      const group = await t.http('GET', '/v1/groups/cn-crew', { token });
      expect([group.status, group.body.groupId]).toEqual([200, 'cn-crew']);
      const elsewhere = await t.http('GET', '/v1/groups/cn-others', { token });
      expect([elsewhere.status, elsewhere.body.code]).toEqual([403, 'conversation.forbidden']);
      await w.shot('22-console-user');

      // Shown once: leaving the page forgets it.
      await w.page.getByRole('link', { name: 'Users', exact: true }).click();
      await w.page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      await w.page.goBack();
      await w.page.getByRole('heading', { name: 'cn-alice', level: 1 }).waitFor();
      await w.page.getByRole('button', { name: 'Issue token' }).waitFor();
      expect(await w.page.getByLabel('Token for cn-alice').count()).toBe(0);
    },
    LONG,
  );

  it(
    "exports a user's data as a JSON download, then erases them once the uid is typed: their token stops working and their message is a placeholder",
    async () => {
      const { t } = app;
      await t.ensureUsers('ce-gone', 'ce-peer');
      const words = 'words only ce-gone wrote';
      await t.adminOk('POST', '/messages', {
        fromUid: 'ce-gone',
        channelId: 'ce-peer',
        channelType: 1,
        clientMsgNo: clientMsgNo(),
        payload: text(words),
      });
      const goneToken = await t.token('ce-gone');
      const w = await signedIn('/admin/users/ce-gone');
      await w.page.getByRole('heading', { name: 'ce-gone', level: 1 }).waitFor();

      const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByRole('button', { name: 'Export data' }).click()]);
      expect(download.suggestedFilename()).toBe('parley-user-ce-gone.json');
      const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
      expect([exported.uid, exported.messages.map((m: { payload: { content?: string } }) => m.payload.content)]).toEqual([
        'ce-gone',
        [words],
      ]);

      await w.page.getByRole('button', { name: 'Erase user…' }).click();
      const submit = w.page.getByRole('button', { name: 'Erase for good' });
      expect(await submit.isDisabled()).toBe(true);
      await w.page.getByLabel('Type the uid to confirm').fill('ce-gon');
      expect(await submit.isDisabled()).toBe(true);
      await w.page.getByLabel('Type the uid to confirm').fill('ce-gone');
      await submit.click();
      await w.page.getByRole('status').filter({ hasText: 'ce-gone was erased' }).waitFor();
      await w.shot('25-console-erased');

      const refused = await t.http('GET', '/v1/conversations', { token: goneToken });
      expect([refused.status, refused.body.code]).toEqual([401, 'auth.invalid_token']);
      const history = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|ce-gone')}/messages`, {
        token: await t.token('ce-peer'),
      });
      expect(history.status).toBe(200);
      expect(history.body.messages.map((m: { payload: unknown }) => m.payload)).toEqual([{ type: 999 }]);
      expect(JSON.stringify(history.body)).not.toContain(words);
    },
    LONG,
  );

  it(
    'bans a user from their page: their open WebSocket closes and their token is refused; unbanning lets the same token work again',
    async () => {
      const { t } = app;
      await t.ensureUsers('cb-banned');
      const token = await t.token('cb-banned');
      const socket = await t.connect('cb-banned', 'cb-phone');
      const w = await signedIn('/admin/users/cb-banned');
      await w.page.getByRole('status').filter({ hasText: 'Not banned' }).waitFor();

      await w.page.getByRole('button', { name: 'Ban', exact: true }).click();
      await w.page.getByRole('status').filter({ hasText: 'Banned since' }).waitFor();
      await w.page.getByRole('button', { name: 'Unban' }).waitFor();
      await socket.closed;
      expect(socket.closeCode).toBe(CloseCode.Banned);
      const refused = await t.http('GET', '/v1/conversations', { token });
      expect([refused.status, refused.body.code]).toEqual([403, 'auth.banned']);
      expect((await t.adminOk('GET', '/users/cb-banned')).bannedAt).toBeGreaterThan(0);
      await w.shot('26-console-banned');

      await w.page.getByRole('button', { name: 'Unban' }).click();
      await w.page.getByRole('status').filter({ hasText: 'Not banned' }).waitFor();
      expect((await t.http('GET', '/v1/conversations', { token })).status).toBe(200);
      expect((await t.adminOk('GET', '/users/cb-banned')).bannedAt).toBe(0);
    },
    LONG,
  );

  it(
    'opens a group with its members and roles, mutes a member, makes one admin and adds one, as the API then shows',
    async () => {
      const { t } = app;
      await t.ensureUsers('cg-owner', 'cg-bob', 'cg-carol', 'cg-dan');
      await t.adminOk('POST', '/groups', {
        groupId: 'cg-team',
        channelType: 2,
        name: 'Team',
        ownerUid: 'cg-owner',
        members: ['cg-bob', 'cg-carol'],
      });
      const w = await signedIn('/admin/groups');
      await w.page.getByLabel('Group id prefix').fill('cg-');
      await w.page.getByRole('button', { name: 'Find' }).click();
      await w.page.getByRole('link', { name: 'cg-team' }).click();
      await w.page.getByRole('heading', { name: 'Team (cg-team)', level: 1 }).waitFor();
      const row = (uid: string) => w.page.locator(`tr[data-member="${uid}"]`);
      await poll(() => row('cg-owner').locator('.member-role').textContent()).toBe('Owner');
      expect(await row('cg-bob').locator('.member-role').textContent()).toBe('Member');
      expect(await row('cg-bob').locator('.member-muted').textContent()).toBe('No');

      await w.page.getByRole('button', { name: 'Mute cg-bob', exact: true }).click();
      await w.page
        .getByRole('status')
        .filter({ hasText: /^Muted cg-bob$/ })
        .waitFor();
      expect(await row('cg-bob').locator('.member-muted').textContent()).toBe('Muted');
      await w.page.getByRole('button', { name: 'Make cg-carol an admin' }).click();
      await w.page.getByRole('status').filter({ hasText: 'cg-carol is an admin' }).waitFor();
      expect(await row('cg-carol').locator('.member-role').textContent()).toBe('Admin');
      await w.page.getByLabel(/Add members/).fill('cg-dan');
      await w.page.getByLabel(/Add members/).press('Enter');
      await row('cg-dan').waitFor();
      await w.shot('23-console-group');

      const members = Object.fromEntries(
        (await t.adminOk('GET', '/groups/cg-team/members')).members.map((m: { uid: string }) => [m.uid, m]),
      );
      expect(members['cg-bob']).toMatchObject({ role: 0, mutedUntil: -1 });
      expect(members['cg-carol']).toMatchObject({ role: 1, mutedUntil: 0 });
      expect(members['cg-dan']).toMatchObject({ role: 0 });
      // The mute holds where it matters: bob's send is refused with ReasonSendBan (25).
      const bob = await t.connect('cg-bob');
      const ack = await bob.request('message.send', {
        channelId: 'cg-team',
        channelType: 2,
        clientMsgNo: clientMsgNo(),
        payload: text('hi'),
      });
      expect(ack.reasonCode).toBe(25);
      await bob.close();

      await w.page.getByRole('button', { name: 'Unmute cg-bob', exact: true }).click();
      await w.page.getByRole('status').filter({ hasText: 'Unmuted cg-bob' }).waitFor();
      expect((await t.adminOk('GET', '/groups/cg-team/members')).members.find((m: { uid: string }) => m.uid === 'cg-bob').mutedUntil).toBe(
        0,
      );
    },
    LONG,
  );

  it(
    'shows live figures from the server: online users and connections follow sockets, messages per second move with sends',
    async () => {
      const { t } = app;
      await t.ensureUsers('cl-a', 'cl-b');
      const w = await signedIn();
      // By keyboard: the section links are reachable and Enter opens one.
      const live = w.page.getByRole('link', { name: 'Live figures' });
      await live.focus();
      await live.press('Enter');
      await w.page.getByRole('heading', { name: 'Live figures', level: 1 }).waitFor();
      await poll(() => w.page.evaluate(() => document.activeElement?.textContent)).toBe('Live figures');
      const online = async () => Number(await figure(w.page, 'online-users').textContent());
      const connections = async () => Number(await figure(w.page, 'connections').textContent());
      await figure(w.page, 'online-users').waitFor();
      // No other test keeps a socket open.
      await poll(async () => [await online(), await connections()]).toEqual([0, 0]);

      const a1 = await t.connect('cl-a', 'd1');
      const a2 = await t.connect('cl-a', 'd2');
      const b = await t.connect('cl-b', 'd1');
      await poll(async () => [await online(), await connections()]).toEqual([2, 3]);

      const sentBefore = Number(await figure(w.page, 'messages-total').textContent());
      // Sends until the page shows a rate above zero: the two samples around some of them differ.
      let sent = 0;
      let showing = false;
      const rateShown = w.page
        .waitForFunction(
          () => Number(document.querySelector('[data-figure="messages-per-second"] .admin-figure-value')?.textContent) > 0,
          undefined,
          { timeout: 60_000 },
        )
        .then(() => {
          showing = true;
        });
      while (!showing) {
        const ack = await a1.request('message.send', {
          channelId: 'cl-b',
          channelType: 1,
          clientMsgNo: clientMsgNo(),
          payload: text(`m${sent}`),
        });
        expect(ack.reasonCode).toBe(1);
        sent++;
        if (sent % 10 === 0) await Promise.race([rateShown, new Promise((r) => setTimeout(r, 100))]);
      }
      await rateShown;
      await poll(async () => Number(await figure(w.page, 'messages-total').textContent())).toBe(sentBefore + sent);
      await w.shot('24-console-live');

      await a2.close();
      await b.close();
      await poll(async () => [await online(), await connections()]).toEqual([1, 1]);
      await a1.close();
    },
    LONG,
  );

  it(
    'shows the active configuration with secrets masked, and the raw secrets nowhere in the page',
    async () => {
      const w = await signedIn('/admin/config');
      await w.page.getByRole('heading', { name: 'Configuration', level: 1 }).waitFor();
      const value = (key: string) => w.page.locator(`tr[data-key="${key}"] td`);
      await value('appSecret').waitFor();
      expect(await value('appSecret').textContent()).toBe('********masked');
      expect(await value('databaseUrl').textContent()).toBe('postgres://parley:********@db.internal:5432/parley' + 'masked');
      expect(await value('mode').textContent()).toBe('production');
      expect(await value('limits.textMaxChars').textContent()).toBe('5000');
      expect(await value('busUrl').textContent()).toBe('not set');
      await w.shot('25-console-config');

      const html = await w.page.content();
      const shown = await w.page.evaluate(() => document.body.innerText);
      for (const raw of [SECRET, DB_PASSWORD]) {
        expect(html).not.toContain(raw);
        expect(shown).not.toContain(raw);
      }
      await expectNothingStored(w);
    },
    LONG,
  );
});

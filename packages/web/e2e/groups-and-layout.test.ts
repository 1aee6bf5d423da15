import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

describe.skipIf(!available)('web app: groups, long lists, phone-sized windows', () => {
  const app = useWebApp();

  it(
    'creates a group and adds a member (development mode); a mention shows as [@me]',
    async () => {
      const jack = await app.signIn('jack');
      const kim = await app.signIn('kim');
      await jack.page.getByRole('button', { name: 'New group' }).click();
      await jack.page.getByLabel('Name').fill('Trip');
      await jack.page.getByLabel('Members: user ids, separated by commas or spaces').fill('kim, leo');
      await jack.page.getByRole('button', { name: 'Create group' }).click();
      await jack.page.locator('.chat-title h2', { hasText: 'Trip' }).waitFor();
      await jack.page.locator('.notice', { hasText: 'jack created the group "Trip"' }).waitFor();
      await jack.page.locator('.chat-title', { hasText: '3 members' }).waitFor();

      const trip = kim.page.locator('li[data-conversation-id^="team|"]', { hasText: 'Trip' });
      await trip.locator('.conversation-preview', { hasText: 'jack created the group "Trip"' }).waitFor();
      expect(await trip.locator('.badge').count(), 'a notice is not unread').toBe(0);

      await jack.send('@kim bring snacks');
      await trip.locator('.mention', { hasText: '[@me]' }).waitFor();
      await trip.locator('.badge', { hasText: '1' }).waitFor();
      await trip.locator('.conversation-preview', { hasText: 'jack: @kim bring snacks' }).waitFor();

      await jack.choose(jack.page.locator('.chat-header'), 'Conversation actions', 'Add members');
      await jack.page.getByLabel('User ids, separated by commas or spaces').fill('mia');
      await jack.page.getByRole('button', { name: 'Add', exact: true }).click();
      await jack.page.locator('.notice', { hasText: 'jack added mia' }).waitFor();
      await jack.page.locator('.chat-title', { hasText: '4 members' }).waitFor();
      const mia = await app.signIn('mia');
      await mia.page.locator('li[data-conversation-id^="team|"]', { hasText: 'Trip' }).waitFor();

      await trip.locator('.conversation-open').click();
      await kim.page.locator('.chat-title', { hasText: '4 members' }).waitFor();
      await kim.message('@kim bring snacks').locator('.sender', { hasText: 'jack' }).waitFor();
      await trip.locator('.mention').waitFor({ state: 'detached' });
      await kim.send('on it');
      await jack.message('on it').waitFor();
      await jack.message('@kim bring snacks').locator('.state', { hasText: 'Read by 1' }).waitFor();

      // The README's screenshot: a pinned group with a reaction, and an unread 1:1 chat below it.
      await jack.choose(jack.message('on it'), 'Message actions', 'React 🎉');
      await kim.message('on it').getByRole('button', { name: '🎉 1' }).waitFor();
      await kim.choose(kim.page.locator('.chat-header'), 'Conversation actions', 'Pin to top');
      await app.t.ensureUsers('rita');
      await app.adminSend('rita', 'kim', 'Are we still on for Friday?');
      await kim.item('p2p|rita').locator('.badge', { hasText: '1' }).waitFor();
      expect((await kim.order())[0]).toMatch(/^team\|/);
      await kim.shot('08-group');
    },
    LONG,
  );

  it(
    'a list of 70 conversations renders as you scroll, newest first',
    async () => {
      const fans = Array.from({ length: 70 }, (_, i) => `fan${i + 1}`);
      await app.t.ensureUsers('nora', ...fans);
      for (const fan of fans) await app.adminSend(fan, 'nora', `hello from ${fan}`);
      const nora = await app.signIn('nora');
      await nora.waitForOrder('p2p|fan70', 'p2p|fan69');
      const rows = nora.page.locator('li[data-conversation-id]');
      expect(await rows.count()).toBeLessThan(70);
      while ((await rows.count()) < 70) {
        const before = await rows.count();
        await nora.page.locator('.list-end').scrollIntoViewIfNeeded();
        await nora.page.waitForFunction((n) => document.querySelectorAll('li[data-conversation-id]').length > n, before);
      }
      expect((await nora.order()).at(-1)).toBe('p2p|fan1');
      await nora.page.getByTestId('total-unread').filter({ hasText: '70' }).waitFor();
    },
    LONG,
  );

  it(
    'works on a phone-sized window: the list, then the chat with a back button',
    async () => {
      const olga = await app.signIn('olga', { width: 390, height: 780 });
      await app.t.ensureUsers('paul');
      await app.adminSend('paul', 'olga', 'hi from a phone test');
      await olga.item('p2p|paul').waitFor();
      await olga.shot('09-phone-list');
      await olga.open('p2p|paul');
      expect(await olga.page.locator('.sidebar').isVisible()).toBe(false);
      await olga.message('hi from a phone test').waitFor();
      await olga.send('replying from my phone');
      await olga.shot('10-phone-chat');
      await olga.page.getByRole('button', { name: 'Back to conversations' }).click();
      await olga.page.locator('.sidebar').waitFor();
      expect(await olga.page.locator('.pane').isVisible()).toBe(false);
    },
    LONG,
  );

  it(
    'system notices: listed and readable, with no composer',
    async () => {
      await app.t.ensureUsers('sam');
      await app.t.adminOk('POST', '/messages', {
        channelId: 'sam',
        channelType: 4,
        payload: { type: 1, content: 'Your invoice is ready' },
      });
      const sam = await app.signIn('sam');
      const notices = sam.item('system|sam');
      await notices.locator('.conversation-name', { hasText: 'System notices' }).waitFor();
      await notices.locator('.conversation-preview', { hasText: 'Your invoice is ready' }).waitFor();
      await sam.open('system|sam');
      await sam.message('Your invoice is ready').waitFor();
      await notices.locator('.badge').waitFor({ state: 'detached' });
      expect(await sam.page.getByLabel('Message', { exact: true }).count()).toBe(0);
    },
    LONG,
  );

  it(
    'links to conversations that do not exist say so instead of breaking the page',
    async () => {
      const ted = await app.signIn('ted');
      const base = app.t.url;
      const groupLookup = ted.page.waitForResponse((r) => r.url().endsWith('/v1/groups/nosuchgroup'));
      await ted.page.goto(`${base}/#/c/team%7Cnosuchgroup`);
      await ted.page.getByRole('alert').filter({ hasText: 'This conversation cannot be opened' }).waitFor();
      expect((await groupLookup).status()).toBe(404);
      // Chromium logs that 404 as an error; here it is the expected answer.
      ted.allowErrors(/status of 404/);
      await ted.page.goto(`${base}/#/c/p2p%7Cbad%20uid`);
      await ted.page.getByText('There is no conversation “p2p|bad uid”.').waitFor();
      await ted.page.goto(`${base}/#/c/%E0%A4%A`);
      await ted.page.getByText('Pick a conversation').waitFor();
      await ted.online();
    },
    LONG,
  );
});

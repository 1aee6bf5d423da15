import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';
import { sentRequests } from './page-io.js';

/** Noon, `days` days before today, on this machine's (and the browser's) clock. */
const noonDaysAgo = (days: number) => {
  const d = new Date();
  d.setDate(d.getDate() - days);
  d.setHours(12, 0, 0, 0);
  return d.getTime();
};

describe.skipIf(!available)('web app: reading', () => {
  const app = useWebApp();

  it(
    'messages count as read only once on screen: none while scrolled up, where "new messages" leads down to them',
    async () => {
      await app.t.ensureUsers('fay', 'gil');
      for (let n = 1; n <= 25; n++) await app.adminSend('fay', 'gil', `m${n}`);
      const fay = await app.signIn('fay');
      const gil = await app.signIn('gil');
      const sent = sentRequests(gil.page);
      await gil.page.reload();
      await gil.online();
      await gil.open('p2p|fay');
      await gil.item('p2p|fay').locator('.badge').waitFor({ state: 'detached' });
      await gil.page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));

      await fay.open('p2p|gil');
      await fay.send('are you there?');
      const id = (await fay.message('are you there?').getAttribute('data-message-id')) as string;
      await gil.message('are you there?').waitFor();
      // A request gil makes now goes out after any the new message led to: none of them may read it.
      await gil.choose(gil.message('m1'), 'Message actions', 'React 👍');
      await fay.message('m1').getByRole('button', { name: '👍 1' }).waitFor();
      const reaction = sent.findIndex((r) => r.method === 'message.addReaction');
      expect(reaction).toBeGreaterThan(0);
      const before = sent.slice(0, reaction);
      expect(before.filter((r) => r.method === 'message.readReceipt' && (r.params.messageIds as string[]).includes(id))).toEqual([]);
      expect(before.filter((r) => r.method === 'conversation.markRead' && (r.params.seq as number) > 25)).toEqual([]);
      expect(await fay.message('are you there?').locator('.state').textContent()).toContain('Sent');
      await gil.item('p2p|fay').locator('.badge', { hasText: '1' }).waitFor();
      await gil.page.getByRole('button', { name: '1 new message' }).waitFor();
      await gil.shot('14-new-messages-below');

      await gil.page.getByRole('button', { name: '1 new message' }).click();
      await fay.message('are you there?').locator('.state', { hasText: 'Read' }).waitFor();
      await gil.item('p2p|fay').locator('.badge').waitFor({ state: 'detached' });
      await gil.page.getByRole('button', { name: /new message|Jump to latest/ }).waitFor({ state: 'detached' });
    },
    LONG,
  );

  it(
    'a line for each day, and "New messages" above the first unread when a chat opens, kept while you read',
    async () => {
      await app.t.ensureUsers('hue', 'ida', 'jon');
      const threeDaysAgo = noonDaysAgo(3);
      app.t.frozenAt = threeDaysAgo;
      await app.adminSend('hue', 'ida', 'three days ago');
      app.t.frozenAt = noonDaysAgo(1);
      await app.adminSend('hue', 'ida', 'yesterday');
      app.t.frozenAt = undefined;
      await app.adminSend('hue', 'ida', 'today');
      await app.adminSend('jon', 'ida', 'another chat');

      const ida = await app.signIn('ida');
      await ida.open('p2p|hue');
      await ida.message('today').waitFor();
      const weekday = await ida.page.evaluate((t) => new Date(t).toLocaleDateString(undefined, { weekday: 'long' }), threeDaysAgo);
      const shown = () =>
        ida.page
          .locator('.messages > *')
          .evaluateAll((els) =>
            els
              .map((el) =>
                el.classList.contains('day-separator')
                  ? `[${el.textContent}]`
                  : el.classList.contains('unread-divider')
                    ? '--new--'
                    : (el.querySelector('p.text')?.textContent ?? ''),
              )
              .filter(Boolean),
          );
      expect(await shown()).toEqual([`[${weekday}]`, '--new--', 'three days ago', '[Yesterday]', 'yesterday', '[Today]', 'today']);
      await ida.item('p2p|hue').locator('.badge').waitFor({ state: 'detached' });

      await ida.open('p2p|jon');
      await app.adminSend('hue', 'ida', 'new one');
      await app.adminSend('hue', 'ida', 'new two');
      await ida.item('p2p|hue').locator('.badge', { hasText: '2' }).waitFor();
      await ida.open('p2p|hue');
      await ida.message('new two').waitFor();
      await ida.item('p2p|hue').locator('.badge').waitFor({ state: 'detached' });
      expect((await shown()).slice(-5), 'read now, and the line stays where it was').toEqual([
        '[Today]',
        'today',
        '--new--',
        'new one',
        'new two',
      ]);
      await ida.shot('15-days-and-unread-line');
    },
    LONG,
  );
});

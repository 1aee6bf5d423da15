import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp, type Window } from './harness.js';

interface Seen {
  title: string;
  body: string | undefined;
  tag: string | undefined;
}

/**
 * Grants the notification permission as the user would (through the browser, not the page), and
 * records every notification the page creates, by wrapping the real window.Notification (which
 * still shows each one): the app's own code runs unchanged.
 */
const notificationsGranted =
  (origin: string) =>
  async (context: BrowserContext): Promise<void> => {
    await context.grantPermissions(['notifications'], { origin });
    await context.addInitScript(() => {
      const Real = window.Notification;
      const seen: Array<{ title: string; body?: string; tag?: string; notification: Notification }> = [];
      Object.assign(window, { seenNotifications: seen });
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          seen.push({ title, body: options?.body, tag: options?.tag, notification: this });
        }
      };
    });
  };

const seen = (w: Window): Promise<Seen[]> =>
  w.page.evaluate(() =>
    (window as unknown as { seenNotifications: Seen[] }).seenNotifications.map(({ title, body, tag }) => ({ title, body, tag })),
  );

/** Waits until the page has shown a notification with this body. */
const waitForNotification = (w: Window, body: string) =>
  w.page.waitForFunction((b) => (window as unknown as { seenNotifications: Seen[] }).seenNotifications.some((n) => n.body === b), body);

describe.skipIf(!available)('web app: desktop notifications', () => {
  const app = useWebApp();

  it(
    'once switched on, notify of messages in chats that are not open, never of your own; a click opens the chat',
    async () => {
      await app.t.ensureUsers('lee', 'nia');
      const max = await app.signIn('max', undefined, notificationsGranted(app.t.url));
      const bell = max.page.getByRole('button', { name: 'Desktop notifications' });
      expect(await bell.getAttribute('aria-pressed')).toBe('false');

      // Off until the user turns them on.
      await app.adminSend('lee', 'max', 'before they were on');
      await max.item('p2p|lee').waitFor();
      await bell.click();
      await max.page.locator('.notifications-toggle[aria-pressed="true"]').waitFor();

      await app.adminSend('lee', 'max', 'hello max');
      await waitForNotification(max, 'hello max');

      // The open chat, on screen: no notification; a chat in the background: one.
      await max.open('p2p|lee');
      await app.adminSend('lee', 'max', 'you are looking at this');
      await max.message('you are looking at this').waitFor();
      // max's own message from another device, in a chat that is not open.
      const phone = await app.signIn('max');
      await phone.newChat('nia');
      await phone.send('sent from my phone');
      await max.item('p2p|nia').locator('.conversation-preview', { hasText: 'sent from my phone' }).waitFor();
      await app.adminSend('nia', 'max', 'hi from nia');
      await waitForNotification(max, 'hi from nia');

      expect(await seen(max)).toEqual([
        { title: 'lee', body: 'hello max', tag: 'p2p|lee' },
        { title: 'nia', body: 'hi from nia', tag: 'p2p|nia' },
      ]);

      await max.page.evaluate(() =>
        (
          window as unknown as { seenNotifications: Array<{ notification: Notification }> }
        ).seenNotifications[1]?.notification.dispatchEvent(new Event('click')),
      );
      await max.page.locator('.chat-title h2', { hasText: 'nia' }).waitFor();

      // Off again: the switch is kept across a reload, and nothing more is shown.
      await bell.click();
      await max.page.locator('.notifications-toggle[aria-pressed="false"]').waitFor();
      await max.page.reload();
      await max.online();
      expect(await max.page.locator('.notifications-toggle').getAttribute('aria-pressed')).toBe('false');
    },
    LONG,
  );

  it(
    'in a group: named by the group, with the sender; the group notices never notify',
    async () => {
      await app.t.ensureUsers('oli');
      const pat = await app.signIn('pat', undefined, notificationsGranted(app.t.url));
      await pat.page.getByRole('button', { name: 'Desktop notifications' }).click();
      await pat.page.locator('.notifications-toggle[aria-pressed="true"]').waitFor();
      const oli = await app.signIn('oli');
      await oli.newGroup('Band', 'pat');
      await pat.page.locator('li[data-conversation-id^="team|"]', { hasText: 'Band' }).waitFor();
      await oli.send('rehearsal at 8');
      await waitForNotification(pat, 'oli: rehearsal at 8');
      expect((await seen(pat)).map((n) => [n.title, n.body])).toEqual([['Band', 'oli: rehearsal at 8']]);
    },
    LONG,
  );
});

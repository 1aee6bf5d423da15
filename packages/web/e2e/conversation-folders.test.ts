import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

describe.skipIf(!available)('web app: mute, archive, labels and drafts', () => {
  const app = useWebApp();

  it(
    'mutes with an icon, archives into the Archived entry, filters by a label chip, and keeps a draft across chat switches and devices',
    async () => {
      await app.t.ensureUsers('fold-bob', 'fold-carol', 'fold-dave');
      const alice = await app.signIn('fold-alice');
      await app.adminSend('fold-bob', 'fold-alice', 'from bob');
      await app.adminSend('fold-carol', 'fold-alice', 'from carol');
      await alice.waitForOrder('p2p|fold-carol', 'p2p|fold-bob');

      // Mute for 8 hours: the icon, a quiet badge, and the total counts only what is not muted.
      await alice.page.getByTestId('total-unread').filter({ hasText: '2' }).waitFor();
      await alice.choose(alice.item('p2p|fold-bob'), 'Conversation actions', 'Mute for 8 hours');
      await alice.item('p2p|fold-bob').getByRole('img', { name: 'Muted' }).waitFor();
      await alice.page.getByTestId('total-unread').filter({ hasText: '1' }).waitFor();
      expect(await alice.page.title()).toBe('(1) Parley');
      const muted = (
        await app.t.http('GET', '/v1/conversations?limit=10', { token: await app.t.token('fold-alice') })
      ).body.conversations.find((c: { conversationId: string }) => c.conversationId === 'p2p|fold-bob');
      expect(muted.mutedUntil).toBeGreaterThan(Date.now() + 7 * 3_600_000);

      // Archive: out of the list, into "Archived (1)"; back with the entry.
      await alice.choose(alice.item('p2p|fold-bob'), 'Conversation actions', 'Archive');
      await alice.item('p2p|fold-bob').waitFor({ state: 'detached' });
      await alice.page.getByRole('button', { name: 'Archived (1)' }).click();
      await alice.item('p2p|fold-bob').waitFor();
      await alice.item('p2p|fold-carol').waitFor({ state: 'detached' });
      await alice.shot('folders-01-archived');
      await alice.page.getByRole('button', { name: 'All', exact: true }).click();
      await alice.item('p2p|fold-carol').waitFor();

      // Labels: a chip on the conversation and one in the filter row.
      await alice.choose(alice.item('p2p|fold-carol'), 'Conversation actions', 'Labels…');
      await alice.page.getByLabel('Labels, separated by commas').fill('work');
      await alice.page.getByRole('button', { name: 'Save labels' }).click();
      await alice.item('p2p|fold-carol').locator('.label-chip', { hasText: 'work' }).waitFor();
      await alice.page.getByRole('button', { name: 'work', exact: true }).click();
      await alice.waitForOrder('p2p|fold-carol');
      await alice.shot('folders-02-label');
      await alice.page.getByRole('button', { name: 'All', exact: true }).click();

      // Draft: typed in one chat, kept when another is opened, shown in the list and on another device.
      await app.adminSend('fold-dave', 'fold-alice', 'from dave');
      await alice.open('p2p|fold-carol');
      await alice.page.getByLabel('Message', { exact: true }).fill('half a thought');
      await alice.open('p2p|fold-dave');
      await alice.item('p2p|fold-carol').locator('.conversation-preview', { hasText: 'Draft: half a thought' }).waitFor();
      await alice.open('p2p|fold-carol');
      await alice.page.getByLabel('Message', { exact: true }).and(alice.page.locator('textarea')).waitFor();
      await alice.page.waitForFunction(
        () => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value === 'half a thought',
      );
      const laptop = await app.signIn('fold-alice');
      await laptop.item('p2p|fold-carol').locator('.conversation-preview', { hasText: 'Draft: half a thought' }).waitFor();
      await alice.shot('folders-03-draft');
      // Sending it from the other device clears it here.
      await laptop.open('p2p|fold-carol');
      await laptop.page.waitForFunction(
        () => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value === 'half a thought',
      );
      await laptop.page.getByLabel('Message', { exact: true }).press('Enter');
      await laptop
        .message('half a thought')
        .locator('.state', { hasText: /Sent|Read/ })
        .waitFor();
      await alice.open('p2p|fold-dave');
      await alice.item('p2p|fold-carol').locator('.conversation-preview', { hasText: 'half a thought' }).waitFor();
      await alice.item('p2p|fold-carol').locator('.draft-mark').waitFor({ state: 'detached' });
    },
    LONG,
  );
});

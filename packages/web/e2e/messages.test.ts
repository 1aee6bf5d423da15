import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';
import { watchOverlap } from './page-io.js';
import { noisePng } from './png.js';

describe.skipIf(!available)('web app: working with messages', () => {
  const app = useWebApp();

  it(
    'edit, reactions, reply and jump back through a long history, delete for me',
    async () => {
      const frank = await app.signIn('frank');
      const gina = await app.signIn('gina');
      for (let n = 1; n <= 60; n++) await app.adminSend('frank', 'gina', `m${n}`);

      // History loads upward as you scroll, 30 at a time. Opened while the 60 pushes still arrive, the chat
      // shows its first page and then each later push as it comes: more than one page in view (CI, 2026-12-03).
      await gina
        .item('p2p|frank')
        .locator('.conversation-preview', { hasText: /(^|\s)m60$/ })
        .waitFor();
      await gina.open('p2p|frank');
      await gina.message('m60').waitFor();
      expect(await gina.message('m1').count()).toBe(0);
      while ((await gina.message('m1').count()) === 0) {
        await gina.page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));
        await gina.page.waitForFunction(
          () =>
            (document.querySelector('.messages')?.scrollTop ?? 0) > 0 ||
            document.body.textContent?.includes('beginning of the conversation'),
        );
      }
      await gina.page.getByText('This is the beginning of the conversation.').waitFor();
      expect(await gina.page.locator('.messages .row').count()).toBe(60);

      // Replying quotes m5; after a reload the quote jumps back to it (history around seq 5).
      await gina.choose(gina.message('m5'), 'Message actions', 'Reply');
      await gina.page.locator('.composer-context', { hasText: 'Replying to frank' }).waitFor();
      await gina.send('about m5: yes');
      await gina.page.reload();
      await gina.online();
      await gina.message('about m5: yes').waitFor();
      expect(await gina.message('m5').count()).toBe(0);
      await gina.message('about m5: yes').locator('.quote').click();
      await gina.message('m5').and(gina.page.locator('.row.highlighted')).waitFor();
      await gina.page.getByRole('button', { name: 'Jump to latest' }).click();
      await gina.message('about m5: yes').waitFor();
      await gina.page.getByRole('button', { name: 'Jump to latest' }).waitFor({ state: 'detached' });

      // Sending while scrolled up brings you back to the bottom, to your message.
      await gina.page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));
      await gina.send('back at the bottom');
      await gina.page.waitForFunction(() => {
        const el = document.querySelector('.messages') as HTMLElement;
        return el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      });

      // Edit: both sides read the new text, marked edited.
      await frank.open('p2p|gina');
      await frank.send('first draft');
      // Choosing Reply after Edit leaves the composer empty: the half-edited text is not sent as the reply.
      await frank.choose(frank.message('first draft'), 'Message actions', 'Edit');
      await frank.choose(frank.message('first draft'), 'Message actions', 'Reply');
      await frank.page.locator('.composer-context', { hasText: 'Replying to frank' }).waitFor();
      await frank.page.waitForFunction(() => document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.value === '');
      await frank.page.getByLabel('Message', { exact: true }).press('Escape');
      // Escape closes a menu also when the focus is inside it.
      await frank.message('first draft').hover();
      await frank.message('first draft').getByRole('button', { name: 'Message actions' }).click();
      await frank.page.getByRole('menuitem', { name: 'Reply' }).focus();
      await frank.page.keyboard.press('Escape');
      await frank.page.getByRole('menu').waitFor({ state: 'detached' });
      await frank.choose(frank.message('first draft'), 'Message actions', 'Edit');
      await frank.page.getByLabel('Message', { exact: true }).fill('final draft');
      await frank.page.getByLabel('Message', { exact: true }).press('Enter');
      await gina.message('final draft').locator('.edited').waitFor();
      await frank.message('final draft').locator('.edited').waitFor();
      await frank.item('p2p|gina').locator('.conversation-preview', { hasText: 'final draft' }).waitFor();
      await gina.item('p2p|frank').locator('.conversation-preview', { hasText: 'final draft' }).waitFor();

      // Reactions: gina's 👍 shows on both sides; a click on her chip takes it back.
      await gina.message('final draft').hover();
      await gina.message('final draft').getByRole('button', { name: 'Message actions' }).click();
      await gina.page.getByRole('menuitem', { name: 'React 👍' }).click();
      await frank.message('final draft').getByRole('button', { name: '👍 1' }).waitFor();
      await gina.message('final draft').getByRole('button', { name: '👍 1', pressed: true }).click();
      await frank.message('final draft').locator('.reaction').waitFor({ state: 'detached' });

      // Delete for me: gone here (also after a reload), still there for frank.
      await gina.choose(gina.message('about m5: yes'), 'Message actions', 'Delete for me');
      await gina.message('about m5: yes').waitFor({ state: 'detached' });
      await gina.page.reload();
      await gina.online();
      await gina.message('final draft').waitFor();
      expect(await gina.message('about m5: yes').count()).toBe(0);
      await frank.message('about m5: yes').waitFor();
      await frank.shot('05-edit-reactions');
    },
    LONG,
  );

  it(
    'an image: progress while it uploads, then the picture (never both at once) on both sides, and a full-size preview',
    async () => {
      const hank = await app.signIn('hank');
      const ivy = await app.signIn('ivy');
      await hank.newChat('ivy');
      // A slow uplink (DevTools throttling), so the progress can be seen between 0 and 100 %.
      const cdp = await hank.context.newCDPSession(hank.page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: 400 * 1024,
      });
      // The placeholder gives way to the sent message in one render: never both on screen.
      const overlapped = await watchOverlap(hank.page, '.bubble.uploading', '.row[data-seq] img.image');
      await hank.page.locator('input[type=file]').setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: noisePng(480, 360) });
      await hank.page.waitForFunction(() => {
        const bar = document.querySelector('progress');
        return bar !== null && bar.value > 0 && bar.value < 1;
      });
      await hank.shot('06-upload-progress');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

      await hank.page.locator('.row.mine[data-seq] img.image').waitFor();
      await hank.page.locator('.bubble.uploading').waitFor({ state: 'detached' });
      expect(await overlapped(), 'the "Uploading" placeholder and the sent picture showed at once').toBe(false);
      await ivy.item('p2p|hank').locator('.conversation-preview', { hasText: '[Image]' }).waitFor();
      await ivy.open('p2p|hank');
      await ivy.page.waitForFunction(() => (document.querySelector<HTMLImageElement>('.messages img.image')?.naturalWidth ?? 0) === 480);
      await ivy.page.getByRole('button', { name: 'Open image' }).click();
      await ivy.page.getByRole('dialog', { name: 'Image preview' }).waitFor();
      await ivy.shot('07-image-preview');
      await ivy.page.keyboard.press('Escape');
      await ivy.page.getByRole('dialog', { name: 'Image preview' }).waitFor({ state: 'detached' });
    },
    LONG,
  );
});

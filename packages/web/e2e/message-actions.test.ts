import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp, type Window } from './harness.js';
import { giveFiles } from './page-io.js';
import { noisePng } from './png.js';

async function newGroup(owner: Window, name: string, members: string): Promise<void> {
  await owner.page.getByRole('button', { name: 'New group' }).click();
  await owner.page.getByLabel('Name').fill(name);
  await owner.page.getByLabel('Members: user ids, separated by commas or spaces').fill(members);
  await owner.page.getByRole('button', { name: 'Create group' }).click();
  await owner.page.locator('.notice', { hasText: `created the group "${name}"` }).waitFor();
}

describe.skipIf(!available)('web app: message text and actions', () => {
  const app = useWebApp();

  it(
    'links open safely in a new tab, markup stays text, mentions of you stand out, and @ suggests the group members',
    async () => {
      const ann = await app.signIn('ann');
      const bob = await app.signIn('bob');
      await newGroup(ann, 'Plans', 'bob, cyd');
      const box = ann.page.getByLabel('Message', { exact: true });

      // "@" lists the members but you, and @all; arrows move, Tab picks.
      await box.pressSequentially('@');
      const options = ann.page.getByRole('listbox', { name: 'Mention a member' }).getByRole('option');
      await options.first().waitFor();
      expect(await options.allTextContents()).toEqual(['@bob', '@cyd', '@all everyone']);
      await box.press('ArrowDown');
      await box.press('Tab');
      expect(await box.inputValue()).toBe('@cyd ');
      // Typing narrows the list; Enter picks.
      await box.pressSequentially('and @b');
      expect(await options.allTextContents()).toEqual(['@bob']);
      await box.press('Enter');
      expect(await box.inputValue()).toBe('@cyd and @bob ');
      await ann.page.getByRole('listbox').waitFor({ state: 'detached' });

      const text = '@cyd and @bob see https://example.com/plan?x=1. <b>not bold</b> javascript:alert(1)';
      await box.pressSequentially('see https://example.com/plan?x=1. <b>not bold</b> javascript:alert(1)');
      await box.press('Enter');
      await ann
        .message(text)
        .locator('.state', { hasText: /Sent|Read/ })
        .waitFor();

      const group = bob.page.locator('li[data-conversation-id^="team|"]', { hasText: 'Plans' });
      await group.locator('.mention', { hasText: '[@me]' }).waitFor();
      await group.locator('.conversation-open').click();
      const got = bob.message(text);
      await got.waitFor();
      const link = got.getByRole('link');
      expect(await link.count(), 'only the http(s) address is a link').toBe(1);
      expect(await link.getAttribute('href')).toBe('https://example.com/plan?x=1');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await got.locator('.bubble b').count(), 'markup in a message is text').toBe(0);
      expect(await got.locator('.at-mention.at-me').allTextContents()).toEqual(['@bob']);
      expect(await got.locator('.at-mention:not(.at-me)').allTextContents()).toEqual(['@cyd']);
      expect(await ann.message(text).locator('.at-mention.at-me').count(), 'for ann no mention is hers').toBe(0);
      // For the README: a reply with a file, under the message.
      await bob.choose(got, 'Message actions', 'Reply');
      await bob.send('On my way, the tickets are attached');
      const tickets = { name: 'tickets.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(48_000, 0x20) };
      await giveFiles(bob.page, '.messages', 'drop', [tickets]);
      await bob.page.getByRole('link', { name: 'Download tickets.pdf' }).waitFor();
      await bob.shot('16-links-and-mentions');
    },
    LONG,
  );

  it(
    'copy puts the text on the clipboard; forward sends the message to the conversation picked',
    async () => {
      const dee = await app.signIn('dee');
      const eli = await app.signIn('eli');
      const flo = await app.signIn('flo');
      await dee.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.t.url });
      await flo.newChat('dee');
      await flo.send('hello dee');
      await eli.newChat('dee');
      await eli.send('the code is 4711');

      await dee.open('p2p|eli');
      await dee.choose(dee.message('the code is 4711'), 'Message actions', 'Copy');
      await dee.page.locator('.toast', { hasText: 'Copied' }).waitFor();
      expect(await dee.page.evaluate(() => navigator.clipboard.readText())).toBe('the code is 4711');

      await dee.choose(dee.message('the code is 4711'), 'Message actions', 'Forward');
      const dialog = dee.page.getByRole('dialog', { name: 'Forward to…' });
      await dialog.getByLabel('flo').check();
      await dialog.getByRole('button', { name: 'Forward' }).click();
      await dee.page.locator('.toast', { hasText: 'Forwarded' }).waitFor();
      // In flo's chat with dee, from dee.
      await flo.message('the code is 4711').waitFor();
      expect(await flo.message('the code is 4711').evaluate((row) => row.classList.contains('mine'))).toBe(false);
    },
    LONG,
  );

  it(
    'a reply quoting a message that was revoked says "message revoked", also when the quoted one is out of view',
    async () => {
      const gus = await app.signIn('gus');
      const hal = await app.signIn('hal');
      await gus.newChat('hal');
      await gus.send('the secret plan');
      for (let n = 1; n <= 35; n++) await app.adminSend('gus', 'hal', `filler ${n}`);

      await hal.open('p2p|gus');
      while ((await hal.message('the secret plan').count()) === 0) {
        await hal.page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));
        await hal.page.getByText('This is the beginning of the conversation.').waitFor();
      }
      await hal.choose(hal.message('the secret plan'), 'Message actions', 'Reply');
      await hal.send('got it');
      await gus.message('got it').locator('.quote', { hasText: 'the secret plan' }).waitFor();

      await gus.choose(gus.message('the secret plan'), 'Message actions', 'Revoke');
      for (const w of [gus, hal]) {
        await w.message('got it').locator('.quote', { hasText: 'message revoked' }).waitFor();
        expect(await w.message('got it').locator('.quote').textContent()).not.toContain('secret');
      }
      // After a reload the quoted message is older than the page shown: it is looked up.
      await hal.page.reload();
      await hal.online();
      await hal.message('got it').locator('.quote', { hasText: 'message revoked' }).waitFor();
      expect(await hal.page.locator('.notice', { hasText: 'gus revoked a message' }).count(), 'the revoked one is not in view').toBe(0);
    },
    LONG,
  );

  it(
    'icons are SVG shipped with the app, never emoji or symbols a font may lack; each icon button has a label',
    async () => {
      const uma = await app.signIn('uma');
      const vic = await app.signIn('vic');
      await vic.newChat('uma');
      await vic.send('hi uma');
      await vic.page.locator('input[type=file]').setInputFiles([{ name: 'dot.png', mimeType: 'image/png', buffer: noisePng(40, 30) }]);
      await vic.page.locator('.row.mine[data-seq] img.image').waitFor();
      await uma.choose(uma.item('p2p|vic'), 'Conversation actions', 'Pin to top');
      await uma.choose(uma.item('p2p|vic'), 'Conversation actions', 'Add private note');
      await uma.page.getByLabel('Only you see this note, on every device.').fill('met at the fair');
      await uma.page.getByRole('button', { name: 'Save note' }).click();
      await uma.open('p2p|vic');
      await uma.page.getByRole('button', { name: 'Open image' }).waitFor();

      const check = async (screen: string) => {
        const found = await uma.page.evaluate(() => {
          const symbol = /[\p{Extended_Pictographic}\u2190-\u21ff\u2300-\u23ff\u2500-\u27bf\u22ef\u00d7\u2039\u203a]/u;
          const out: string[] = [];
          for (const el of document.querySelectorAll('button.icon, [role="img"]')) {
            if (!el.querySelector('svg')) out.push(`no svg in ${el.outerHTML.slice(0, 60)}`);
            if (!el.getAttribute('aria-label')) out.push(`no label on ${el.outerHTML.slice(0, 60)}`);
          }
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            // Reactions are emoji people pick: content, not icons.
            if (node.parentElement?.closest('.reaction, .reaction-picker')) continue;
            if (symbol.test(node.textContent ?? '')) out.push(`"${node.textContent}" in <${node.parentElement?.className}>`);
          }
          return out;
        });
        expect(found, screen).toEqual([]);
      };
      await uma.item('p2p|vic').getByRole('img', { name: 'Pinned' }).waitFor();
      await check('list and chat');
      await uma.choose(uma.message('hi uma'), 'Message actions', 'Reply');
      await uma.message('hi uma').hover();
      await uma.message('hi uma').getByRole('button', { name: 'Message actions' }).click();
      await check('reply and message menu');
      await uma.page.keyboard.press('Escape');
      await uma.page.getByRole('button', { name: 'Open image' }).click();
      await uma.page.getByRole('dialog', { name: 'Image preview' }).waitFor();
      await check('image preview');
      await uma.page.getByRole('button', { name: 'Close preview' }).click();
      await vic.page
        .locator('input[type=file]')
        .setInputFiles([{ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') }]);
      await uma.page.getByRole('link', { name: 'Download notes.pdf' }).waitFor();
      await check('a file');
      await uma.page.setViewportSize({ width: 400, height: 700 });
      await uma.page.getByRole('button', { name: 'Back to conversations' }).waitFor();
      await check('phone');
    },
    LONG,
  );
});

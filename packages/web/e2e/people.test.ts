import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';
import { noisePng } from './png.js';

// Grace 0: signing out shows "last seen" at once. Single-device flag 3 (the web app's): a second
// sign-in of one user replaces the first window's session.
describe.skipIf(!available)('web app: other people (names, presence, typing, replaced sessions)', () => {
  const app = useWebApp({ PARLEY_PRESENCE_GRACE_SECONDS: '0', PARLEY_SINGLE_DEVICE_FLAGS: '3' });

  it(
    'shows names and avatars instead of uids in the list, the chat header, group senders and members; a rename follows live',
    async () => {
      const avatar = `data:image/png;base64,${noisePng(4, 4).toString('base64')}`;
      await app.t.adminOk('POST', '/users', { uid: 'pp-ann', name: 'Ann Lee' });
      await app.t.adminOk('POST', '/users', { uid: 'pp-ben', name: 'Ben Hart', avatar });
      await app.t.ensureUsers('pp-cy');
      await app.t.adminOk('POST', '/groups', {
        groupId: 'pp-g',
        channelType: 2,
        name: 'Pals',
        ownerUid: 'pp-ben',
        members: ['pp-ann', 'pp-cy'],
      });
      await app.adminSend('pp-ben', 'pp-ann', 'hello Ann');
      await app.adminSend('pp-ben', 'pp-g', 'hello pals', 2);
      await app.adminSend('pp-cy', 'pp-g', 'hi from cy', 2);
      const ann = await app.signIn('pp-ann');

      const ben = ann.item('p2p|pp-ben');
      await ben.locator('.conversation-name', { hasText: 'Ben Hart' }).waitFor();
      await ben.getByRole('img', { name: 'Ben Hart' }).waitFor();
      await ann.page.locator('.me-name', { hasText: 'Ann Lee' }).waitFor();

      await ann.open('p2p|pp-ben');
      await ann.page.locator('.chat-title h2', { hasText: 'Ben Hart' }).waitFor();

      await ann.open('team|pp-g');
      await ann.message('hello pals').locator('.sender', { hasText: 'Ben Hart' }).waitFor();
      // No name: the uid stands in.
      await ann.message('hi from cy').locator('.sender', { hasText: 'pp-cy' }).waitFor();
      await ann.choose(ann.page.locator('.chat-header'), 'Conversation actions', 'Members');
      const dialog = ann.page.getByRole('dialog', { name: 'Members of Pals' });
      await dialog.locator('li[data-uid="pp-ben"] .member-name', { hasText: 'Ben Hart' }).waitFor();
      await dialog.locator('li[data-uid="pp-cy"] .member-name', { hasText: 'pp-cy' }).waitFor();
      await ann.shot('people-01-names');
      await dialog.getByRole('button', { name: 'Close' }).click();

      // Ann follows her 1:1 peer, so a rename reaches her as user.updated.
      await app.t.adminOk('PATCH', '/users/pp-ben', { name: 'Benjamin Hart' });
      await ben.locator('.conversation-name', { hasText: 'Benjamin Hart' }).waitFor();
      await ann.message('hello pals').locator('.sender', { hasText: 'Benjamin Hart' }).waitFor();
    },
    LONG,
  );

  it(
    'an online dot when the peer signs in, "online" in the chat header, and "last seen" once they sign out',
    async () => {
      await app.t.ensureUsers('pp-dan', 'pp-eve');
      await app.adminSend('pp-dan', 'pp-eve', 'are you there?');
      const eve = await app.signIn('pp-eve');
      await eve.open('p2p|pp-dan');
      const dot = eve.item('p2p|pp-dan').locator('.presence-dot');
      const status = eve.page.locator('.chat-title p');
      expect(await dot.count()).toBe(0);

      const dan = await app.signIn('pp-dan');
      await dot.waitFor();
      await status.filter({ hasText: /^online$/ }).waitFor();
      await eve.page.locator('.chat-header .presence-dot').waitFor();
      await eve.shot('people-02-online');

      await dan.page.getByRole('button', { name: 'Sign out' }).click();
      await dan.page.getByLabel('User id').waitFor();
      await status.filter({ hasText: /^last seen / }).waitFor();
      await dot.waitFor({ state: 'detached' });
    },
    LONG,
  );

  it(
    'shows "<name> is typing…" to the peer while they type; emptying the input or sending clears it',
    async () => {
      await app.t.adminOk('POST', '/users', { uid: 'pp-fay', name: 'Fay' });
      await app.t.ensureUsers('pp-gus');
      await app.adminSend('pp-gus', 'pp-fay', 'ping');
      const fay = await app.signIn('pp-fay');
      const gus = await app.signIn('pp-gus');
      await fay.open('p2p|pp-gus');
      await gus.open('p2p|pp-fay');
      const typing = gus.page.locator('.chat-header .typing', { hasText: 'Fay is typing…' });
      const input = fay.page.getByLabel('Message', { exact: true });

      await input.pressSequentially('hel');
      await typing.waitFor();
      await gus.shot('people-03-typing');
      await input.fill('');
      await typing.waitFor({ state: 'detached' });

      await input.pressSequentially('hello Gus');
      await typing.waitFor();
      await input.press('Enter');
      await gus.message('hello Gus').waitFor();
      await typing.waitFor({ state: 'detached' });
    },
    LONG,
  );

  it(
    'a second sign-in as the same user on a single-device flag sends the first window to the sign-in screen with the reason',
    async () => {
      const first = await app.signIn('pp-hal');
      first.allowErrors(/WebSocket/);
      await app.signIn('pp-hal');
      await first.page.getByRole('alert').filter({ hasText: 'You signed in on another device of this kind' }).waitFor();
      await first.page.getByLabel('User id').waitFor();
      await first.shot('people-04-replaced');
    },
    LONG,
  );
});

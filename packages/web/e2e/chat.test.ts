import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

describe.skipIf(!available)('web app: two people chatting', () => {
  const app = useWebApp();

  it(
    'chat both ways: unread badge, total and preview update live; reading clears them; the sender sees "Read"',
    async () => {
      const alice = await app.signIn('alice');
      const bob = await app.signIn('bob');
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

  it(
    'pin moves a conversation to the top; revoke shows the notice on both sides; delete hides it until a new message; a reload keeps it all',
    async () => {
      const carol = await app.signIn('carol');
      const dave = await app.signIn('dave');
      const erin = await app.signIn('erin');
      await dave.newChat('carol');
      await dave.send('from dave');
      await erin.newChat('carol');
      await erin.send('from erin');
      await carol.waitForOrder('p2p|erin', 'p2p|dave');

      await carol.choose(carol.item('p2p|dave'), 'Conversation actions', 'Pin to top');
      await carol.waitForOrder('p2p|dave', 'p2p|erin');
      await carol.item('p2p|dave').getByRole('img', { name: 'Pinned' }).waitFor();
      await erin.send('still there?');
      await carol.item('p2p|erin').locator('.badge', { hasText: '2' }).waitFor();
      expect((await carol.order()).slice(0, 2), 'a pinned conversation stays above newer ones').toEqual(['p2p|dave', 'p2p|erin']);

      await dave.choose(dave.message('from dave'), 'Message actions', 'Revoke');
      await dave.page.locator('.notice', { hasText: 'You revoked a message' }).waitFor();
      await carol.item('p2p|dave').locator('.conversation-preview', { hasText: 'dave revoked a message' }).waitFor();
      await carol.open('p2p|dave');
      await carol.page.locator('.notice', { hasText: 'dave revoked a message' }).waitFor();
      expect(await carol.message('from dave').count()).toBe(0);

      await carol.choose(carol.item('p2p|erin'), 'Conversation actions', 'Add private note');
      await carol.page.getByLabel('Only you see this note, on every device.').fill('met at the conference');
      await carol.page.getByRole('button', { name: 'Save note' }).click();
      await carol.item('p2p|erin').locator('.conversation-note', { hasText: 'met at the conference' }).waitFor();

      await carol.choose(carol.item('p2p|erin'), 'Conversation actions', 'Delete conversation');
      await carol.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await carol.item('p2p|erin').waitFor({ state: 'detached' });
      await carol.shot('04-pinned-revoked-deleted');
      await erin.send('are you there?');
      await carol.item('p2p|erin').locator('.badge', { hasText: '1' }).waitFor();
      await carol.item('p2p|erin').locator('.conversation-preview', { hasText: 'are you there?' }).waitFor();

      await carol.page.reload();
      await carol.online();
      await carol.waitForOrder('p2p|dave', 'p2p|erin');
      await carol.item('p2p|dave').getByRole('img', { name: 'Pinned' }).waitFor();
      await carol.item('p2p|erin').locator('.badge', { hasText: '1' }).waitFor();
      await carol.item('p2p|erin').locator('.conversation-note', { hasText: 'met at the conference' }).waitFor();
      await carol.page.locator('.chat-title h2', { hasText: 'dave' }).waitFor();
      await carol.page.locator('.notice', { hasText: 'dave revoked a message' }).waitFor();

      // Deleting with the history ("roaming"): the conversation comes back with the new message only.
      await carol.choose(carol.page.locator('.chat-header'), 'Conversation actions', 'Delete conversation');
      await carol.page.getByLabel('Also delete its message history for me').check();
      await carol.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await carol.item('p2p|dave').waitFor({ state: 'detached' });
      await dave.send('a fresh start');
      await carol.open('p2p|dave');
      await carol.message('a fresh start').waitFor();
      expect(await carol.page.locator('.messages .notice').count(), 'the revoke notice went with the history').toBe(0);
    },
    LONG,
  );

  it(
    'a second tab that signs in as someone else does not change who the first tab acts as',
    async () => {
      const first = await app.signIn('uma');
      const second = await first.context.newPage();
      await second.goto(app.t.url);
      await second.locator('.connection[data-status="connected"]').waitFor();
      await second.getByRole('button', { name: 'Sign out' }).click();
      await second.getByLabel('User id').fill('vic');
      await second.getByRole('button', { name: 'Sign in' }).click();
      await second.locator('.me-name', { hasText: 'vic' }).waitFor();

      await first.page.getByRole('button', { name: 'New group' }).click();
      await first.page.getByLabel('Name').fill('Uma only');
      await first.page.getByLabel('Members: user ids, separated by commas or spaces').fill('wes');
      await first.page.getByRole('button', { name: 'Create group' }).click();
      await first.page.locator('.notice', { hasText: 'uma created the group "Uma only"' }).waitFor();
      await first.page.locator('.chat-title', { hasText: '2 members' }).waitFor();
      await second.close();
    },
    LONG,
  );
});

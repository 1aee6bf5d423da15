import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

describe.skipIf(!available)('web app: group members', () => {
  const app = useWebApp();

  it(
    'lists who is in a group with their roles, from the chat header; a member leaves, the owner cannot',
    async () => {
      await app.t.ensureUsers('kim', 'leo');
      const jack = await app.signIn('jack');
      await jack.newGroup('Crew', 'kim, leo');
      await jack.send('Welcome aboard: the boat leaves at 9');
      const kim = await app.signIn('kim');
      const crew = kim.page.locator('li[data-conversation-id^="team|"]', { hasText: 'Crew' });
      await crew.locator('.conversation-open').click();
      await kim.page.locator('.chat-title', { hasText: '3 members' }).waitFor();
      await kim.message('Welcome aboard: the boat leaves at 9').waitFor();

      await kim.choose(kim.page.locator('.chat-header'), 'Conversation actions', 'Members');
      const dialog = kim.page.getByRole('dialog', { name: 'Members of Crew' });
      const members = dialog.getByRole('list', { name: 'Members' }).locator('li');
      await members.first().waitFor();
      const rows = await members.evaluateAll((els) =>
        els.map((e) => [e.querySelector('.member-name')?.textContent, e.querySelector('.role')?.textContent ?? '']),
      );
      expect(rows).toEqual([
        ['jack', 'Owner'],
        ['kim (you)', ''],
        ['leo', ''],
      ]);
      await kim.shot('13-group-members');

      // Leaving asks first; Cancel returns to the list.
      await dialog.getByRole('button', { name: 'Leave group' }).click();
      const confirm = kim.page.getByRole('dialog', { name: 'Leave Crew?' });
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      await dialog.getByRole('button', { name: 'Leave group' }).click();
      await confirm.getByRole('button', { name: 'Leave group' }).click();

      // Gone from kim's list and screen; the others see that kim left.
      await dialog.waitFor({ state: 'detached' });
      await crew.waitFor({ state: 'detached' });
      await kim.page.locator('.welcome', { hasText: 'Welcome, kim' }).waitFor();
      await jack.page.locator('.notice', { hasText: 'kim left the group' }).waitFor();
      await jack.page.locator('.chat-title', { hasText: '2 members' }).waitFor();

      await jack.choose(jack.page.locator('.chat-header'), 'Conversation actions', 'Members');
      const jackDialog = jack.page.getByRole('dialog', { name: 'Members of Crew' });
      await jackDialog.getByText('its owner cannot leave it').waitFor();
      expect(await jackDialog.getByRole('list', { name: 'Members' }).locator('li').count()).toBe(2);
      expect(await jackDialog.getByRole('button', { name: 'Leave group' }).count()).toBe(0);
      await jackDialog.getByRole('button', { name: 'Close' }).click();
      await jackDialog.waitFor({ state: 'detached' });

      // A reload does not bring the group back for kim.
      await kim.page.reload();
      await kim.online();
      await kim.page.locator('.conversation-list, .empty').first().waitFor();
      expect(await kim.order()).not.toContain(expect.stringMatching(/^team\|/));
    },
    LONG,
  );
});

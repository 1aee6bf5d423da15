import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp, type Window } from './harness.js';
import { noisePng } from './png.js';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core's serious and critical violations on the page as it is now, one line each. axe is
 * evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const focused = (w: Window) =>
  w.page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return (
      el?.getAttribute('aria-label') ||
      el?.closest('li[data-conversation-id]')?.getAttribute('data-conversation-id') ||
      el?.textContent?.trim() ||
      el?.id ||
      ''
    );
  });

describe.skipIf(!available)('web app: accessibility', () => {
  const app = useWebApp();

  it(
    'the sign-in screen, the main screen, an open menu and dialogs have no serious or critical axe violations',
    async () => {
      await app.t.ensureUsers('ada', 'ben');
      const login = await app.open();
      await login.page.getByLabel('User id').waitFor();
      expect(await axeViolations(login.page), 'sign-in').toEqual([]);

      await app.adminSend('ben', 'ada', 'are you there?');
      const ada = await app.signIn('ada');
      await ada.newGroup('Readers', 'ben');
      await ada.page.locator('.notice', { hasText: 'ada created the group' }).waitFor();
      await ada.send('@ben chapter 3 tonight');
      expect(await axeViolations(ada.page), 'main screen with a group chat open').toEqual([]);

      await ada.page.locator('.chat-header').getByRole('button', { name: 'Conversation actions' }).click();
      await ada.page.getByRole('menu').waitFor();
      expect(await axeViolations(ada.page), 'an open menu').toEqual([]);
      await ada.page.getByRole('menuitem', { name: 'Members', exact: true }).click();
      await ada.page.getByRole('dialog', { name: 'Members of Readers' }).getByRole('list').waitFor();
      expect(await axeViolations(ada.page), 'the member list').toEqual([]);
      await ada.page.keyboard.press('Escape');

      const message = ada.message('@ben chapter 3 tonight');
      await message.hover();
      await message.getByRole('button', { name: 'Message actions' }).click();
      await message.getByRole('menu').waitFor();
      expect(await axeViolations(ada.page), 'a message menu with its reactions').toEqual([]);
      await ada.page.keyboard.press('Escape');

      await ada.page.getByRole('button', { name: 'New chat' }).click();
      expect(await axeViolations(ada.page), 'the new chat dialog').toEqual([]);
      await ada.page.keyboard.press('Escape');
    },
    LONG,
  );

  it(
    'a 1:1 chat with a named peer: their picture, online dot and "is typing…" have no serious or critical axe violations',
    async () => {
      const avatar = `data:image/png;base64,${noisePng(4, 4).toString('base64')}`;
      await app.t.adminOk('POST', '/users', { uid: 'gil', name: 'Gil Moss', avatar });
      await app.t.ensureUsers('hal');
      await app.adminSend('gil', 'hal', 'ready?');
      const hal = await app.signIn('hal');
      const gil = await app.signIn('gil');
      await hal.open('p2p|gil');
      await gil.open('p2p|hal');
      await gil.page.getByLabel('Message', { exact: true }).pressSequentially('almost');
      await hal.page.locator('.chat-header .typing', { hasText: 'Gil Moss is typing…' }).waitFor();
      await hal.item('p2p|gil').locator('.presence-dot').waitFor();
      await hal.item('p2p|gil').getByRole('img', { name: 'Gil Moss' }).waitFor();
      expect(await axeViolations(hal.page), 'a 1:1 chat with the peer online and typing').toEqual([]);
    },
    LONG,
  );

  it(
    'the conversation list: one Tab stop, arrow keys, Home, End and Enter',
    async () => {
      await app.t.ensureUsers('cal', 'dee', 'eve', 'fay');
      for (const from of ['dee', 'eve', 'fay']) await app.adminSend(from, 'cal', `hi from ${from}`);
      const cal = await app.signIn('cal');
      await cal.waitForOrder('p2p|fay', 'p2p|eve', 'p2p|dee');
      const stops = () => cal.page.locator('.conversation-open[tabindex="0"]').count();
      expect(await stops()).toBe(1);

      await cal.item('p2p|fay').locator('.conversation-open').focus();
      await cal.page.keyboard.press('ArrowDown');
      expect(await focused(cal)).toBe('p2p|eve');
      await cal.page.keyboard.press('End');
      expect(await focused(cal)).toBe('p2p|dee');
      await cal.page.keyboard.press('ArrowDown');
      expect(await focused(cal), 'wraps around').toBe('p2p|fay');
      await cal.page.keyboard.press('Home');
      await cal.page.keyboard.press('ArrowDown');
      await cal.page.keyboard.press('Enter');
      await cal.page.locator('.chat-title h2', { hasText: 'eve' }).waitFor();
      expect(await stops()).toBe(1);
      // Tab goes on from the row to its menu, then out of the list.
      await cal.item('p2p|eve').locator('.conversation-open').focus();
      await cal.page.keyboard.press('Tab');
      expect(await focused(cal)).toBe('Conversation actions');
      await cal.page.keyboard.press('Tab');
      expect(await cal.page.evaluate(() => document.activeElement?.closest('.conversation-list'))).toBeNull();
    },
    LONG,
  );

  it(
    'menus: arrows, Escape and focus back on the button; dialogs: focus inside, Escape closes the top one only',
    async () => {
      await app.t.ensureUsers('gil', 'hal');
      const gil = await app.signIn('gil');
      await gil.newGroup('Cyclists', 'hal');
      const hal = await app.signIn('hal');
      await hal.page.locator('li[data-conversation-id^="team|"] .conversation-open').click();
      await hal.page.locator('.chat-title h2', { hasText: 'Cyclists' }).waitFor();

      const trigger = hal.page.locator('.chat-header').getByRole('button', { name: 'Conversation actions' });
      await trigger.focus();
      await hal.page.keyboard.press('Enter');
      expect(await focused(hal)).toBe('Pin to top');
      await hal.page.keyboard.press('ArrowDown');
      expect(await focused(hal)).toBe('Mark as read');
      await hal.page.keyboard.press('ArrowUp');
      await hal.page.keyboard.press('ArrowUp');
      expect(await focused(hal), 'wraps around').toBe('Delete conversation');
      await hal.page.keyboard.press('Escape');
      await hal.page.getByRole('menu').waitFor({ state: 'detached' });
      expect(await focused(hal)).toBe('Conversation actions');

      // Open the member list from the keyboard; the Leave confirmation opens on top of it.
      await hal.page.keyboard.press('ArrowDown');
      // Down the menu, item by item, to Members (whatever comes between).
      for (let i = 0; i < 10 && (await focused(hal)) !== 'Members'; i++) await hal.page.keyboard.press('ArrowDown');
      expect(await focused(hal)).toBe('Members');
      await hal.page.keyboard.press('Enter');
      const members = hal.page.getByRole('dialog', { name: 'Members of Cyclists' });
      const leave = members.getByRole('button', { name: 'Leave group' });
      await leave.waitFor();
      // Tab cycles inside the dialog: Leave group, Close, and back.
      await leave.focus();
      await hal.page.keyboard.press('Tab');
      expect(await focused(hal)).toBe('Close');
      await hal.page.keyboard.press('Tab');
      expect(await focused(hal)).toBe('Leave group');
      await hal.page.keyboard.press('Shift+Tab');
      expect(await focused(hal)).toBe('Close');

      await leave.press('Enter');
      const confirm = hal.page.getByRole('dialog', { name: 'Leave Cyclists?' });
      await confirm.waitFor();
      expect(await focused(hal), 'focus moves into the new dialog').toBe('Cancel');
      await hal.page.keyboard.press('Shift+Tab');
      expect(await focused(hal), 'and stays in it').toBe('Leave group');
      expect(await hal.page.evaluate(() => document.activeElement?.closest('[role="dialog"]')?.getAttribute('aria-labelledby'))).toBe(
        await confirm.getAttribute('aria-labelledby'),
      );
      await hal.page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'detached' });
      expect(await members.count(), 'only the top dialog closes').toBe(1);
      expect(await focused(hal)).toBe('Leave group');
      await hal.page.keyboard.press('Escape');
      await members.waitFor({ state: 'detached' });
      expect(await focused(hal), 'focus returns to the menu button').toBe('Conversation actions');
    },
    LONG,
  );
});

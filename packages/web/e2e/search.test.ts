import { describe, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

describe.skipIf(!available)('web app: search', () => {
  const app = useWebApp();

  it(
    'the search box finds chats and messages, Chinese too, and a found message opens its chat there, highlighted',
    async () => {
      await app.t.ensureUsers('sw-kim', 'sw-lee');
      await app.adminSend('sw-kim', 'sw-lee', '我们明天去北京开会');
      for (let n = 1; n <= 60; n++) await app.adminSend('sw-kim', 'sw-lee', `filler ${n}`);
      const lee = await app.signIn('sw-lee');
      const box = lee.page.getByRole('searchbox', { name: 'Search messages and chats' });

      await box.fill('北京');
      const hit = lee.page.getByRole('list', { name: 'Messages found' }).getByRole('button', { name: /我们明天去北京开会/ });
      await hit.waitFor();
      await lee.shot('search-results');
      // Far older than the newest page: the chat opens around it, marked.
      await hit.click();
      await lee.message('我们明天去北京开会').and(lee.page.locator('.row.highlighted')).waitFor();
      await lee.page.getByRole('button', { name: 'Jump to latest' }).waitFor();

      await box.fill('sw-k');
      await lee.page
        .getByRole('list', { name: 'Chats found' })
        .getByRole('button', { name: /sw-kim/ })
        .waitFor();
      await box.fill('nothing-like-this');
      await lee.page.getByText('Nothing found for “nothing-like-this”.').waitFor();
      // Escape empties the box: the conversation list is back.
      await box.press('Escape');
      await lee.item('p2p|sw-kim').waitFor();
    },
    LONG,
  );
});

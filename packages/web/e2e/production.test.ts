import { describe, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

describe.skipIf(!available)('web app: production mode', () => {
  const app = useWebApp({ PARLEY_MODE: 'production', PARLEY_APP_SECRET: 'a-production-secret-of-at-least-32-chars' });

  it(
    'signs in with a token from the admin API (no dev login), and shows when the connection is lost',
    async () => {
      await app.t.ensureUsers('quinn');
      const token = await app.t.token('quinn');
      const w = await app.open();
      await w.page.getByLabel('Token').waitFor();
      await w.page.getByLabel('Token').fill('not-a-token');
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await w.page.getByRole('alert').filter({ hasText: 'The server refused this token' }).waitFor();

      await w.page.getByLabel('Token').fill(token);
      await w.page.getByRole('button', { name: 'Sign in' }).click();
      await w.online();
      await w.page.locator('.me-name', { hasText: 'quinn' }).waitFor();
      await w.shot('11-production-signed-in');

      await app.t.server.close();
      await w.page.locator('.connection[data-status="reconnecting"]', { hasText: 'Offline, reconnecting…' }).waitFor();
    },
    LONG,
  );
});

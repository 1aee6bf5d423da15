import { freePort } from '@parley/test-kit/free-port';
import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

// The restarted server must come back where the page left it.
const port = await freePort();

describe.skipIf(!available)('web app: sends that fail or wait', () => {
  const app = useWebApp({ PORT: String(port) });

  it(
    'a refused send can be deleted; one made offline stays on screen (also after opening another chat) and goes out on reconnect',
    async () => {
      await app.t.ensureUsers('kai', 'lea', 'max');
      await app.t.adminOk('POST', '/groups', { groupId: 'quiet', channelType: 2, ownerUid: 'max', name: 'Quiet', members: ['kai'] });
      await app.t.adminOk('PUT', '/groups/quiet/members/kai/mute', { muted: true });
      await app.adminSend('max', 'quiet', 'kai is muted here', 2);
      const kai = await app.signIn('kai');
      const lea = await app.signIn('lea');

      await kai.open('team|quiet');
      await kai.page.getByLabel('Message', { exact: true }).fill('can anyone hear me?');
      await kai.page.getByLabel('Message', { exact: true }).press('Enter');
      const refused = kai.message('can anyone hear me?');
      await refused.locator('.state', { hasText: 'Not sent: you are muted' }).waitFor();
      await refused.getByRole('button', { name: 'Delete' }).click();
      await refused.waitFor({ state: 'detached' });

      await kai.newChat('lea');
      await kai.send('before the outage');
      await app.t.server.close();
      await kai.page.locator('.connection[data-status="reconnecting"]').waitFor();
      await kai.page.getByLabel('Message', { exact: true }).fill('written offline');
      await kai.page.getByLabel('Message', { exact: true }).press('Enter');
      await kai.message('written offline').locator('.state', { hasText: 'Sending…' }).waitFor();
      await kai.open('team|quiet');
      await kai.open('p2p|lea');
      await kai.message('written offline').locator('.state', { hasText: 'Sending…' }).waitFor();

      await app.t.restart();
      await kai.online();
      await kai
        .message('written offline')
        .locator('.state', { hasText: /Sent|Read/ })
        .waitFor();
      await lea.open('p2p|kai');
      await lea.message('written offline').waitFor();
      expect(await lea.message('written offline').count()).toBe(1);
      expect(await kai.message('written offline').count()).toBe(1);
    },
    LONG,
  );
});

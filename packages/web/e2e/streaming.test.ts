import { clientMsgNo } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';

describe.skipIf(!available)('web app: streamed messages', () => {
  const app = useWebApp();

  it(
    "a bot's streamed answer grows in its bubble, with dots while it is written, and in the conversation's preview",
    async () => {
      await app.t.ensureUsers('kim', 'helper-bot');
      await app.adminSend('helper-bot', 'kim', 'Ask me anything.');
      const kim = await app.signIn('kim');
      await kim.open('p2p|helper-bot');

      // The bot streams over REST with its own token, as a bot's server would.
      const token = await app.t.token('helper-bot');
      const opened = await app.t.http('POST', '/v1/messages', {
        token,
        body: { channelId: 'kim', channelType: 1, clientMsgNo: clientMsgNo(), payload: { type: 1, content: '' }, stream: true },
      });
      expect(opened.status).toBe(200);
      const id = opened.body.messageId as string;
      const chunk = async (chunkNo: number, delta: string) =>
        expect((await app.t.http('POST', `/v1/messages/${id}/stream`, { token, body: { chunkNo, delta } })).status).toBe(200);
      const bubble = kim.page.locator(`.messages .row[data-message-id="${id}"]`);
      const dots = bubble.getByRole('status', { name: 'Still writing' });

      await dots.waitFor();
      await chunk(1, 'Streaming ');
      await bubble.locator('p.text', { hasText: /^Streaming\s*$/ }).waitFor();
      await chunk(2, 'works, ');
      await chunk(3, 'chunk by chunk.');
      await bubble.locator('p.text', { hasText: /^Streaming works, chunk by chunk\.$/ }).waitFor();
      expect(await dots.isVisible()).toBe(true);
      expect(await bubble.getAttribute('aria-busy')).toBe('true');
      await kim.item('p2p|helper-bot').getByText('Streaming works, chunk by chunk.').waitFor();
      await kim.shot('30-streaming');

      expect((await app.t.http('POST', `/v1/messages/${id}/stream/end`, { token, body: {} })).status).toBe(200);
      await dots.waitFor({ state: 'detached' });
      expect(await bubble.getAttribute('aria-busy')).toBeNull();
      expect(await bubble.locator('p.text').textContent()).toBe('Streaming works, chunk by chunk.');

      // Read again after a reload: the whole text, ended.
      await kim.page.reload();
      await kim.online();
      await kim.open('p2p|helper-bot');
      await kim.message('Streaming works, chunk by chunk.').waitFor();
      expect(await kim.page.getByRole('status', { name: 'Still writing' }).count()).toBe(0);
    },
    LONG,
  );
});

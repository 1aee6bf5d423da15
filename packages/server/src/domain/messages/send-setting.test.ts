import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

/** WuKongIM's Setting: receipt, topic and stream flags; a topic may also be named. */
const SETTINGS = [{ stream: true, topic: true }, { topic: 'release-2.0', receipt: true }, { stream: false, topic: false }, {}];

await describeEachBackend('message setting: stream and topic kept as sent', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('in the ack path, the push, history (WebSocket and REST), the conversation list, and after a restart', async () => {
    const t = server();
    await t.ensureUsers('st-a', 'st-b');
    const a = await t.connect('st-a');
    const b = await t.connect('st-b');
    const token = await t.token('st-a');
    for (const [i, setting] of SETTINGS.entries()) {
      const params = { channelId: 'st-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text(`m${i}`), setting };
      // Every other one over REST: both transports keep it.
      const ack = i % 2 ? (await t.http('POST', '/v1/messages', { token, body: params })).body : await a.request('message.send', params);
      expect(ack.reasonCode).toBe(1);
      const pushed = await b.waitForEvent('message.new', (m) => m.messageId === ack.messageId);
      expect(pushed.data.setting, JSON.stringify(setting)).toEqual(setting);
    }
    const settings = (messages: Array<{ setting: unknown }>) => messages.map((m) => m.setting);
    const history = await b.request('message.history', { conversationId: 'p2p|st-a' });
    expect(settings(history.messages)).toEqual(SETTINGS);
    const rest = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|st-b')}/messages`, { token });
    expect(settings(rest.body.messages)).toEqual(SETTINGS);
    const list = await t.http('GET', '/v1/conversations', { token: await t.token('st-b') });
    expect(list.body.conversations[0].lastMsg.setting).toEqual({});
    await t.restart();
    const again = await t.connect('st-b');
    expect(settings((await again.request('message.history', { conversationId: 'p2p|st-a' })).messages)).toEqual(SETTINGS);
  });

  it('refuses a topic or stream of the wrong type', async () => {
    const t = server();
    await t.ensureUsers('st-a', 'st-b');
    const a = await t.connect('st-a', 'wrong');
    for (const setting of [{ topic: 1 }, { stream: 'yes' }, { topic: 'x'.repeat(129) }]) {
      const params = { channelId: 'st-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('x'), setting };
      await expect(a.request('message.send', params), JSON.stringify(setting)).rejects.toMatchObject({ code: 'request.invalid' });
    }
  });
});

import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type LocalMessage, type ParleyClient } from './index.js';

const contentOf = (p: unknown): string | undefined => (p as { content?: string } | undefined)?.content;

/** Every change listener of a client, as `listener:what it saw`, in the order they fired. */
function listen(client: ParleyClient): string[] {
  const log: string[] = [];
  const m = client.messages;
  const seen = (m: LocalMessage) => `${contentOf(m.payload) ?? `[${m.payload.type}]`}`;
  m.onMessageEdited.add('t', (x) => log.push(`edited:${seen(x)}:was ${contentOf(x.originalPayload)}`));
  m.onReactionChanged.add('t', (x) => log.push(`reaction:${x.reactions.map((r) => `${r.emoji}${r.count}`).join(',')}`));
  m.onMessageRevoked.add('t', (x) => log.push(`revoked:${x.extra.revoker}`));
  m.onReceipt.add('t', (x) => log.push(`receipt:${x.extra.readCount}`));
  m.onRefreshMessage.add('t', (x) => x.status === 'success' && x.messageSeq > 0 && log.push(`refresh:${seen(x)}`));
  return log;
}

describe('@parley/client: edits, reactions, revokes and receipts each have their listener', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('ann', 'ben');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('each change reaches its own listener and the catch-all, with the message as it is now; payload is the current text', async () => {
    const open = async (uid: string) => {
      const c = await connect({ url: t.url, token: await t.token(uid), deviceId: 'listeners' });
      clients.push(c);
      return c;
    };
    const ann = await open('ann');
    const ben = await open('ben');
    const sent = await ann.messages.sendText({ channelId: 'ben', channelType: 1 }, 'v1', { setting: { receipt: true } });
    // Ben has read the chat: the SDK knows each message's state before a change.
    await ben.messages.getOrSyncHistory({ channel: { channelId: 'ann', channelType: 1 } });
    const atAnn = listen(ann);
    const atBen = listen(ben);

    const { message: edited } = await ann.messages.edit(sent.messageId, { type: 1, content: 'v2' } as never);
    expect([contentOf(edited.payload), contentOf(edited.originalPayload)]).toEqual(['v2', 'v1']);
    await eventually(() => atAnn.length >= 2 && atBen.length >= 2);
    expect(atBen).toEqual(['edited:v2:was v1', 'refresh:v2']);
    expect(atAnn).toEqual(['edited:v2:was v1', 'refresh:v2']);
    const [fromHistory] = await ben.messages.getOrSyncHistory({ channel: { channelId: 'ann', channelType: 1 } });
    expect(contentOf((fromHistory as LocalMessage).payload)).toBe('v2');

    await ben.messages.addReaction(sent.messageId, '👍');
    await eventually(() => atAnn.length >= 4 && atBen.length >= 4);
    expect(atBen.slice(2)).toEqual(['reaction:👍1', 'refresh:v2']);
    expect(atAnn.slice(2)).toEqual(['reaction:👍1', 'refresh:v2']);

    // A receipt goes to the sender only.
    await ben.messages.readReceipt([sent.messageId]);
    await eventually(() => atAnn.length >= 6);
    expect(atAnn.slice(4)).toEqual(['receipt:1', 'refresh:v2']);

    await ann.messages.revoke(sent.messageId);
    await eventually(() => atAnn.length >= 8 && atBen.length >= 6);
    expect(atAnn.slice(6)).toEqual(['revoked:ann', 'refresh:[1]']);
    expect(atBen.slice(4)).toEqual(['revoked:ann', 'refresh:[1]']);
  });
});

import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, type TestServer, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

/**
 * Pushes about a stored message (edit, reactions, receipt, revoke) reach only those who may see
 * it: never a member who joined after it (without allowHistory), one who left, one who deleted it
 * for themselves or cleared their history past it. Each excluded user gets a sentinel message
 * afterwards, so "nothing arrived" is checked once everything before it has been delivered.
 */
const SECRET = 'original secret text';
const EDITED = 'edited secret text';

const sendText = (c: TestClient, channelId: string, channelType: number, content: string, extra = {}) =>
  c.request('message.send', { channelId, channelType, clientMsgNo: clientMsgNo(), payload: text(content), ...extra });

/** Waits until every push queued behind a visibility check is out, then for a sentinel on `client`'s socket. */
async function drain(t: TestServer, sender: TestClient, client: TestClient, uid: string): Promise<void> {
  await t.server.ctx.router.settled();
  const mark = `sentinel-${clientMsgNo()}`;
  await sendText(sender, uid, 1, mark);
  await client.waitForEvent('message.new', (m) => m.payload?.content === mark);
}

/** No update of the message, and no edited text; `sawOriginal`: they were sent the message itself when it was new. */
function expectNothingAbout(client: TestClient, messageId: string, sawOriginal: boolean): void {
  expect(client.eventsOf('message.updated').filter((m) => m.messageId === messageId)).toEqual([]);
  const seen = JSON.stringify(client.events);
  expect(seen).not.toContain(EDITED);
  if (!sawOriginal) expect(seen).not.toContain(SECRET);
}

await describeEachBackend('pushes follow the visibility rule', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  for (const channelType of [2, 3]) {
    it(`group type ${channelType}: late joiner, leaver, one-way delete and history clear get no update of a hidden message`, async () => {
      const t = server();
      const p = `pv${channelType}`;
      const [owner, early, late, leaver, deleter, clearer] = ['o', 'e', 'l', 'x', 'd', 'c'].map((s) => `${p}-${s}`) as string[];
      await t.ensureUsers(owner as string, early as string, late as string, leaver as string, deleter as string, clearer as string);
      const groupId = `${p}-g`;
      await t.adminOk('POST', '/groups', {
        groupId,
        channelType,
        ownerUid: owner,
        name: 'G',
        allowHistory: false,
        members: [early, leaver, deleter, clearer],
      });
      const o = await t.connect(owner as string);
      const e = await t.connect(early as string);
      const secret = await sendText(o, groupId, channelType, SECRET, { setting: { receipt: true } });
      const id = secret.messageId as string;

      await t.adminOk('POST', `/groups/${groupId}/members`, { uids: [late] });
      await t.adminOk('POST', `/groups/${groupId}/members/remove`, { uids: [leaver] });
      const l = await t.connect(late as string);
      const x = await t.connect(leaver as string);
      const d = await t.connect(deleter as string);
      const c = await t.connect(clearer as string);
      const conversationId = channelType === 2 ? `team|${groupId}` : `super_team|${groupId}`;
      await d.request('message.removeHistory', { conversationId, messageIds: [id] });
      await c.request('message.removeHistory', { conversationId, beforeTimestamp: t.clock() + 1 });

      const updates = () => e.eventsOf('message.updated').filter((m) => m.messageId === id).length;
      let expected = 0;
      const act = async (action: () => Promise<unknown>) => {
        await action();
        expected++;
        await e.until(() => updates() >= expected);
      };
      await act(() => o.request('message.edit', { messageId: id, payload: text(EDITED) }));
      await act(() => e.request('message.addReaction', { messageId: id, emoji: '👍' }));
      await act(() => e.request('message.removeReaction', { messageId: id, emoji: '👍' }));
      await e.request('message.readReceipt', { messageIds: [id] });
      await act(() => o.request('message.revoke', { messageId: id }));

      for (const [client, uid, sawOriginal] of [
        [l, late, false],
        [x, leaver, true],
        [d, deleter, true],
        [c, clearer, true],
      ] as const) {
        await drain(t, o, client, uid as string);
        expectNothingAbout(client, id, sawOriginal);
      }
      // The late joiner's history hides it as well: one rule for reads and pushes.
      const history = await l.request('message.history', { conversationId });
      expect(history.messages.map((m: { messageId?: string }) => m.messageId)).not.toContain(id);
    });
  }

  it('1:1: after a one-way delete or a history clear, edits, reactions and receipts of that message are not pushed to that side', async () => {
    const t = server();
    await t.ensureUsers('pv1-a', 'pv1-b', 'pv1-z');
    const a = await t.connect('pv1-a');
    const b = await t.connect('pv1-b');
    const z = await t.connect('pv1-z');
    const deleted = (await sendText(a, 'pv1-b', 1, SECRET)).messageId as string;
    await b.request('message.removeHistory', { conversationId: 'p2p|pv1-a', messageIds: [deleted] });
    await a.request('message.edit', { messageId: deleted, payload: text(EDITED) });
    await a.request('message.addReaction', { messageId: deleted, emoji: '🎉' });
    await a.waitForEvent('message.updated', (m) => m.messageId === deleted && m.reactions.length === 1);
    await drain(t, z, b, 'pv1-b');
    expectNothingAbout(b, deleted, true);

    // The sender deletes their own receipt message for themselves: the reader's receipt is not pushed back to them.
    const receipt = (await sendText(a, 'pv1-b', 1, 'read me', { setting: { receipt: true } })).messageId as string;
    await a.request('message.removeHistory', { conversationId: 'p2p|pv1-b', messageIds: [receipt] });
    expect(await b.request('message.readReceipt', { messageIds: [receipt] })).toEqual({ read: [receipt] });
    await drain(t, z, a, 'pv1-a');
    expect(a.eventsOf('message.updated').filter((m) => m.messageId === receipt)).toEqual([]);

    // A history clear hides everything before it the same way.
    const cleared = (await sendText(b, 'pv1-a', 1, 'said before the clear')).messageId as string;
    await a.request('message.removeHistory', { conversationId: 'p2p|pv1-b', beforeTimestamp: t.clock() + 1 });
    await b.request('message.edit', { messageId: cleared, payload: text('edited after the clear') });
    await b.waitForEvent('message.updated', (m) => m.messageId === cleared);
    await drain(t, z, a, 'pv1-a');
    expect(a.eventsOf('message.updated').filter((m) => m.messageId === cleared)).toEqual([]);
    expect(JSON.stringify(a.events)).not.toContain('edited after the clear');
  });

  it('a reaction by the peer answers with the message as the peer names the channel', async () => {
    const t = server();
    await t.ensureUsers('pv2-a', 'pv2-b');
    const a = await t.connect('pv2-a');
    const b = await t.connect('pv2-b');
    const id = (await sendText(a, 'pv2-b', 1, 'hello')).messageId as string;
    const result = await b.request('message.addReaction', { messageId: id, emoji: '👍' });
    expect(result.message).toMatchObject({ messageId: id, channelId: 'pv2-a', channelType: 1 });
  });
});

import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

const send = (client: TestClient, channelId: string, channelType: number, content: string) =>
  client.request('message.send', { channelId, channelType, clientMsgNo: clientMsgNo(), payload: text(content) });

await describeEachBackend('conversation edge cases', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('lets the recipient read and clear system notices, and nobody else', async () => {
    const t = server();
    await t.ensureUsers('sn-a', 'sn-b');
    await t.adminOk('POST', '/messages', { channelId: 'sn-a', channelType: 4, payload: text('your order shipped') });
    const a = await t.connect('sn-a');
    const notice = await a.request('conversation.get', { conversationId: 'system|sn-a' });
    expect(notice).toMatchObject({ channelType: 4, unreadCount: 1, lastMsg: { fromUid: '__system__' } });
    expect((await a.request('conversation.markRead', { conversationId: 'system|sn-a' })).unreadCount).toBe(0);
    expect((await a.request('message.history', { conversationId: 'system|sn-a' })).messages).toHaveLength(1);
    const b = await t.connect('sn-b');
    await expect(b.request('conversation.get', { conversationId: 'system|sn-a' })).rejects.toMatchObject({
      code: 'conversation.forbidden',
    });
  });

  it('never shows a late joiner or former member what was said before they joined', async () => {
    const t = server();
    await t.ensureUsers('lj2-o', 'lj2-late');
    await t.adminOk('POST', '/groups', { groupId: 'lj2-g', channelType: 2, ownerUid: 'lj2-o' });
    const o = await t.connect('lj2-o');
    const secret = await send(o, 'lj2-g', 2, 'pre-join secret');
    await t.adminOk('POST', '/groups/lj2-g/members', { uids: ['lj2-late'] });
    await send(o, 'lj2-g', 2, 'welcome');
    const late = await t.connect('lj2-late');
    const [conv] = (await late.request('conversation.list', { msgCount: 20 })).conversations;
    expect(conv.recents.map((m: { payload: { content: string } }) => m.payload.content)).toEqual(['welcome']);
    await expect(late.request('message.addReaction', { messageId: secret.messageId, emoji: '👀' })).rejects.toMatchObject({
      code: 'message.not_found',
    });
    await t.adminOk('POST', '/groups/lj2-g/members/remove', { uids: ['lj2-late'] });
    const hist = await late.request('message.history', { conversationId: 'team|lj2-g' });
    expect(hist.messages.map((m: { payload: { content: string } }) => m.payload.content)).toEqual(['welcome']);
  });

  it('deletes super-group messages for one member exactly, pushing the real state', async () => {
    const t = server();
    await t.ensureUsers('sd-o', 'sd-m');
    await t.adminOk('POST', '/groups', { groupId: 'sd-g', channelType: 3, ownerUid: 'sd-o', members: ['sd-m'] });
    const o = await t.connect('sd-o');
    await send(o, 'sd-g', 3, 'one');
    const last = await send(o, 'sd-g', 3, 'two');
    const m = await t.connect('sd-m');
    await m.request('message.removeHistory', { conversationId: 'super_team|sd-g', messageIds: [last.messageId] });
    const pushed = await m.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'super_team|sd-g');
    expect(pushed.data.conversation).toMatchObject({ unreadCount: 1, lastMsgSeq: 2, lastMsg: { messageSeq: 1 } });
    expect(pushed.data.conversation.updateTime).toBeGreaterThan(0);
    expect((await m.request('conversation.totalUnread')).totalUnread).toBe(1);
  });

  it('turns leaving a super group into a tombstone for sync and frees its pin', async () => {
    const t = server();
    await t.ensureUsers('lv-o', 'lv-m');
    await t.adminOk('POST', '/groups', { groupId: 'lv-g', channelType: 3, ownerUid: 'lv-o', members: ['lv-m'] });
    const o = await t.connect('lv-o');
    await send(o, 'lv-g', 3, 'hello');
    const m = await t.connect('lv-m');
    await m.request('conversation.pin', { conversationId: 'super_team|lv-g', isPinned: true });
    const token = (await m.request('conversation.sync', {})).syncToken;
    await t.adminOk('POST', '/groups/lv-g/members/remove', { uids: ['lv-m'] });
    await m.waitForEvent('conversation.deleted', (d) => d.conversationId === 'super_team|lv-g');
    const sync = await m.request('conversation.sync', { since: token });
    expect(sync.changes).toMatchObject([{ conversationId: 'super_team|lv-g', deleted: true }]);
    expect((await m.request('conversation.listPinned', {})).conversations).toEqual([]);
  });

  it('treats repeated pins and equal ext as no change, and refuses to pin what does not exist', async () => {
    const t = server();
    await t.ensureUsers('ip-a', 'ip-b', 'ip-c');
    const a = await t.connect('ip-a');
    await send(a, 'ip-b', 1, 'hi');
    const first = await a.request('conversation.pin', { conversationId: 'p2p|ip-b', isPinned: true });
    const again = await a.request('conversation.pin', { conversationId: 'p2p|ip-b', isPinned: true });
    expect(again.version).toBe(first.version);
    const ext = await a.request('conversation.updateExt', { conversationId: 'p2p|ip-b', ext: 'x' });
    expect((await a.request('conversation.updateExt', { conversationId: 'p2p|ip-b', ext: 'x' })).version).toBe(ext.version);
    await expect(a.request('conversation.pin', { conversationId: 'p2p|ip-c', isPinned: false })).rejects.toMatchObject({
      code: 'conversation.not_found',
    });
    expect((await a.request('conversation.list', {})).conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([
      'p2p|ip-b',
    ]);
  });

  it('says there is more before an empty page past the newest message', async () => {
    const t = server();
    await t.ensureUsers('he-a', 'he-b');
    const a = await t.connect('he-a');
    for (const n of [1, 2, 3]) await send(a, 'he-b', 1, `m${n}`);
    const page = await a.request('message.history', { conversationId: 'p2p|he-b', startSeq: 3, direction: 'down' });
    expect(page).toMatchObject({ messages: [], hasMoreBefore: true, hasMoreAfter: false });
  });
});

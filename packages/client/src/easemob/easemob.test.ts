import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ParleyClient } from '../index.js';
import { EasemobConnection, EasemobError, type MessageBody, type MultiDeviceEvent, type TextMsgBody } from './index.js';

/**
 * Seed 003 (Easemob Web SDK) run through `@parley/client/easemob` against a real server. The seed's
 * JavaScript is kept as it is, ids included (`'conversationId'`, `'userId'`, `'channel'` and the group
 * `'user1'` are real users and a real group here); only the login differs.
 */
describe('@parley/client/easemob against a real server', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const signIn = async (uid: string, deviceId = 'web') => {
    const client = await connect({ url: t.url, token: await t.token(uid), deviceId });
    clients.push(client);
    return EasemobConnection.over(client);
  };
  const say = async (fromUid: string, channelId: string, content: string, channelType = 1): Promise<string> =>
    (await t.adminOk('POST', '/messages', { fromUid, channelId, channelType, payload: { type: 1, content } })).messageId;
  const texts = (messages: MessageBody[]) => messages.map((m) => (m as TextMsgBody).msg);

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('me', 'conversationId', 'userId', 'channel', 'bob', 'carol');
    await t.adminOk('POST', '/groups', { groupId: 'user1', channelType: 2, ownerUid: 'bob', members: ['me', 'carol'] });
    await t.adminOk('POST', '/groups', { groupId: 'big1', channelType: 3, ownerUid: 'bob', members: ['me'] });
    for (let n = 1; n <= 30; n++) await say(n % 2 ? 'bob' : 'carol', 'user1', `g${n}`, 2);
    await say('conversationId', 'me', 'hello from conversationId');
    await say('userId', 'me', 'hello from userId');
    await say('channel', 'me', 'hello from channel');
    // A second later: a user's conversation times are spaced 2 ms apart (unique, for NIM's paging) and
    // after a burst run a few ms ahead of the clock; a super group's is its message's time.
    t.frozenAt = Date.now() + 1000;
    await say('bob', 'big1', 'hello super group', 3);
    t.frozenAt = undefined;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  describe('seed 003, as written', () => {
    it('getServerConversations({pageSize:50, cursor: ""}): conversations with their last message, and the cursor', async () => {
      const connection = await signIn('me');
      let res: any;
      // pageSize: 每页期望获取的会话数量。取值范围为 [1,50],默认为 `20`。
      // cursor:开始获取数据的游标位置。若传空字符串(''),SDK从最新活跃的会话开始获取。
      await connection.getServerConversations({ pageSize: 50, cursor: '' }).then((r) => {
        res = r;
      });
      expect(res.type).toBe(0);
      expect(res.data.cursor).toBe('');
      expect(res.data.conversations.map((c: any) => c.conversationId)).toEqual(['big1', 'channel', 'userId', 'conversationId', 'user1']);
      expect(res.data.conversations[1]).toEqual({
        conversationId: 'channel',
        conversationType: 'singleChat',
        isPinned: false,
        pinnedTime: 0,
        lastMessage: {
          id: expect.stringMatching(/^\d+$/),
          type: 'txt',
          chatType: 'singleChat',
          msg: 'hello from channel',
          from: 'channel',
          to: 'me',
          time: expect.any(Number),
          ext: {},
        },
        unReadCount: 1,
      });
      expect(res.data.conversations[0]).toMatchObject({ conversationId: 'big1', conversationType: 'groupChat' });
      expect(res.data.conversations[4]).toMatchObject({ conversationType: 'groupChat', unReadCount: 30, lastMessage: { to: 'user1' } });
    });

    it('pinConversation({conversationId, conversationType, isPinned}) and getServerPinnedConversations({pageSize:50, cursor: ""})', async () => {
      const connection = await signIn('me');
      const pinned = await connection.pinConversation({ conversationId: 'conversationId', conversationType: 'singleChat', isPinned: true });
      expect(pinned).toEqual({ type: 0, data: { isPinned: true, pinnedTime: expect.any(Number) } });
      expect(pinned.data.pinnedTime).toBeGreaterThan(0);
      const list = await connection.getServerPinnedConversations({ pageSize: 50, cursor: '' });
      expect(list.data.conversations).toEqual([
        expect.objectContaining({ conversationId: 'conversationId', isPinned: true, pinnedTime: pinned.data.pinnedTime }),
      ]);
      expect(list.data.cursor).toBe('');
      await connection.pinConversation({ conversationId: 'conversationId', conversationType: 'singleChat', isPinned: false });
      expect((await connection.getServerPinnedConversations({ pageSize: 50, cursor: '' })).data.conversations).toEqual([]);
    });

    it('WebIM.conn.getHistoryMessages({targetId: "user1", pageSize: 20, cursor: -1, chatType: "groupChat", searchDirection: "up"})', async () => {
      const WebIM = { conn: await signIn('me') };
      let got: any;
      let failed: unknown;
      let options = {
        // 对方的用户 ID 或者群组 ID 或聊天室 ID。
        targetId: 'user1',
        // 每页期望获取的消息条数。取值范围为 [1,50],默认值为 20。
        pageSize: 20,
        // 查询的起始消息 ID。若该参数设置为 `-1`、`null` 或空字符串,从最新消息开始。
        cursor: -1,
        // 会话类型:(默认) `singleChat`:单聊;`groupChat`:群聊。
        chatType: 'groupChat' as const,
        // 消息搜索方向:(默认)`up`:按服务器收到消息的时间的逆序获取;`down`:按服务器收到消息的时间的正序获取。
        searchDirection: 'up' as const,
      };
      await WebIM.conn
        .getHistoryMessages(options)
        .then((res) => {
          // 成功获取历史消息。
          got = res;
        })
        .catch((e) => {
          // 获取失败。
          failed = e;
        });
      expect(failed).toBeUndefined();
      expect(got.isLast).toBe(false);
      expect(texts(got.messages)).toEqual(Array.from({ length: 20 }, (_, i) => `g${30 - i}`));
      expect(got.messages[0]).toMatchObject({ type: 'txt', chatType: 'groupChat', to: 'user1', from: 'carol' });
      expect(got.cursor).toBe(got.messages[19].id);
      // The cursor goes on where the page ended; the last page has no cursor.
      options = { ...options, cursor: got.cursor };
      const rest = await WebIM.conn.getHistoryMessages(options);
      expect(texts(rest.messages)).toEqual(Array.from({ length: 10 }, (_, i) => `g${10 - i}`));
      expect(rest).toMatchObject({ isLast: true });
      expect(rest.cursor).toBeUndefined();
    });

    it('removeHistoryMessages({targetId: "userId", chatType: "singleChat", beforeTimeStamp | messageIds})', async () => {
      const connection = await signIn('me');
      const kept = await say('userId', 'me', 'kept');
      const removed = await say('userId', 'me', 'removed by id');
      await say('userId', 'me', 'also kept');
      const first = await connection.getHistoryMessages({ targetId: 'userId', searchDirection: 'down' });
      expect(texts(first.messages)).toEqual(['hello from userId', 'kept', 'removed by id', 'also kept']);
      // 按消息 ID 删除消息
      await connection.removeHistoryMessages({ targetId: 'userId', chatType: 'singleChat', messageIds: [removed] });
      const afterIds = await connection.getHistoryMessages({ targetId: 'userId', searchDirection: 'down' });
      expect(texts(afterIds.messages)).toEqual(['hello from userId', 'kept', 'also kept']);
      expect(afterIds.messages.map((m) => m.id)).toContain(kept);
      // 按时间删除消息
      await connection.removeHistoryMessages({ targetId: 'userId', chatType: 'singleChat', beforeTimeStamp: Date.now() });
      expect((await connection.getHistoryMessages({ targetId: 'userId' })).messages).toEqual([]);
      // The other side keeps everything.
      const peer = await signIn('userId');
      expect(texts((await peer.getHistoryMessages({ targetId: 'me', searchDirection: 'down' })).messages)).toHaveLength(4);
    });

    it('WebIM.conn.deleteConversation({channel: "channel", chatType: "singleChat", deleteRoam: true})', async () => {
      const WebIM = { conn: await signIn('me') };
      let options = {
        // 会话 ID:单聊为对方的用户 ID,群聊为群组 ID。
        channel: 'channel',
        // 会话类型:(默认) `singleChat`:单聊;`groupChat`:群聊。
        chatType: 'singleChat' as const,
        // 删除会话时是否同时删除服务端漫游消息。
        deleteRoam: true,
      };
      let res: unknown;
      await WebIM.conn
        .deleteConversation(options)
        .then((r) => {
          res = r;
        })
        .catch((e) => {
          res = e;
        });
      expect(res).toEqual({ type: 0, data: { result: 'ok' } });
      const list = await WebIM.conn.getServerConversations({ pageSize: 50 });
      expect(list.data.conversations.map((c) => c.conversationId)).not.toContain('channel');
      expect((await WebIM.conn.getHistoryMessages({ targetId: 'channel' })).messages).toEqual([]);
      // Deleting it again: it is gone.
      options = { ...options, deleteRoam: false };
      await expect(WebIM.conn.deleteConversation(options)).rejects.toBeInstanceOf(EasemobError);
    });
  });

  describe('what Easemob users complained about', () => {
    it("the last page's cursor is '' (never null), and a call with only a cursor still gets 20", async () => {
      const uids = Array.from({ length: 45 }, (_, i) => `pg-${i}`);
      await t.adminOk('POST', '/users/batch', { users: [...uids, 'pager'].map((uid) => ({ uid })) });
      for (const uid of uids) await say(uid, 'pager', 'hi');
      const connection = await signIn('pager');
      const first = await connection.getServerConversations();
      expect(first.data.conversations).toHaveLength(20);
      const second = await connection.getServerConversations({ cursor: first.data.cursor });
      expect(second.data.conversations).toHaveLength(20);
      const last = await connection.getServerConversations({ cursor: second.data.cursor });
      expect(last.data.conversations).toHaveLength(5);
      expect(last.data.cursor).toBe('');
      const exact = await connection.getServerConversations({ pageSize: 45 });
      expect(exact.data).toMatchObject({ cursor: '' });
      expect(exact.data.conversations).toHaveLength(45);
    });

    it('pageSize is 1..50 and chatType singleChat or groupChat; anything else rejects with REQUEST_PARAMETER_ERROR (-3)', async () => {
      const connection = await signIn('me');
      for (const bad of [
        connection.getServerConversations({ pageSize: 51 }),
        connection.getServerConversations({ pageSize: 0 }),
        connection.getServerPinnedConversations({ pageSize: 51 }),
        connection.getHistoryMessages({ targetId: 'bob', pageSize: 51 }),
        connection.getHistoryMessages({ targetId: 'bob', chatType: 'chatRoom' as 'groupChat' }),
        connection.removeHistoryMessages({ targetId: 'bob', chatType: 'singleChat', messageIds: Array(51).fill('1') }),
        connection.removeHistoryMessages({ targetId: 'bob', chatType: 'singleChat' } as never),
      ]) {
        await expect(bad).rejects.toMatchObject({ type: -3 });
      }
      await expect(connection.getHistoryMessages({ targetId: 'bob', cursor: '999999' })).rejects.toMatchObject({
        type: 51,
        data: { code: 'message.not_found' },
      });
    });

    it('getServerPinnedConversations honours pageSize and pages with a cursor', async () => {
      const connection = await signIn('me');
      for (const [conversationId, conversationType] of [
        ['userId', 'singleChat'],
        ['user1', 'groupChat'],
        ['big1', 'groupChat'],
      ] as const) {
        await connection.pinConversation({ conversationId, conversationType, isPinned: true });
        await new Promise((r) => setTimeout(r, 3));
      }
      const first = await connection.getServerPinnedConversations({ pageSize: 2, cursor: '' });
      expect(first.data.conversations.map((c) => c.conversationId)).toEqual(['big1', 'user1']);
      expect(first.data.cursor).not.toBe('');
      const second = await connection.getServerPinnedConversations({ pageSize: 2, cursor: first.data.cursor });
      expect(second.data).toMatchObject({ cursor: '', conversations: [{ conversationId: 'userId', isPinned: true }] });
      for (const [conversationId, conversationType] of [
        ['userId', 'singleChat'],
        ['user1', 'groupChat'],
        ['big1', 'groupChat'],
      ] as const)
        await connection.pinConversation({ conversationId, conversationType, isPinned: false });
    });

    it('up answers newest first, down oldest first, and neither shows deleted or recalled messages: pages stay full', async () => {
      await t.ensureUsers('hist-a', 'hist-b');
      const sender = await connect({ url: t.url, token: await t.token('hist-b'), deviceId: 'x' });
      clients.push(sender);
      const ids: string[] = [];
      for (let n = 1; n <= 12; n++) ids.push((await sender.messages.sendText({ channelId: 'hist-a', channelType: 1 }, `m${n}`)).messageId);
      await sender.messages.revoke(ids[10] as string); // m11
      const connection = await signIn('hist-a');
      await connection.removeHistoryMessages({ targetId: 'hist-b', chatType: 'singleChat', messageIds: [ids[8], ids[9]] as string[] }); // m9, m10
      const up = await connection.getHistoryMessages({ targetId: 'hist-b', pageSize: 4 });
      expect(texts(up.messages)).toEqual(['m12', 'm8', 'm7', 'm6']);
      const upNext = await connection.getHistoryMessages({ targetId: 'hist-b', pageSize: 4, cursor: up.cursor });
      expect(texts(upNext.messages)).toEqual(['m5', 'm4', 'm3', 'm2']);
      const down = await connection.getHistoryMessages({ targetId: 'hist-b', pageSize: 4, searchDirection: 'down', cursor: '' });
      expect(texts(down.messages)).toEqual(['m1', 'm2', 'm3', 'm4']);
      const downNext = await connection.getHistoryMessages({
        targetId: 'hist-b',
        pageSize: 4,
        searchDirection: 'down',
        cursor: down.cursor,
      });
      expect(texts(downNext.messages)).toEqual(['m5', 'm6', 'm7', 'm8']);
      const downLast = await connection.getHistoryMessages({
        targetId: 'hist-b',
        pageSize: 4,
        searchDirection: 'down',
        cursor: downNext.cursor,
      });
      expect(downLast).toMatchObject({ isLast: true });
      expect(texts(downLast.messages)).toEqual(['m12']);
      // A null cursor and the default pageSize are Easemob's too.
      expect(texts((await connection.getHistoryMessages({ targetId: 'hist-b', cursor: null })).messages)).toHaveLength(9);
    });

    it('chatType groupChat finds groups and super groups alike', async () => {
      const connection = await signIn('me');
      const big = await connection.getHistoryMessages({ targetId: 'big1', chatType: 'groupChat' });
      expect(texts(big.messages)).toEqual(['hello super group']);
      expect(big.messages[0]).toMatchObject({ chatType: 'groupChat', to: 'big1', from: 'bob' });
      expect((await connection.getHistoryMessages({ targetId: 'user1', chatType: 'groupChat', pageSize: 1 })).messages).toHaveLength(1);
      // singleChat by default: 'user1' is no user here.
      await expect(connection.getHistoryMessages({ targetId: 'user1' })).rejects.toBeInstanceOf(EasemobError);
    });

    it('onMultiDeviceEvent: pinnedConversation, unpinnedConversation, deleteRoaming and deleteConversation reach the other devices only', async () => {
      await t.ensureUsers('md-me', 'md-peer');
      await say('md-peer', 'md-me', 'one');
      const two = await say('md-peer', 'md-me', 'two');
      const phone = await signIn('md-me', 'phone');
      const laptop = await signIn('md-me', 'laptop');
      const atPhone: MultiDeviceEvent[] = [];
      const atLaptop: MultiDeviceEvent[] = [];
      phone.addEventHandler('handlerId', { onMultiDeviceEvent: (event) => atPhone.push(event) });
      laptop.addEventHandler('handlerId', {
        onMultiDeviceEvent: (event) => {
          switch (event.operation) {
            case 'pinnedConversation':
            case 'unpinnedConversation':
            case 'deleteRoaming':
            case 'deleteConversation':
              atLaptop.push(event);
              break;
            default:
              break;
          }
        },
      });
      await phone.pinConversation({ conversationId: 'md-peer', conversationType: 'singleChat', isPinned: true });
      await phone.pinConversation({ conversationId: 'md-peer', conversationType: 'singleChat', isPinned: false });
      await phone.removeHistoryMessages({ targetId: 'md-peer', chatType: 'singleChat', messageIds: [two] });
      await phone.deleteConversation({ channel: 'md-peer', chatType: 'singleChat', deleteRoam: true });
      await eventually(() => atLaptop.length === 5);
      expect(atLaptop).toEqual([
        { operation: 'pinnedConversation', conversationId: 'md-peer', conversationType: 'singleChat', timestamp: expect.any(Number) },
        { operation: 'unpinnedConversation', conversationId: 'md-peer', conversationType: 'singleChat', timestamp: expect.any(Number) },
        { operation: 'deleteRoaming', conversationId: 'md-peer', chatType: 'singleChat', messageIds: [two], timestamp: expect.any(Number) },
        {
          operation: 'deleteConversation',
          conversationId: 'md-peer',
          conversationType: 'singleChat',
          deleteRoam: true,
          timestamp: expect.any(Number),
        },
        { operation: 'deleteRoaming', conversationId: 'md-peer', chatType: 'singleChat', timestamp: expect.any(Number) },
      ]);
      expect(atPhone).toEqual([]);
      laptop.removeEventHandler('handlerId');
    });
  });
});

import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ParleyClient } from '../index.js';
import {
  WKChannel,
  WKChannelType,
  WKConnectStatus,
  WKIM,
  WKImageContent,
  WKMessageContent,
  type WKMsg,
  WKSendMsgResult,
  WKSendOptions,
  WKTextContent,
} from './index.js';

/** A custom content as WuKongIM's custom message guide writes one, with a type Parley takes as custom (1000+). */
class OrderContent extends WKMessageContent {
  orderNo = '';
  amount = 0;
  constructor(orderNo = '', amount = 0) {
    super();
    this.contentType = 1001;
    this.orderNo = orderNo;
    this.amount = amount;
  }
  override encodeJson(): Record<string, unknown> {
    return { orderNo: this.orderNo, amount: this.amount };
  }
  override decodeJson(json: Record<string, unknown>): this {
    this.orderNo = this.readString(json, 'orderNo');
    this.amount = this.readInt(json, 'amount');
    return this;
  }
  override displayText(): string {
    return '[订单]';
  }
}

/**
 * Seed 004 (WuKongIM Flutter SDK) transcribed to TypeScript and run through `@parley/client/wukongim`
 * against a real server. `WKIM.over(await connect({url, token}))` stands for `WKIM.shared` after setup.
 */
describe('@parley/client/wukongim against a real server', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const wks: WKIM[] = [];
  const signIn = async (uid: string, deviceId = 'app') => {
    const client = await connect({ url: t.url, token: await t.token(uid), deviceId });
    clients.push(client);
    const wk = WKIM.over(client);
    wks.push(wk);
    await wk.ready;
    return { wk, client };
  };
  const say = async (fromUid: string, channelId: string, content: string, channelType = 1): Promise<string> =>
    (await t.adminOk('POST', '/messages', { fromUid, channelId, channelType, payload: { type: 1, content } })).messageId;
  /** Counts the history requests that reach the server, on the client's real connection. */
  const countHistoryRequests = (client: ParleyClient) => {
    const counter = { served: 0 };
    const connection = (client as unknown as { connection: { request: (m: string, p?: unknown) => Promise<unknown> } }).connection;
    const request = connection.request.bind(connection);
    connection.request = (method, params) => {
      if (method === 'message.history') counter.served++;
      return request(method, params);
    };
    return counter;
  };
  const textOf = (m: WKMsg) => (m.messageContent as WKTextContent).content;

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('me', 'uid_1', 'uid_2', 'stranger');
    await t.adminOk('POST', '/groups', { groupId: 'g1', channelType: 2, ownerUid: 'uid_1', members: ['me'] });
    await t.adminOk('POST', '/groups', { groupId: 'closed', channelType: 2, ownerUid: 'uid_1', members: ['uid_2'] });
  });
  afterAll(async () => {
    for (const wk of wks) wk.close();
    for (const c of clients) c.close();
    await t.close();
  });

  describe('seed 004, as written', () => {
    it('sendMessage(WKTextContent("我是文本消息"), WKChannel("uid_1", WKChannelType.personal)): inserted, then refreshed; uid_1 gets it as new', async () => {
      const { wk } = await signIn('me');
      const { wk: peer } = await signIn('uid_1');
      const order: string[] = [];
      // 监听消息入库事件
      wk.messageManager.addOnMsgInsertedListener((wkMsg) => {
        // 展示在UI
        order.push(`inserted:${wkMsg.status}`);
      });
      // 监听刷新消息事件
      wk.messageManager.addOnRefreshMsgListener('chat', (wkMsg) => {
        // todo 刷新消息
        order.push(`refresh:${wkMsg.status}`);
      });
      const atPeer: WKMsg[] = [];
      // 监听新消息事件
      peer.messageManager.addOnNewMsgListener('chat', (msgs) => {
        //  展示在UI上
        atPeer.push(...msgs);
      });
      const sent = await wk.messageManager.sendMessage(new WKTextContent('我是文本消息'), new WKChannel('uid_1', WKChannelType.personal));
      expect(order).toEqual(['inserted:0', 'refresh:1']);
      expect(sent).toMatchObject({ status: WKSendMsgResult.sendSuccess, reasonCode: 1, messageSeq: 1, orderSeq: 1000 });
      await eventually(() => atPeer.length === 1);
      expect(atPeer[0]).toMatchObject({ channelID: 'me', channelType: 1, fromUID: 'me', clientMsgNO: sent.clientMsgNO, contentType: 1 });
      expect(JSON.parse(atPeer[0]?.content as string)).toEqual({ type: 1, content: '我是文本消息' });
      expect(textOf(atPeer[0] as WKMsg)).toBe('我是文本消息');
      // 移除新消息监听 / 移除刷新消息监听
      peer.messageManager.removeNewMsgListener('chat');
      wk.messageManager.removeOnRefreshMsgListener('chat');
      await wk.messageManager.sendMessage(new WKTextContent('not heard'), new WKChannel('uid_1', WKChannelType.personal));
      await new Promise((r) => setTimeout(r, 100));
      expect(atPeer).toHaveLength(1);
      expect(order).toEqual(['inserted:0', 'refresh:1', 'inserted:0']);
    });

    it('文本消息 and 图片消息: WKTextContent("你好,悟空") and WKImageContent(100, 100) with localPath and url', async () => {
      const { wk } = await signIn('me');
      const { wk: peer } = await signIn('uid_2');
      const channel = new WKChannel('uid_2', WKChannelType.personal);
      const got: WKMsg[] = [];
      peer.messageManager.addOnNewMsgListener('chat', (msgs) => got.push(...msgs));
      // 定义文本消息
      const text = new WKTextContent('你好,悟空');
      // 发送文本消息
      await wk.messageManager.sendMessage(text, channel);
      // 定义图片消息
      const image = new WKImageContent(100, 100);
      image.localPath = 'xxx'; // 图片本地路径
      image.url = 'http://xxx.com/xxx.jpg';
      // 发送图片消息
      const inserted: WKMsg[] = [];
      wk.messageManager.addOnMsgInsertedListener((m) => inserted.push(m));
      const sent = await wk.messageManager.sendMessage(image, channel);
      expect(sent.messageContent).toBe(image);
      // Here the content keeps the local path; it never goes to the server.
      expect(JSON.parse(inserted[0]?.content as string)).toEqual({
        type: 2,
        width: 100,
        height: 100,
        url: 'http://xxx.com/xxx.jpg',
        localPath: 'xxx',
      });
      await eventually(() => got.length === 2);
      expect(textOf(got[0] as WKMsg)).toBe('你好,悟空');
      expect(JSON.parse(got[1]?.content as string)).toEqual({ type: 2, width: 100, height: 100, url: 'http://xxx.com/xxx.jpg' });
      expect(got[1]?.messageContent).toBeInstanceOf(WKImageContent);
      expect(got[1]?.messageContent).toMatchObject({ width: 100, height: 100, url: 'http://xxx.com/xxx.jpg', localPath: '' });
      expect(got[1]?.messageContent?.displayText()).toBe('[图片]');
    });

    it('自定义消息: a WKMessageContent subclass with its own contentType, encoded and decoded as WuKongIM does', async () => {
      const { wk } = await signIn('me');
      const { wk: peer } = await signIn('uid_1', 'custom');
      peer.messageManager.registerMsgContent(1001, (data) => new OrderContent().decodeJson(data));
      const got: WKMsg[] = [];
      peer.messageManager.addOnNewMsgListener('chat', (msgs) => got.push(...msgs));
      await wk.messageManager.sendMessage(new OrderContent('A-42', 1999), new WKChannel('uid_1', WKChannelType.personal));
      await eventually(() => got.length === 1);
      expect(got[0]).toMatchObject({ contentType: 1001 });
      expect(JSON.parse(got[0]?.content as string)).toEqual({ type: 1001, orderNo: 'A-42', amount: 1999 });
      expect(got[0]?.messageContent).toBeInstanceOf(OrderContent);
      expect(got[0]?.messageContent).toMatchObject({ orderNo: 'A-42', amount: 1999 });
      expect(got[0]?.messageContent?.displayText()).toBe('[订单]');
    });

    it('刷新消息监听: a revoke, an edit and a reaction by the sender refresh the message, matched by clientMsgNO', async () => {
      const { wk: sender, client } = await signIn('uid_1', 'actor');
      const { wk } = await signIn('me', 'watcher');
      const sent = await sender.messageManager.sendMessage(new WKTextContent('draft'), new WKChannel('me', WKChannelType.personal));
      const refreshed: WKMsg[] = [];
      wk.messageManager.addOnRefreshMsgListener('chat', (m) => refreshed.push(m));
      await client.messages.edit(sent.messageID, { type: 1, content: 'final' } as never);
      await client.messages.addReaction(sent.messageID, '👍');
      await client.messages.revoke(sent.messageID);
      await eventually(() => refreshed.length === 3);
      expect(refreshed.every((m) => m.clientMsgNO === sent.clientMsgNO)).toBe(true);
      expect(refreshed[0]?.wkMsgExtra).toMatchObject({ contentEdit: JSON.stringify({ type: 1, content: 'final' }) });
      expect(refreshed[0]?.wkMsgExtra?.messageContent).toMatchObject({ content: 'final' });
      expect(refreshed[1]?.reactionList).toEqual([expect.objectContaining({ emoji: '👍', uid: 'uid_1', messageID: sent.messageID })]);
      expect(refreshed[2]?.wkMsgExtra).toMatchObject({ revoke: 1, revoker: 'uid_1' });
    });

    it('消息发送状态码: a refused send refreshes with its status and reasonCode (3 not in the group, 4 blacklisted)', async () => {
      await t.ensureUsers('blocker');
      await t.adminOk('POST', '/users/blocker/blacklist', { uids: ['me'] });
      const { wk } = await signIn('me', 'refused');
      const refreshed: WKMsg[] = [];
      wk.messageManager.addOnRefreshMsgListener('chat', (m) => refreshed.push(m));
      const notMember = await wk.messageManager.sendMessage(new WKTextContent('let me in'), new WKChannel('closed', WKChannelType.group));
      expect(notMember).toMatchObject({ status: WKSendMsgResult.noRelation, reasonCode: 3, messageSeq: 0, messageID: '' });
      const blocked = await wk.messageManager.sendMessage(new WKTextContent('hello?'), new WKChannel('blocker', WKChannelType.personal));
      expect(blocked).toMatchObject({ status: WKSendMsgResult.blackList, reasonCode: 4 });
      expect(refreshed.map((m) => [m.clientMsgNO, m.status])).toEqual([
        [notMember.clientMsgNO, 3],
        [blocked.clientMsgNO, 4],
      ]);
    });

    it('getOrSyncHistoryMessages: first entry (0) the newest page; pullMode 0 older, 1 newer; around 20 gives [16,17,19,20,...,25]', async () => {
      await t.ensureUsers('hist');
      for (let n = 1; n <= 30; n++) await say('hist', 'me', `h${n}`);
      const { wk, client } = await signIn('me', 'history');
      // seq 18 deleted for me: the seed's around example leaves it out too.
      const all = await client.request<{ messages: Array<{ messageId: string; messageSeq: number }> }>('message.history', {
        conversationId: 'p2p|hist',
        startSeq: 18,
        contain: true,
        limit: 1,
      });
      await client.messages.removeHistory({ channelId: 'hist', channelType: 1 }, { messageIds: [all.messages[0]?.messageId as string] });
      const seqs = (msgs: WKMsg[]) => msgs.map((m) => m.messageSeq);
      const calls: WKMsg[][] = [];
      const channelID = 'hist';
      const channelType = WKChannelType.personal;
      // 第一次进入聊天传入0
      const first = await wk.messageManager.getOrSyncHistoryMessages(channelID, channelType, 0, false, 0, 10, 0, (msgs) =>
        calls.push(msgs),
      );
      expect(calls).toEqual([first]);
      expect(seqs(first)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
      expect(first.map((m) => m.orderSeq)).toEqual(seqs(first).map((s) => s * 1000));
      // Scrolling back from the oldest shown: pullMode 0, older; the deleted 18 leaves no hole.
      const oldestOrderSeq = first[0]?.orderSeq as number;
      const older = await wk.messageManager.getOrSyncHistoryMessages(channelID, channelType, oldestOrderSeq, false, 0, 5, 0);
      expect(seqs(older)).toEqual([15, 16, 17, 19, 20]);
      expect(seqs(await wk.messageManager.getOrSyncHistoryMessages(channelID, channelType, 20_000, true, 0, 3, 0))).toEqual([17, 19, 20]);
      // pullMode 1, newer.
      const newer = await wk.messageManager.getOrSyncHistoryMessages(channelID, channelType, 16_000, false, 1, 4, 0);
      expect(seqs(newer)).toEqual([17, 19, 20, 21]);
      // 查询此消息附近消息 如 aroundMsgOrderSeq=20 返回数据则是 [16,17,19,20,21,22,23,24,25]
      const around = seqs(await wk.messageManager.getOrSyncHistoryMessages(channelID, channelType, 0, false, 0, 10, 20_000));
      // A server that tops pages up past deleted messages may add one more at an edge (15 or 26).
      expect(around).toEqual(expect.arrayContaining([16, 17, 19, 20, 21, 22, 23, 24, 25]));
      expect(around).not.toContain(18);
      expect(around.length).toBeLessThanOrEqual(10);
      expect(around).toEqual([...around].sort((a, b) => a - b));
    });

    it('离线消息: on connect the conversations come with their newest 20 messages; entering a chat costs no request, older pages are pulled', async () => {
      await t.ensureUsers('offline-peer', 'offline-me');
      for (let n = 1; n <= 25; n++) await say('offline-peer', 'offline-me', `o${n}`);
      const client = await connect({ url: t.url, token: await t.token('offline-me'), deviceId: 'back-online' });
      clients.push(client);
      const counter = countHistoryRequests(client);
      let listRequests = 0;
      const request = client.request.bind(client);
      client.request = ((method: string, params?: unknown) => {
        if (method === 'conversation.list') listRequests++;
        return request(method, params);
      }) as typeof client.request;
      const statuses: number[] = [];
      const wk = WKIM.over(client);
      wks.push(wk);
      wk.connectionManager.addOnConnectionStatusListener('status', (status) => statuses.push(status));
      await wk.ready;
      expect(listRequests).toBe(1);
      expect(statuses).toEqual([WKConnectStatus.syncCompleted]);
      // A message that arrives meanwhile extends the recents.
      await say('offline-peer', 'offline-me', 'o26');
      const heard: WKMsg[] = [];
      wk.messageManager.addOnNewMsgListener('chat', (msgs) => heard.push(...msgs));
      await eventually(() => heard.length === 1);
      let synced = 0;
      const page = await wk.messageManager.getOrSyncHistoryMessages(
        'offline-peer',
        1,
        0,
        false,
        0,
        20,
        0,
        () => {},
        () => synced++,
      );
      expect(page.map(textOf)).toEqual(Array.from({ length: 20 }, (_, i) => `o${i + 7}`));
      expect([counter.served, synced]).toEqual([0, 0]);
      const older = await wk.messageManager.getOrSyncHistoryMessages(
        'offline-peer',
        1,
        page[0]?.orderSeq as number,
        false,
        0,
        20,
        0,
        () => {},
        () => synced++,
      );
      expect(older.map(textOf)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
      expect([counter.served, synced]).toEqual([1, 1]);
    });
  });

  describe('what WuKongIM users complained about', () => {
    it('WKMsg: timestamp in seconds (10 digits), orderSeq = messageSeq × 1000, clientSeq a local increasing number, content a JSON string', async () => {
      const { wk } = await signIn('me', 'structure');
      const inserted: WKMsg[] = [];
      wk.messageManager.addOnMsgInsertedListener((m) => inserted.push(m));
      const a = await wk.messageManager.sendMessage(new WKTextContent('one'), new WKChannel('g1', WKChannelType.group));
      const b = await wk.messageManager.sendMessage(new WKTextContent('two'), new WKChannel('g1', WKChannelType.group));
      for (const m of [a, b, ...inserted]) expect(String(m.timestamp)).toMatch(/^\d{10}$/);
      expect(Math.abs(a.timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(b.clientSeq).toBeGreaterThan(a.clientSeq);
      expect(inserted.map((m) => m.clientSeq)).toEqual([a.clientSeq, b.clientSeq]);
      expect([a.orderSeq, b.orderSeq]).toEqual([a.messageSeq * 1000, b.messageSeq * 1000]);
      // While sending, a message sorts just after the newest one it knows of.
      expect(inserted[1]?.orderSeq).toBe(a.orderSeq + 1);
      expect(inserted[1]).toMatchObject({ status: 0, messageSeq: 0, messageID: '' });
      expect(a).toMatchObject({ channelID: 'g1', channelType: 2, contentType: 1, isDeleted: 0 });
      expect(JSON.parse(a.content)).toEqual({ type: 1, content: 'one' });
      expect(a.header).toEqual({ redDot: true, noPersist: false, syncOnce: false });
      expect(a.setting).toEqual({ receipt: false, topic: false, stream: false });
      expect(a.wkMsgExtra).toMatchObject({ messageID: a.messageID, revoke: 0, readedCount: 0 });
    });

    it('a message sending sorts after the newest one the conversation list knows, history unread', async () => {
      await t.ensureUsers('order-a', 'order-b');
      for (let n = 1; n <= 3; n++) await say('order-b', 'order-a', `n${n}`);
      const { wk } = await signIn('order-a', 'order');
      const inserted: WKMsg[] = [];
      wk.messageManager.addOnMsgInsertedListener((m) => inserted.push(m));
      const sent = await wk.messageManager.sendMessage(new WKTextContent('n4'), new WKChannel('order-b', WKChannelType.personal));
      expect(inserted[0]?.orderSeq).toBe(3001);
      expect(sent.orderSeq).toBe(4000);
    });

    it("a content type Parley does not store (WuKongIM's card, 7) is refused with reason 9, ReasonPayloadDecodeError", async () => {
      const { wk } = await signIn('me', 'card');
      const card = new OrderContent('card', 1);
      card.contentType = 7;
      const sent = await wk.messageManager.sendMessage(card, new WKChannel('uid_1', WKChannelType.personal));
      expect(sent).toMatchObject({ status: 9, reasonCode: 9, messageSeq: 0 });
    });

    it('a send the server refuses as invalid (a channel type it does not have) reports reasonCode 23', async () => {
      const { wk } = await signIn('me', 'invalid');
      const sent = await wk.messageManager.sendMessage(new WKTextContent('to a topic'), new WKChannel('t1', WKChannelType.communityTopic));
      expect(sent).toMatchObject({ status: 23, reasonCode: 23 });
    });
  });

  describe('MessageHeader.syncOnce (是否只同步一次)', () => {
    const syncOnce = (): WKSendOptions => {
      const options = new WKSendOptions();
      options.header.syncOnce = true;
      return options;
    };

    it('sendWithOption with header.syncOnce: the online peer gets it once through addOnNewMsgListener, outside history', async () => {
      await t.ensureUsers('once-a', 'once-b');
      const { wk } = await signIn('once-a', 'phone');
      const { wk: peer } = await signIn('once-b', 'phone');
      peer.messageManager.registerMsgContent(1001, (data) => new OrderContent().decodeJson(data));
      const got: WKMsg[] = [];
      peer.messageManager.addOnNewMsgListener('chat', (msgs) => got.push(...msgs));
      const channel = new WKChannel('once-b', WKChannelType.personal);
      const sent = await wk.messageManager.sendWithOption(new OrderContent('cmd-1', 1), channel, syncOnce());
      expect(sent).toMatchObject({ status: WKSendMsgResult.sendSuccess, reasonCode: 1, messageSeq: 0 });
      expect(sent.header.syncOnce).toBe(true);
      await eventually(() => got.length === 1);
      expect(got[0]).toMatchObject({ messageID: sent.messageID, channelID: 'once-a', messageSeq: 0, header: { syncOnce: true } });
      expect(((got[0] as WKMsg).messageContent as OrderContent).orderNo).toBe('cmd-1');
      await eventually(async () => (await t.storage.syncOnce.pending('once-b', 10)).messages.length === 0);
      const history = await peer.messageManager.getOrSyncHistoryMessages('once-a', WKChannelType.personal, 0, false, 0, 20, 0);
      expect(history).toEqual([]);
    });

    it('an offline user gets it on sign-in through the new-message listener, also added after wk.ready, and only once', async () => {
      await t.ensureUsers('once-c', 'once-d');
      const { wk } = await signIn('once-c', 'phone');
      const channel = new WKChannel('once-d', WKChannelType.personal);
      const first = await wk.messageManager.sendWithOption(new OrderContent('first', 1), channel, syncOnce());
      const second = await wk.messageManager.sendWithOption(new OrderContent('second', 2), channel, syncOnce());
      const { wk: later } = await signIn('once-d', 'tablet');
      const got: WKMsg[] = [];
      later.messageManager.addOnNewMsgListener('chat', (msgs) => got.push(...msgs));
      await eventually(() => got.length === 2);
      expect(got.map((m) => m.messageID)).toEqual([first.messageID, second.messageID]);
      expect(got.every((m) => m.header.syncOnce && m.messageSeq === 0)).toBe(true);
      await eventually(async () => (await t.storage.syncOnce.pending('once-d', 10)).messages.length === 0);
      const { wk: again } = await signIn('once-d', 'desktop');
      const none: WKMsg[] = [];
      again.messageManager.addOnNewMsgListener('chat', (msgs) => none.push(...msgs));
      await new Promise((r) => setTimeout(r, 150));
      expect(none).toEqual([]);
    });
  });
});

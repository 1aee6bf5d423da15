import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ParleyClient } from '../index.js';
import {
  type NIMError,
  type NIMRecentSession,
  type NIMResult,
  NimCore,
  type QueryMySessionOption,
  type RecentSession,
  type RecentSessionList,
  type RequestCallback,
} from './index.js';

/**
 * The NIM seeds (000 Flutter, 001 Android, 002 iOS) transcribed to TypeScript: each example runs
 * through `@parley/client/nim` against a real server. Only the import and the login differ from the
 * seeds: `NimCore.over(await connect({url, token}))` stands for `NimCore.instance` / `NIMClient` / `NIMSDK`.
 */
describe('@parley/client/nim against a real server', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const signIn = async (uid: string, deviceId = 'phone') => {
    const client = await connect({ url: t.url, token: await t.token(uid), deviceId });
    clients.push(client);
    return NimCore.over(client);
  };
  const say = (fromUid: string, channelId: string, content: string, channelType = 1) =>
    t.adminOk('POST', '/messages', { fromUid, channelId, channelType, payload: { type: 1, content } });

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('alice', 'bob', 'carol', 'dave', 'erin');
    await t.adminOk('POST', '/groups', { groupId: 'tid1', channelType: 2, ownerUid: 'carol', members: ['alice', 'bob'] });
    await t.adminOk('POST', '/groups', { groupId: 'stid1', channelType: 3, ownerUid: 'carol', members: ['alice'] });
    await say('bob', 'alice', 'hi alice');
    await say('carol', 'tid1', 'hello team', 2);
    // A second later: after a burst a user's conversation times run a few ms ahead of the clock (2 ms
    // apart each, docs/protocol.md), while a super group's is its message's time.
    t.frozenAt = Date.now() + 1000;
    await say('carol', 'stid1', 'hello super team', 3);
    t.frozenAt = undefined;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  describe('seed 000, Flutter', () => {
    it('queryMySessionList(minTimestamp, maxTimestamp, needLastMsg, limit, hasMore): a NIMResult<RecentSessionList>, newest first', async () => {
      const nim = await signIn('alice');
      const result: NIMResult<RecentSessionList> = await nim.messageService.queryMySessionList(0, 0, 1, 100, 0);
      expect(result).toMatchObject({ isSuccess: true, code: 200, errorDetails: null, data: { hasMore: false } });
      const sessions = result.data?.sessionList ?? [];
      expect(sessions.map((s) => s.sessionId)).toEqual(['super_team|stid1', 'team|tid1', 'p2p|bob']);
      const [p2p] = sessions.slice(-1) as [RecentSession];
      // Exactly the RecentSession fields.
      expect(Object.keys(p2p).sort()).toEqual(
        ['ext', 'lastMsg', 'lastMsgType', 'revokeNotification', 'sessionId', 'sessionTypePair', 'updateTime'].sort(),
      );
      expect(p2p).toMatchObject({
        ext: '',
        lastMsgType: 0,
        revokeNotification: null,
        sessionTypePair: { sessionType: 'p2p', sessionId: 'bob' },
      });
      expect(typeof p2p.lastMsg).toBe('string');
      expect(JSON.parse(p2p.lastMsg as string)).toMatchObject({ fromUid: 'bob', payload: { content: 'hi alice' } });
      expect(sessions[0]?.sessionTypePair).toEqual({ sessionType: 'superTeam', sessionId: 'stid1' });
    });

    it('queryMySession(sessionId, sessionType): one RecentSession, or 404', async () => {
      const nim = await signIn('alice');
      const found = await nim.messageService.queryMySession('team|tid1', 'team');
      expect(found).toMatchObject({ isSuccess: true, code: 200, data: { sessionId: 'team|tid1', lastMsgType: 0 } });
      expect(JSON.parse(found.data?.lastMsg as string)).toMatchObject({ payload: { content: 'hello team' } });
      // The bare id with its type, as Flutter passes both.
      expect((await nim.messageService.queryMySession('tid1', 'team')).data?.sessionId).toBe('team|tid1');
      const missing = await nim.messageService.queryMySession('p2p|erin');
      expect(missing).toMatchObject({ isSuccess: false, code: 404, data: null });
      expect(missing.errorDetails).toMatch(/^conversation\.not_found/);
    });

    it('updateMySession(sessionId, sessionType, ext): sets ext; creates the session without lastMsg when there is none', async () => {
      const nim = await signIn('alice');
      expect(await nim.messageService.updateMySession('p2p|dave', 'p2p', '{"note":"met at the fair"}')).toMatchObject({
        isSuccess: true,
        code: 200,
      });
      expect((await nim.messageService.queryMySession('p2p|dave', 'p2p')).data).toMatchObject({
        sessionId: 'p2p|dave',
        ext: '{"note":"met at the fair"}',
        lastMsg: null,
      });
      const tooLong = await nim.messageService.updateMySession('p2p|dave', 'p2p', 'x'.repeat(1025));
      expect(tooLong).toMatchObject({ isSuccess: false, code: 414 });
    });

    it('deleteMySession(List<NIMMySessionKey>) removes sessions from the list', async () => {
      const nim = await signIn('alice');
      await nim.messageService.updateMySession('erin', 'p2p', 'to delete');
      expect(await nim.messageService.deleteMySession([{ sessionId: 'erin', sessionType: 'p2p' }])).toMatchObject({ isSuccess: true });
      expect((await nim.messageService.queryMySession('p2p|erin')).code).toBe(404);
      // A refused id makes the whole answer a failure, with its code.
      expect(await nim.messageService.deleteMySession(['p2p|erin'])).toMatchObject({ isSuccess: false, code: 404 });
    });

    it('onMySessionUpdate.listen((RecentSession event) {...}): every change, from any device, this one included', async () => {
      const nim = await signIn('alice', 'tablet');
      const other = await signIn('alice', 'laptop');
      const events: RecentSession[] = [];
      const subscription = nim.messageService.onMySessionUpdate.listen((event: RecentSession) => {
        /// When a server session changes, the changed session arrives here.
        events.push(event);
      });
      await say('bob', 'alice', 'new message');
      await eventually(() => events.some((e) => e.sessionId === 'p2p|bob' && e.lastMsg?.includes('new message')));
      await other.messageService.updateMySession('p2p|bob', 'p2p', 'set on the laptop');
      await eventually(() => events.some((e) => e.sessionId === 'p2p|bob' && e.ext === 'set on the laptop'));
      await nim.messageService.updateMySession('p2p|bob', 'p2p', 'set here');
      await eventually(() => events.some((e) => e.ext === 'set here'));
      subscription.cancel();
      const seen = events.length;
      await say('bob', 'alice', 'after cancel');
      await new Promise((r) => setTimeout(r, 100));
      expect(events.length).toBe(seen);
    });
  });

  describe('seed 001, Android', () => {
    it('queryMySessionList(startTime, endTime, 1, queryAmount, 1).setCallback(new RequestMySessionListCallback(...))', async () => {
      const nim = await signIn('alice');
      const startTime = 0;
      const endTime = Date.now() + 60_000;
      const queryAmount = 2;
      const shown: string[][] = [];
      const showSessionList = (list: RecentSession[]) => shown.push(list.map((s) => s.sessionId));
      // The demo's RequestMySessionListCallback: shows the page it got.
      const callback: RequestCallback<RecentSessionList> = {
        onSuccess: (param) => showSessionList(param.sessionList),
        onFailed: (code) => shown.push([`failed ${code}`]),
      };
      nim.messageService.queryMySessionList(startTime, endTime, 1, queryAmount, 1).setCallback(callback);
      await eventually(() => shown.length === 1);
      expect(shown[0]).toHaveLength(2);
    });

    it('queryMySessionList(QueryMySessionOption): the option object form', async () => {
      const nim = await signIn('alice');
      const option: QueryMySessionOption = { minTimestamp: 0, maxTimestamp: 0, needLastMsg: 0, limit: 1 };
      const result = await nim.messageService.queryMySessionList(option);
      expect(result.data).toMatchObject({ hasMore: true, sessionList: [{ lastMsg: null }] });
      expect((await nim.messageService.queryMySessionList()).data?.sessionList.length).toBeGreaterThan(1);
    });

    it('queryMySession(sessionId).setCallback(new RequestCallback<RecentSession>() {...})', async () => {
      const nim = await signIn('alice');
      const screen: string[] = [];
      const sessionToString = (s: RecentSession) => `${s.sessionId} ${s.updateTime}`;
      for (const sessionId of ['p2p|bob', 'p2p|nobody']) {
        nim.messageService.queryMySession(sessionId).setCallback({
          onSuccess(param: RecentSession) {
            screen.push(sessionToString(param));
          },
          onFailed(code: number) {
            screen.push(`获取单条会话失败, code=${code}`);
          },
          onException(exception: unknown) {
            screen.push(`获取单条会话出现异常, msg=${String(exception)}`);
          },
        });
      }
      await eventually(() => screen.length === 2);
      expect(screen).toContainEqual(expect.stringMatching(/^p2p\|bob \d{13}$/));
      expect(screen).toContain('获取单条会话失败, code=404');
    });

    it('updateMySession(sessionId, ext).setCallback(...) and deleteMySession(selectedArr).setCallback(...)', async () => {
      const nim = await signIn('alice');
      const toasts: string[] = [];
      const toast = (what: string): RequestCallback<void> => ({
        onSuccess: () => toasts.push(`${what}会话成功`),
        onFailed: (code) => toasts.push(`${what}会话失败, code=${code}`),
      });
      const sessionIdET = 'p2p|carol';
      const extET = 'typed in the demo';
      nim.messageService.updateMySession(sessionIdET, extET).setCallback(toast('更新'));
      await eventually(() => toasts.length === 1);
      expect((await nim.messageService.queryMySession(sessionIdET)).data?.ext).toBe(extET);
      const selectedArr = [sessionIdET];
      nim.messageService.deleteMySession(selectedArr).setCallback(toast('删除'));
      await eventually(() => toasts.length === 2);
      nim.messageService.updateMySession('not a session id', extET).setCallback(toast('更新'));
      await eventually(() => toasts.length === 3);
      expect(toasts).toEqual(['更新会话成功', '删除会话成功', '更新会话失败, code=414']);
    });
  });

  describe('seed 002, iOS', () => {
    it('fetchServerSessions(option, completion): the next page with maxTimestamp = currentMin - 1', async () => {
      const nim = await signIn('alice');
      const needLastMsg = true;
      const min = 0;
      const limit = 2;
      const first = await nim.conversationManager.fetchServerSessions({ needLastMessage: needLastMsg, limit });
      const currentMin = Math.min(...(first.data?.recentSessions ?? []).map((s) => s.updateTime));
      const pages: Array<{ error: NIMError | null; recentSessions: NIMRecentSession[] | null; hasMore: boolean }> = [];
      // 下一页
      const option = { needLastMessage: needLastMsg, minTimestamp: min, maxTimestamp: currentMin - 1, limit };
      await nim.conversationManager.fetchServerSessions(option, (error, recentSessions, hasMore) => {
        pages.push({ error, recentSessions, hasMore });
      });
      const firstIds = first.data?.recentSessions.map((s) => s.session.sessionId) ?? [];
      const nextIds = pages[0]?.recentSessions?.map((s) => s.session.sessionId) ?? [];
      expect(pages[0]?.error).toBeNull();
      expect(nextIds.length).toBeGreaterThan(0);
      expect(nextIds.filter((id) => firstIds.includes(id))).toEqual([]);
      expect(pages[0]?.recentSessions?.[0]).toMatchObject({
        unreadCount: expect.any(Number),
        serverExt: expect.any(String),
        localExt: null,
      });
    });

    it('fetchServerSessionBySession, updateServerSessionExt(@"newServerExt") and deleteServerSessions(@[session])', async () => {
      const nim = await signIn('alice');
      const list = await nim.conversationManager.fetchServerSessions(null);
      const recent = list.data?.recentSessions.find((s) => s.session.sessionId === 'tid1') as NIMRecentSession;
      expect(recent.session).toEqual({ sessionId: 'tid1', sessionType: 'team' });
      const calls: unknown[] = [];
      await nim.conversationManager.fetchServerSessionBySession(recent.session, (error, recentSession) => {
        calls.push([error, recentSession?.lastMessage?.payload]);
      });
      await nim.conversationManager.updateServerSessionExt('newServerExt', recent.session, (error) => calls.push(error));
      expect((await nim.conversationManager.fetchServerSessionBySession(recent.session)).data?.serverExt).toBe('newServerExt');
      await nim.conversationManager.deleteServerSessions([recent.session], (error) => calls.push(error));
      await nim.conversationManager.fetchServerSessionBySession(recent.session, (error) => calls.push(error?.code));
      expect(calls).toEqual([[null, { type: 1, content: 'hello team' }], null, null, 404]);
    });
  });

  describe('what NIM users complained about', () => {
    it('needLastMsg and hasMore are the 0/1 integers NIM documents; anything else, and a limit over 100, is 414', async () => {
      const nim = await signIn('alice');
      const without = await nim.messageService.queryMySessionList(0, 0, 0, 100, 0);
      expect(without.data?.sessionList.every((s) => s.lastMsg === null)).toBe(true);
      const withLast = await nim.messageService.queryMySessionList(0, 0, 1, 100, 0);
      expect(withLast.data?.sessionList.some((s) => s.lastMsg !== null)).toBe(true);
      for (const bad of [
        nim.messageService.queryMySessionList(0, 0, 2 as 1, 100, 0),
        nim.messageService.queryMySessionList(0, 0, 1, 101, 0),
        nim.messageService.queryMySessionList(0, 0, 1, 100, 7 as 1),
        nim.messageService.queryMySessionList(-1, 0, 1, 100, 0),
        nim.messageService.queryMySessionList({ limit: 2.5 }),
      ]) {
        expect(await bad).toMatchObject({ isSuccess: false, code: 414, data: null });
      }
    });

    it('limit defaults to 100 (0 too), and a page of 100 says hasMore when there are more', async () => {
      const uids = Array.from({ length: 101 }, (_, i) => `many-${i}`);
      await t.adminOk('POST', '/users/batch', { users: uids.map((uid) => ({ uid })) });
      for (const uid of uids) await say(uid, 'dave', `from ${uid}`);
      const nim = await signIn('dave');
      for (const page of [await nim.messageService.queryMySessionList(), await nim.messageService.queryMySessionList(0, 0, 1, 0, 0)]) {
        expect(page.data?.sessionList).toHaveLength(100);
        expect(page.data?.hasMore).toBe(true);
      }
    });

    it('a revoked last message: lastMsgType 1 and a revokeNotification', async () => {
      await t.ensureUsers('rev-a', 'rev-b');
      const sender = await connect({ url: t.url, token: await t.token('rev-a'), deviceId: 'x' });
      clients.push(sender);
      const sent = await sender.messages.sendText({ channelId: 'rev-b', channelType: 1 }, 'oops');
      await sender.messages.revoke(sent.messageId);
      const nim = await signIn('rev-b');
      const session = (await nim.messageService.queryMySession('p2p|rev-a')).data;
      expect(session).toMatchObject({ lastMsgType: 1, revokeNotification: { revokeAccount: 'rev-a', messageId: sent.messageId } });
    });

    it('a minTimestamp fetch cannot see an ext changed on another device, as in NIM; onMySessionUpdate does', async () => {
      const phone = await signIn('bob', 'phone');
      const laptop = await signIn('bob', 'laptop');
      const first = (await phone.messageService.queryMySessionList()).data?.sessionList ?? [];
      const since = Math.max(...first.map((s) => s.updateTime));
      const updates: RecentSession[] = [];
      phone.messageService.onMySessionUpdate.listen((s) => updates.push(s));
      await laptop.messageService.updateMySession('p2p|alice', 'seen from the laptop');
      await eventually(() => updates.some((s) => s.ext === 'seen from the laptop'));
      const incremental = await phone.messageService.queryMySessionList(since, 0, 1, 100, 0);
      expect(incremental.data?.sessionList.map((s) => s.sessionId)).not.toContain('p2p|alice');
    });
  });
});

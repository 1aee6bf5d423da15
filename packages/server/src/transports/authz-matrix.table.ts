import { type ErrorCode, parseConversationId, ReasonCode } from '@parley/protocol';
import { clientMsgNo } from '@parley/test-kit/server';
import { expect } from 'vitest';
import {
  allowed,
  type Cell,
  type Check,
  type Expect,
  enc,
  na,
  type Operation,
  probes,
  query,
  refused,
  refusedEach,
  refusedSend,
  type Target,
} from '../test-support/authz-cells.js';
import { conv, GROUP, type MessageName, U, type World } from '../test-support/authz-world.js';

/**
 * The authorization matrix of every client operation (REST and WebSocket): for each, what each
 * identity gets when it tries alice's data. The token identities (no token, forged, expired,
 * other audience) are the same for every operation and are derived in the test; the cells here
 * are the people with a valid token of their own (see `authz-cells.ts` and `authz-world.ts`).
 *
 * A new WebSocket method or REST route fails `authz-matrix.test.ts` until it has a row here.
 */

const G: Target = { conversationId: conv.G };
const S: Target = { conversationId: conv.S };
/** alice's system notices. */
const SYS: Target = { conversationId: conv.SYS };
const m = (name: MessageName): Target => ({ msg: name });
const id = (w: World, name: MessageName | undefined): string => (name ? w.msg[name].messageId : '0');

const forbidden = refused('conversation.forbidden', 403);
const notFound = refused('message.not_found', 404);
const notYours = refused('message.forbidden', 403);
/** A profile the caller may not see answers as one that does not exist. */
const notShown = refused('user.not_found', 404);
/** A non-member sending to a group gets reason code 3 (REST: 403 message.refused). */
const notSubscriber = refusedSend(ReasonCode.ReasonSubscriberNotExist, 403);

/** G, S and alice's system notices are not theirs: the documented 403 conversation.forbidden. */
const notMember = probes([G, forbidden], [S, forbidden], [SYS, forbidden]);
/** bob shares alice's groups and chat, not her system notices. */
const notHerNotices = probes([SYS, forbidden]);
/** Someone else's messages in G, S and alice's 1:1 chat with bob: no such message, for them. */
const unseen = (...names: MessageName[]): Cell => probes(...names.map((n): [Target, Expect] => [m(n), notFound]));

/** Each person's conversation list, exactly. */
const LISTED: Record<string, string[]> = {
  [U.carol]: [],
  [U.frank]: [conv.H],
  [U.dave]: [conv.G, conv.S],
  [U.erin]: [conv.G],
  [U.bob]: [conv.G, conv.S, conv.p2p(U.alice)],
};
const ids = (conversations: Array<{ conversationId: string }>) => conversations.map((c) => c.conversationId).sort();
const listsExactly: Check = (answer, _w, actor) => expect(ids(answer.conversations)).toEqual([...(LISTED[actor] ?? [])].sort());
const listsWithin: Check = (answer, _w, actor) => {
  for (const c of ids(answer.conversations)) expect(LISTED[actor]).toContain(c);
};
const seqs = (answer: { messages: Array<{ messageSeq: number }> }) => answer.messages.map((x) => x.messageSeq);
/** dave joined G and S after their 2nd message: nothing before seq 3, not even a placeholder. */
const afterJoin: Check = (answer) => {
  for (const s of seqs(answer)) expect(s).toBeGreaterThan(2);
};
/** erin's view of G stops at g3, the last message before she was removed. */
const erinStopsAtG3: Check = (answer, w) =>
  expect(answer).toMatchObject({ conversationId: conv.G, lastMsgSeq: 3, lastMsg: { messageId: w.msg.g3.messageId } });

/** What a search for every world message ('az secret text') finds for each person: exactly what they may read. */
const FINDS: Record<string, MessageName[]> = {
  [U.carol]: [],
  [U.frank]: ['h1'],
  [U.dave]: ['g3', 's3', 'g4', 's4'],
  [U.erin]: ['g1', 'g2', 'g3'],
  [U.bob]: ['g1', 'g2', 's1', 's2', 'g3', 's3', 'g4', 's4', 'pA', 'pB', 'pX'],
};
const messageIds = (answer: { messages: Array<{ messageId: string }> }) => answer.messages.map((x) => x.messageId).sort();
const findsExactly: Check = (answer, w, actor) =>
  expect(messageIds(answer)).toEqual((FINDS[actor] ?? []).map((n) => w.msg[n].messageId).sort());
const findsOnly =
  (...names: MessageName[]): Check =>
  (answer, w) =>
    expect(messageIds(answer)).toEqual(names.map((n) => w.msg[n].messageId).sort());

const conversationRef = (on: Target): Record<string, unknown> => ({ conversationId: on.conversationId, ...on.extra });
const convPath = (on: Target, rest = '') => `/v1/conversations/${enc(on.conversationId ?? '')}${rest}`;

/** typing.start and typing.stop in G: only its members may tell it (a refusal tells nobody). */
const typingOperation = (name: string): Operation => ({
  ws: name,
  request: (_w, on) => ({ params: { channelId: on.groupId ?? GROUP.G, channelType: 2 }, path: '' }),
  sample: { groupId: GROUP.G },
  cells: {
    outsider: probes([{ groupId: GROUP.G }, allowed((a) => expect(a).toEqual({ forwarded: false }))]),
    otherGroupMember: probes([{ groupId: GROUP.G }, allowed((a) => expect(a).toEqual({ forwarded: false }))]),
    lateJoiner: na('member'),
    leftMember: probes([{ groupId: GROUP.G }, allowed((a) => expect(a).toEqual({ forwarded: false }))]),
    peer: na('member'),
  },
});

/** WuKongIM's bodies name the caller; naming alice instead is refused before anything is read. */
const uidMismatch = refused('wukongim.uid_mismatch', 403);
const ALICE: Record<string, unknown> = { uid: U.alice };
/** A WuKongIM body for a conversation target: its channel as the caller names it, the caller's uid unless `extra.uid`. */
function wkBody(on: Target, actor: string, uidField = 'uid'): Record<string, unknown> {
  const channel = parseConversationId(on.conversationId ?? conv.G) ?? { channelId: '', channelType: 1 };
  return { [uidField]: on.extra?.uid ?? actor, channel_id: channel.channelId, channel_type: channel.channelType };
}
const wkRequest =
  (path: string, uidField?: string, more: Record<string, unknown> = {}) =>
  (_w: World, on: Target, actor: string) => {
    const body = { ...wkBody(on, actor, uidField), ...more };
    return { params: body, path, body };
  };
const WK_TYPES: Record<number, string> = { 1: 'p2p', 2: 'team', 3: 'super_team', 4: 'system' };
const wkListsWithin: Check = (answer, _w, actor) => {
  for (const c of answer as Array<{ channel_id: string; channel_type: number }>)
    expect(LISTED[actor]).toContain(`${WK_TYPES[c.channel_type]}|${c.channel_id}`);
};
const wkSeqs = (answer: { messages: Array<{ message_seq: number }> }) => answer.messages.map((x) => x.message_seq);
const wkExtraSeqs = (answer: unknown) => (answer as Array<{ message_seq: number }>).map((x) => x.message_seq);
const isArray: Check = (answer) => expect(Array.isArray(answer)).toBe(true);
/** A WuKongIM read-state operation: the conversation.markRead cells, and naming alice is refused. */
const wkReadStateCells = (refusal: Expect): Record<'outsider' | 'otherGroupMember' | 'lateJoiner' | 'leftMember' | 'peer', Cell> => ({
  outsider: probes([G, refusal], [S, refusal], [SYS, refusal], [{ ...G, extra: ALICE }, uidMismatch]),
  otherGroupMember: probes([G, refusal], [S, refusal], [SYS, refusal]),
  lateJoiner: na('own'),
  leftMember: probes([S, refusal]),
  peer: probes([SYS, refusal], [{ conversationId: conv.p2p(U.alice), extra: ALICE }, uidMismatch]),
});

/** WuKongIM's data-source endpoints (`/v1/wukongim/`), REST only. */
const wukongimOperations: Record<string, Operation> = {
  'wukongim.conversationSync': {
    rest: 'POST /v1/wukongim/conversation/sync',
    request: (_w, on, actor) => {
      const body = { uid: on.extra?.uid ?? actor, msg_count: 20 };
      return { params: body, path: '/v1/wukongim/conversation/sync', body };
    },
    sample: {},
    cells: {
      outsider: probes([{}, allowed(wkListsWithin)], [{ extra: ALICE }, uidMismatch]),
      otherGroupMember: probes([{}, allowed(wkListsWithin)]),
      lateJoiner: probes([{}, allowed(wkListsWithin)]),
      leftMember: probes([{}, allowed(wkListsWithin)]),
      peer: probes([{}, allowed(wkListsWithin)], [{ extra: ALICE }, uidMismatch]),
    },
  },
  'wukongim.messageSync': {
    rest: 'POST /v1/wukongim/channel/messagesync',
    request: wkRequest('/v1/wukongim/channel/messagesync', 'login_uid', { limit: 30 }),
    sample: G,
    cells: {
      outsider: probes([G, forbidden], [S, forbidden], [SYS, forbidden], [{ ...G, extra: ALICE }, uidMismatch]),
      otherGroupMember: notMember,
      lateJoiner: probes([G, allowed((a) => expect(wkSeqs(a)).toEqual([3, 4]))], [S, allowed((a) => expect(wkSeqs(a)).toEqual([3, 4]))]),
      leftMember: probes([G, allowed((a) => expect(Math.max(...wkSeqs(a))).toBe(3))]),
      peer: probes([SYS, forbidden], [{ conversationId: conv.p2p(U.alice), extra: ALICE }, uidMismatch]),
    },
  },
  'wukongim.messageExtraSync': {
    rest: 'POST /v1/wukongim/message/extra/sync',
    request: wkRequest('/v1/wukongim/message/extra/sync', 'login_uid', { extra_version: 0 }),
    sample: G,
    cells: {
      outsider: probes([G, forbidden], [S, forbidden], [SYS, forbidden], [{ ...G, extra: ALICE }, uidMismatch]),
      otherGroupMember: notMember,
      // Extras only of messages within their window: after dave joined, up to erin's removal.
      lateJoiner: probes([G, allowed((a) => expect(wkExtraSeqs(a).every((s) => s > 2)).toBe(true))], [S, allowed(isArray)]),
      leftMember: probes([G, allowed((a) => expect(wkExtraSeqs(a).every((s) => s <= 3)).toBe(true))]),
      peer: probes([SYS, forbidden], [{ conversationId: conv.p2p(U.alice), extra: ALICE }, uidMismatch]),
    },
  },
  'wukongim.setUnread': {
    rest: 'POST /v1/wukongim/conversations/setUnread',
    request: wkRequest('/v1/wukongim/conversations/setUnread', 'uid', { unread: 0 }),
    sample: G,
    cells: wkReadStateCells(forbidden),
  },
  'wukongim.clearUnread': {
    rest: 'POST /v1/wukongim/conversations/clearUnread',
    request: wkRequest('/v1/wukongim/conversations/clearUnread'),
    sample: G,
    cells: wkReadStateCells(forbidden),
  },
  'wukongim.deleteConversation': {
    rest: 'POST /v1/wukongim/conversations/delete',
    request: wkRequest('/v1/wukongim/conversations/delete'),
    sample: G,
    cells: wkReadStateCells(forbidden),
  },
  'wukongim.messageSend': {
    rest: 'POST /v1/wukongim/message/send',
    request: (_w, on, actor) => {
      const channel = on.extra?.channel_id
        ? { channel_id: on.extra.channel_id, channel_type: on.extra.channel_type }
        : { channel_id: wkBody(on, actor).channel_id, channel_type: wkBody(on, actor).channel_type };
      const payload = Buffer.from(JSON.stringify({ type: 1, content: 'az intruder text' })).toString('base64');
      const body = { from_uid: on.extra?.uid ?? actor, ...channel, payload };
      return { params: body, path: '/v1/wukongim/message/send', body };
    },
    sample: G,
    cells: {
      outsider: probes([G, notSubscriber], [S, notSubscriber], [{ ...G, extra: ALICE }, uidMismatch]),
      otherGroupMember: probes([G, notSubscriber], [S, notSubscriber]),
      lateJoiner: na('member'),
      leftMember: probes([G, notSubscriber], [S, notSubscriber]),
      peer: probes([{ extra: { channel_id: U.alice, channel_type: 4 } }, refusedSend(ReasonCode.ReasonNotAllowSend, 403)]),
    },
  },
};

export const clientOperations: Record<string, Operation> = {
  ...wukongimOperations,
  'message.send': {
    ws: 'message.send',
    rest: 'POST /v1/messages',
    request: (_w, on) => {
      const channel = on.extra ?? parseConversationId(on.conversationId ?? '');
      const params = { ...channel, clientMsgNo: clientMsgNo(), payload: { type: 1, content: 'az intruder text' } };
      return { params, path: '/v1/messages', body: params };
    },
    sample: G,
    cells: {
      outsider: probes([G, notSubscriber], [S, notSubscriber]),
      otherGroupMember: probes([G, notSubscriber], [S, notSubscriber]),
      lateJoiner: na('member'),
      leftMember: probes([G, notSubscriber], [S, notSubscriber]),
      // Writing into alice's system notices (channelType 4): ReasonNotAllowSend.
      peer: probes([{ extra: { channelId: U.alice, channelType: 4 } }, refusedSend(ReasonCode.ReasonNotAllowSend, 403)]),
    },
  },
  'conversation.list': {
    ws: 'conversation.list',
    rest: 'GET /v1/conversations',
    request: () => ({ params: { msgCount: 20 }, path: `/v1/conversations${query({ msgCount: 20 })}` }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed(listsExactly)]),
      otherGroupMember: probes([{}, allowed(listsExactly)]),
      lateJoiner: probes([{}, allowed(listsExactly)]),
      leftMember: probes([{}, allowed(listsExactly)]),
      peer: probes([{}, allowed(listsExactly)]),
    },
  },
  'conversation.listPinned': {
    ws: 'conversation.listPinned',
    rest: 'GET /v1/conversations/pinned',
    request: () => ({ params: { msgCount: 20 }, path: `/v1/conversations/pinned${query({ msgCount: 20 })}` }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed(listsWithin)]),
      otherGroupMember: probes([{}, allowed(listsWithin)]),
      lateJoiner: probes([{}, allowed(listsWithin)]),
      leftMember: probes([{}, allowed(listsWithin)]),
      peer: probes([{}, allowed(listsWithin)]),
    },
  },
  'conversation.sync': {
    ws: 'conversation.sync',
    rest: 'GET /v1/conversations/sync',
    // From the token each person had before the world was built: every change they were ever shown.
    request: (w, _on, actor) => ({
      params: { since: w.since[actor] },
      path: `/v1/conversations/sync${query({ since: w.since[actor] })}`,
    }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed((a, w, actor) => syncedWithin(a, w, actor))]),
      otherGroupMember: probes([{}, allowed((a, w, actor) => syncedWithin(a, w, actor))]),
      lateJoiner: probes([{}, allowed((a, w, actor) => syncedWithin(a, w, actor))]),
      leftMember: probes([{}, allowed((a, w, actor) => syncedWithin(a, w, actor))]),
      peer: probes([{}, allowed((a, w, actor) => syncedWithin(a, w, actor))]),
    },
  },
  'conversation.totalUnread': {
    ws: 'conversation.totalUnread',
    rest: 'GET /v1/conversations/unread',
    request: () => ({ params: {}, path: '/v1/conversations/unread' }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed((a) => expect(a).toEqual({ totalUnread: 0, unmutedUnread: 0 }))]),
      otherGroupMember: probes([{}, allowed((a) => expect(a).toEqual({ totalUnread: 0, unmutedUnread: 0 }))]),
      // g3, g4, s3, s4: not the two messages of each group before he joined.
      lateJoiner: probes([{}, allowed((a) => expect(a).toEqual({ totalUnread: 4, unmutedUnread: 4 }))]),
      // g1, g2, g3: not g4, sent after she left G; nothing of S, which she left.
      leftMember: probes([{}, allowed((a) => expect(a).toEqual({ totalUnread: 3, unmutedUnread: 3 }))]),
      peer: na('own'),
    },
  },
  'conversation.get': {
    ws: 'conversation.get',
    rest: 'GET /v1/conversations/:conversationId',
    request: (_w, on) => ({ params: conversationRef(on), path: convPath(on) }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: probes(
        [G, allowed((a, w) => expect(a).toMatchObject({ unreadCount: 2, lastMsg: { messageId: w.msg.g4.messageId } }))],
        [S, allowed((a, w) => expect(a).toMatchObject({ unreadCount: 2, lastMsg: { messageId: w.msg.s4.messageId } }))],
      ),
      // A former member of a group keeps her conversation as it was; a super group's is gone.
      leftMember: probes([G, allowed(erinStopsAtG3)], [S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.updateExt': {
    ws: 'conversation.updateExt',
    rest: 'PUT /v1/conversations/:conversationId/ext',
    request: (_w, on) => ({ params: { ...conversationRef(on), ext: 'az-ext' }, path: convPath(on, '/ext'), body: { ext: 'az-ext' } }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: na('own'),
      // Her own row of G (kept on leaving) takes an ext, and still stops at g3.
      leftMember: probes([G, allowed(erinStopsAtG3, { changes: 'actor' })], [S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.pin': {
    ws: 'conversation.pin',
    rest: 'PUT /v1/conversations/:conversationId/pin',
    request: (_w, on) => ({ params: { ...conversationRef(on), isPinned: true }, path: convPath(on, '/pin'), body: { isPinned: true } }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: na('own'),
      leftMember: probes([G, allowed(erinStopsAtG3, { changes: 'actor' })], [S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.mute': {
    ws: 'conversation.mute',
    rest: 'PUT /v1/conversations/:conversationId/mute',
    request: (_w, on) => ({ params: { ...conversationRef(on), ...{ muted: true } }, path: convPath(on, '/mute'), body: { muted: true } }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: na('own'),
      // Her own row of G (kept on leaving) is hers to change, and still stops at g3.
      leftMember: probes([G, allowed(erinStopsAtG3, { changes: 'actor' })], [S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.archive': {
    ws: 'conversation.archive',
    rest: 'PUT /v1/conversations/:conversationId/archive',
    request: (_w, on) => ({
      params: { ...conversationRef(on), ...{ archived: true } },
      path: convPath(on, '/archive'),
      body: { archived: true },
    }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: na('own'),
      // Her own row of G (kept on leaving) is hers to change, and still stops at g3.
      leftMember: probes([G, allowed(erinStopsAtG3, { changes: 'actor' })], [S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.updateLabels': {
    ws: 'conversation.updateLabels',
    rest: 'PUT /v1/conversations/:conversationId/labels',
    request: (_w, on) => ({
      params: { ...conversationRef(on), ...{ add: ['az-label'] } },
      path: convPath(on, '/labels'),
      body: { add: ['az-label'] },
    }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: na('own'),
      // Her own row of G (kept on leaving) is hers to change, and still stops at g3.
      leftMember: probes([G, allowed(erinStopsAtG3, { changes: 'actor' })], [S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.updateDraft': {
    ws: 'conversation.updateDraft',
    rest: 'PUT /v1/conversations/:conversationId/draft',
    request: (_w, on) => ({
      params: { ...conversationRef(on), ...{ text: 'az draft' } },
      path: convPath(on, '/draft'),
      body: { text: 'az draft' },
    }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: na('own'),
      // Her own row of G (kept on leaving) is hers to change, and still stops at g3.
      leftMember: probes([G, allowed(erinStopsAtG3, { changes: 'actor' })], [S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.listLabels': {
    ws: 'conversation.listLabels',
    rest: 'GET /v1/conversation-labels',
    request: () => ({ params: {}, path: '/v1/conversation-labels' }),
    sample: {},
    cells: {
      // Only one's own labels, of which the world has none: nobody sees another's.
      outsider: probes([{}, allowed((a) => expect(a).toEqual({ labels: [] }))]),
      otherGroupMember: probes([{}, allowed((a) => expect(a).toEqual({ labels: [] }))]),
      lateJoiner: probes([{}, allowed((a) => expect(a).toEqual({ labels: [] }))]),
      // Hers: at most the label her own conversation.updateLabels probe put on her row of G.
      leftMember: probes([{}, allowed((a) => expect(a.labels.every((l: { label: string }) => l.label === 'az-label')).toBe(true))]),
      peer: na('own'),
    },
  },
  'conversation.markRead': {
    ws: 'conversation.markRead',
    rest: 'POST /v1/conversations/:conversationId/read',
    request: (_w, on) => ({ params: conversationRef(on), path: convPath(on, '/read'), body: {} }),
    sample: G,
    cells: {
      outsider: notMember,
      otherGroupMember: notMember,
      lateJoiner: na('own'),
      // Reading her own row of G is hers to do (not probed: it would change what other cells count).
      leftMember: probes([S, forbidden]),
      peer: notHerNotices,
    },
  },
  'conversation.delete': {
    ws: 'conversation.delete',
    rest: 'POST /v1/conversations/delete',
    request: (_w, on) => {
      const body = { conversationIds: on.extra?.ids ?? [on.conversationId], deleteRoam: true };
      return { params: body, path: '/v1/conversations/delete', body };
    },
    sample: G,
    cells: {
      outsider: probes([{ extra: { ids: [conv.G, conv.S, conv.SYS] } }, refusedEach('conversation.forbidden')]),
      otherGroupMember: probes([{ extra: { ids: [conv.G, conv.S, conv.SYS] } }, refusedEach('conversation.forbidden')]),
      lateJoiner: na('own'),
      leftMember: probes([S, refusedEach('conversation.forbidden')]),
      peer: probes([SYS, refusedEach('conversation.forbidden')]),
    },
  },
  'message.history': {
    ws: 'message.history',
    rest: 'GET /v1/conversations/:conversationId/messages',
    request: (w, on) => {
      const params = { ...on.extra, ...(on.msg ? { cursor: id(w, on.msg) } : {}) };
      return { params: { conversationId: on.conversationId, ...params }, path: convPath(on, `/messages${query(params)}`) };
    },
    sample: G,
    cells: {
      // Their own (empty) chat with alice, not hers with bob.
      outsider: probes(
        [G, forbidden],
        [S, forbidden],
        [SYS, forbidden],
        [{ conversationId: conv.p2p(U.alice) }, allowed((a) => expect(a.messages).toEqual([]))],
      ),
      otherGroupMember: notMember,
      lateJoiner: probes(
        [G, allowed((a) => expect(seqs(a)).toEqual([3, 4]))],
        [S, allowed((a) => expect(seqs(a)).toEqual([3, 4]))],
        [{ ...G, extra: { around: 1 } }, allowed(afterJoin)],
        [{ ...G, extra: { startSeq: 3, direction: 'up', contain: false } }, allowed(afterJoin)],
        // A pre-join message as the Easemob cursor is "not one you can see" (docs: message.not_found).
        [{ ...G, msg: 'g1', extra: { pageSize: 10, searchDirection: 'down' } }, notFound],
      ),
      leftMember: probes(
        [G, allowed((a) => expect(seqs(a)).toEqual([1, 2, 3]))],
        [S, forbidden],
        // A message sent after she left, as the Easemob cursor: not one she can see.
        [{ ...G, msg: 'g4', extra: { pageSize: 10, searchDirection: 'down' } }, notFound],
      ),
      peer: notHerNotices,
    },
  },
  'message.search': {
    ws: 'message.search',
    rest: 'GET /v1/messages/search',
    request: (_w, on) => {
      const params = { q: 'az secret text', limit: 100, ...(on.conversationId && { conversationId: on.conversationId }) };
      return { params, path: `/v1/messages/search${query(params)}` };
    },
    sample: {},
    cells: {
      outsider: probes([{}, allowed(findsExactly)], [G, forbidden], [S, forbidden], [SYS, forbidden]),
      otherGroupMember: probes([{}, allowed(findsExactly)], [G, forbidden]),
      lateJoiner: probes([{}, allowed(findsExactly)], [G, allowed(findsOnly('g3', 'g4'))], [S, allowed(findsOnly('s3', 's4'))]),
      leftMember: probes([{}, allowed(findsExactly)], [G, allowed(findsOnly('g1', 'g2', 'g3'))], [S, forbidden]),
      peer: probes([{}, allowed(findsExactly)], [SYS, forbidden]),
    },
  },
  'conversation.search': {
    ws: 'conversation.search',
    rest: 'GET /v1/conversations/search',
    request: () => ({ params: { q: 'az' }, path: `/v1/conversations/search${query({ q: 'az' })}` }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed(listsExactly)]),
      otherGroupMember: probes([{}, allowed(listsExactly)]),
      lateJoiner: probes([{}, allowed(listsExactly)]),
      leftMember: probes([{}, allowed(listsExactly)]),
      peer: probes([{}, allowed(listsExactly)]),
    },
  },
  'message.removeHistory': {
    ws: 'message.removeHistory',
    rest: 'POST /v1/conversations/:conversationId/messages/remove',
    request: (w, on) => {
      const body = { messageIds: (on.msgs ?? []).map((n) => id(w, n)) };
      return { params: { conversationId: on.conversationId, ...body }, path: convPath(on, '/messages/remove'), body };
    },
    sample: { ...G, msgs: ['g2'] },
    cells: {
      outsider: probes([{ ...G, msgs: ['g1'] }, forbidden], [{ ...S, msgs: ['s1'] }, forbidden], [{ ...SYS, msgs: ['n1'] }, forbidden]),
      otherGroupMember: probes([{ ...G, msgs: ['g1'] }, forbidden], [{ ...S, msgs: ['s1'] }, forbidden]),
      // Messages before he joined are not his to see, so not his to delete either.
      lateJoiner: probes([{ ...G, msgs: ['g1'] }, notFound], [{ ...S, msgs: ['s1'] }, notFound]),
      leftMember: probes([{ ...G, msgs: ['g4'] }, notFound], [{ ...S, msgs: ['s1'] }, forbidden]),
      // One-way delete of alice's message: gone for bob only, alice's view untouched.
      peer: probes(
        [{ ...SYS, msgs: ['n1'] }, forbidden],
        [{ conversationId: conv.p2p(U.alice), msgs: ['pX'] }, allowed((a) => expect(a).toEqual({ removed: 1 }), { changes: 'actor' })],
      ),
    },
  },
  'message.revoke': {
    ws: 'message.revoke',
    rest: 'POST /v1/messages/:messageId/revoke',
    request: (w, on) => ({ params: { messageId: id(w, on.msg) }, path: `/v1/messages/${id(w, on.msg)}/revoke` }),
    sample: m('pB'),
    cells: {
      outsider: unseen('g1', 's1', 'pA', 'n1'),
      // frank owns H: owning a group gives no rights in another.
      otherGroupMember: unseen('g1', 's1', 'pA'),
      lateJoiner: unseen('g1', 's1'),
      leftMember: unseen('g1', 's1', 'g4'),
      peer: probes([m('pA'), notYours], [m('g1'), notYours], [m('s1'), notYours], [m('n1'), notFound]),
    },
  },
  'message.edit': {
    ws: 'message.edit',
    rest: 'PATCH /v1/messages/:messageId',
    request: (w, on) => {
      const body = { payload: { type: 1, content: 'az intruder edit' } };
      return { params: { messageId: id(w, on.msg), ...body }, path: `/v1/messages/${id(w, on.msg)}`, body };
    },
    sample: m('pB'),
    cells: {
      outsider: unseen('g1', 's1', 'pA', 'n1'),
      otherGroupMember: unseen('g1', 's1', 'pA'),
      lateJoiner: unseen('g1', 's1'),
      leftMember: unseen('g1', 's1', 'g4'),
      peer: probes([m('pA'), notYours], [m('g1'), notYours], [m('s1'), notYours], [m('n1'), notFound]),
    },
  },
  // Only the sender streams into their message: alice's messages are not bob's to write (the world
  // has no open stream: whose it is and who may see it are checked before whether it is one).
  'message.streamChunk': {
    rest: 'POST /v1/messages/:messageId/stream',
    request: (w, on) => {
      const body = { chunkNo: 1, delta: 'az intruder chunk' };
      return { params: { messageId: id(w, on.msg), ...body }, path: `/v1/messages/${id(w, on.msg)}/stream`, body };
    },
    sample: m('pB'),
    cells: {
      outsider: unseen('g1', 's1', 'pA', 'n1'),
      otherGroupMember: unseen('g1', 's1', 'pA'),
      lateJoiner: unseen('g1', 's1'),
      leftMember: unseen('g1', 's1', 'g4'),
      peer: probes([m('pA'), notYours], [m('g1'), notYours], [m('s1'), notYours], [m('n1'), notFound]),
    },
  },
  'message.streamEnd': {
    rest: 'POST /v1/messages/:messageId/stream/end',
    request: (w, on) => {
      const body = { status: 'done' };
      return { params: { messageId: id(w, on.msg), ...body }, path: `/v1/messages/${id(w, on.msg)}/stream/end`, body };
    },
    sample: m('pB'),
    cells: {
      outsider: unseen('g1', 's1', 'pA', 'n1'),
      otherGroupMember: unseen('g1', 's1', 'pA'),
      lateJoiner: unseen('g1', 's1'),
      leftMember: unseen('g1', 's1', 'g4'),
      peer: probes([m('pA'), notYours], [m('g1'), notYours], [m('s1'), notYours], [m('n1'), notFound]),
    },
  },
  'message.addReaction': {
    ws: 'message.addReaction',
    rest: 'PUT /v1/messages/:messageId/reactions/:emoji',
    request: (w, on) => reaction(w, on),
    sample: m('pA'),
    cells: {
      outsider: unseen('g1', 's1', 'pA', 'n1'),
      otherGroupMember: unseen('g1', 's1', 'pA'),
      lateJoiner: unseen('g1', 's1'),
      leftMember: unseen('g1', 's1', 'g4'),
      // Members react to any message they can see.
      peer: probes(
        [m('n1'), notFound],
        [
          m('pA'),
          allowed((a) => expect(a.message.reactions).toEqual([{ emoji: EMOJI, uids: [U.bob], count: 1 }]), {
            undo: (w) => react(w, false),
          }),
        ],
      ),
    },
  },
  'message.removeReaction': {
    ws: 'message.removeReaction',
    rest: 'DELETE /v1/messages/:messageId/reactions/:emoji',
    request: (w, on) => reaction(w, on),
    sample: m('pA'),
    cells: {
      outsider: unseen('g1', 's1', 'pA', 'n1'),
      otherGroupMember: unseen('g1', 's1', 'pA'),
      lateJoiner: unseen('g1', 's1'),
      leftMember: unseen('g1', 's1', 'g4'),
      peer: probes(
        [m('n1'), notFound],
        [m('pA'), allowed((a) => expect(a.message.reactions).toEqual([]), { setup: (w) => react(w, true) })],
      ),
    },
  },
  'message.readReceipt': {
    ws: 'message.readReceipt',
    rest: 'POST /v1/messages/read',
    request: (w, on) => {
      const body = { messageIds: (on.msgs ?? []).map((n) => id(w, n)) };
      return { params: body, path: '/v1/messages/read', body };
    },
    sample: { msgs: ['g3'] },
    cells: {
      outsider: probes(
        [{ msgs: ['g1'] }, notFound],
        [{ msgs: ['s1'] }, notFound],
        [{ msgs: ['pA'] }, notFound],
        [{ msgs: ['n1'] }, notFound],
      ),
      otherGroupMember: probes([{ msgs: ['g1'] }, notFound], [{ msgs: ['s1'] }, notFound], [{ msgs: ['pA'] }, notFound]),
      // Mixed with one he may see: the whole request is refused, the visible one not counted either.
      lateJoiner: probes([{ msgs: ['g3', 'g1'] }, notFound], [{ msgs: ['s1'] }, notFound]),
      leftMember: probes([{ msgs: ['g1'] }, notFound], [{ msgs: ['s1'] }, notFound]),
      // Members report reading receipt messages; each reader counts once (the second row gets []).
      peer: probes(
        [{ msgs: ['n1'] }, notFound],
        [
          { msgs: ['g1'] },
          allowed(
            (a, w) => {
              expect([[w.msg.g1.messageId], []]).toContainEqual(a.read);
            },
            { changes: 'any' },
          ),
        ],
      ),
    },
  },
  // A user's sync-once queue is theirs alone: reading it shows nothing of alice's, and acknowledging
  // her messages' ids removes nothing (the world, her queue included, stays as it was).
  'message.syncOnce': {
    ws: 'message.syncOnce',
    rest: 'GET /v1/messages/sync-once',
    request: () => ({ params: {}, path: '/v1/messages/sync-once' }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed((a) => expect(a).toEqual({ messages: [], hasMore: false }))]),
      otherGroupMember: probes([{}, allowed((a) => expect(a).toEqual({ messages: [], hasMore: false }))]),
      lateJoiner: probes([{}, allowed((a) => expect(a).toEqual({ messages: [], hasMore: false }))]),
      leftMember: probes([{}, allowed((a) => expect(a).toEqual({ messages: [], hasMore: false }))]),
      peer: na('own'),
    },
  },
  'message.ackOnce': {
    ws: 'message.ackOnce',
    rest: 'POST /v1/messages/sync-once/ack',
    request: (w, on) => {
      const body = { messageIds: (on.msgs ?? []).map((n) => id(w, n)) };
      return { params: body, path: '/v1/messages/sync-once/ack', body };
    },
    sample: { msgs: ['pA'] },
    cells: {
      outsider: probes([{ msgs: ['pA', 'g1', 'n1'] }, allowed((a) => expect(a).toEqual({ removed: 0 }))]),
      otherGroupMember: probes([{ msgs: ['pA', 'g1'] }, allowed((a) => expect(a).toEqual({ removed: 0 }))]),
      lateJoiner: probes([{ msgs: ['g1', 's1'] }, allowed((a) => expect(a).toEqual({ removed: 0 }))]),
      leftMember: probes([{ msgs: ['g4', 's1'] }, allowed((a) => expect(a).toEqual({ removed: 0 }))]),
      peer: na('own'),
    },
  },
  // Presence is public by design: anyone may follow anyone; a user who hides it is shown offline (presence.test.ts).
  'presence.subscribe': {
    ws: 'presence.subscribe',
    request: () => ({ params: { uids: [U.alice] }, path: '' }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed((a) => expect(a.users).toEqual([{ uid: U.alice, online: expect.any(Boolean), lastSeen: null }]))]),
      otherGroupMember: na('unscoped'),
      lateJoiner: na('unscoped'),
      leftMember: na('unscoped'),
      peer: na('unscoped'),
    },
  },
  'presence.unsubscribe': {
    ws: 'presence.unsubscribe',
    request: () => ({ params: { uids: [U.alice] }, path: '' }),
    sample: {},
    cells: {
      outsider: na('own'),
      otherGroupMember: na('own'),
      lateJoiner: na('own'),
      leftMember: na('own'),
      peer: na('own'),
    },
  },
  // Profiles: alice's name is for those who share a chat or a group with her (PARLEY_PROFILES_VISIBLE=shared).
  'user.get': {
    rest: 'GET /v1/users/:uid',
    request: () => ({ params: {}, path: `/v1/users/${U.alice}` }),
    sample: {},
    cells: {
      outsider: probes([{}, notShown]),
      otherGroupMember: probes([{}, notShown]),
      lateJoiner: probes([{}, allowed((a) => expect(a).toMatchObject({ uid: U.alice }))]),
      leftMember: probes([{}, notShown]),
      peer: probes([{}, allowed((a) => expect(a).toMatchObject({ uid: U.alice }))]),
    },
  },
  'user.profiles': {
    ws: 'user.profiles',
    rest: 'POST /v1/users/batch',
    request: () => ({ params: { uids: [U.alice] }, path: '/v1/users/batch', body: { uids: [U.alice] } }),
    sample: {},
    cells: {
      outsider: probes([{}, allowed((a) => expect(a).toEqual({ users: [] }))]),
      otherGroupMember: probes([{}, allowed((a) => expect(a).toEqual({ users: [] }))]),
      lateJoiner: na('member'),
      leftMember: probes([{}, allowed((a) => expect(a).toEqual({ users: [] }))]),
      peer: na('member'),
    },
  },
  'typing.start': typingOperation('typing.start'),
  'typing.stop': typingOperation('typing.stop'),
  ping: {
    ws: 'ping',
    request: () => ({ params: {}, path: '' }),
    sample: {},
    cells: {
      outsider: na('unscoped'),
      otherGroupMember: na('unscoped'),
      lateJoiner: na('unscoped'),
      leftMember: na('unscoped'),
      peer: na('unscoped'),
    },
  },
  'files.upload': {
    rest: 'POST /v1/files',
    request: () => ({ params: {}, path: '/v1/files', raw: MULTIPART }),
    sample: {},
    cells: {
      outsider: na('unscoped'),
      otherGroupMember: na('unscoped'),
      lateJoiner: na('unscoped'),
      leftMember: na('unscoped'),
      peer: na('unscoped'),
    },
  },
  'groups.get': {
    rest: 'GET /v1/groups/:groupId',
    request: (_w, on) => ({ params: {}, path: `/v1/groups/${on.groupId}` }),
    sample: { groupId: GROUP.G },
    cells: groupReadCells(),
  },
  'groups.members': {
    rest: 'GET /v1/groups/:groupId/members',
    request: (_w, on) => ({ params: {}, path: `/v1/groups/${on.groupId}/members` }),
    sample: { groupId: GROUP.G },
    cells: groupReadCells(),
  },
  'dev.createGroup': {
    rest: 'POST /v1/dev/groups',
    request: (_w, on, actor) => ({ params: {}, path: '/v1/dev/groups', body: { groupId: on.groupId, members: [actor] } }),
    sample: { groupId: 'az-new' },
    // Nobody, member or not, takes an existing group's id.
    cells: {
      outsider: takenIds(),
      otherGroupMember: takenIds(),
      lateJoiner: takenIds(),
      leftMember: takenIds(),
      peer: takenIds(),
    },
  },
  'dev.addMembers': {
    rest: 'POST /v1/dev/groups/:groupId/members',
    // Adding themselves: the way back in for an outsider or a removed member, if there were one.
    request: (_w, on, actor) => ({ params: {}, path: `/v1/dev/groups/${on.groupId}/members`, body: { uids: [actor] } }),
    sample: { groupId: GROUP.G },
    cells: {
      outsider: probes([{ groupId: GROUP.G }, forbidden], [{ groupId: GROUP.S }, forbidden]),
      otherGroupMember: probes([{ groupId: GROUP.G }, forbidden], [{ groupId: GROUP.S }, forbidden]),
      lateJoiner: na('member'),
      leftMember: probes([{ groupId: GROUP.G }, forbidden], [{ groupId: GROUP.S }, forbidden]),
      peer: na('member'),
    },
  },
  'dev.leaveGroup': {
    rest: 'POST /v1/dev/groups/:groupId/leave',
    request: (_w, on) => ({ params: {}, path: `/v1/dev/groups/${on.groupId}/leave` }),
    sample: { groupId: GROUP.G },
    // Members may leave (their own membership is theirs to end); nobody else can touch it.
    cells: {
      outsider: probes([{ groupId: GROUP.G }, forbidden], [{ groupId: GROUP.S }, forbidden]),
      otherGroupMember: probes([{ groupId: GROUP.G }, forbidden], [{ groupId: GROUP.S }, forbidden]),
      lateJoiner: na('member'),
      leftMember: probes([{ groupId: GROUP.G }, forbidden], [{ groupId: GROUP.S }, forbidden]),
      peer: na('member'),
    },
  },
};

const EMOJI = '👀';

function reaction(w: World, on: Target) {
  return {
    params: { messageId: id(w, on.msg), emoji: EMOJI },
    path: `/v1/messages/${id(w, on.msg)}/reactions/${enc(EMOJI)}`,
  };
}

/** bob's reaction to pA, put or taken back directly (the state a reaction cell starts from or returns to). */
async function react(w: World, add: boolean): Promise<void> {
  await w.t.server.ctx.messageActions.react(U.bob, w.msg.pA.messageId, EMOJI, add);
}

function groupReadCells(): Record<'outsider' | 'otherGroupMember' | 'lateJoiner' | 'leftMember' | 'peer', Cell> {
  const notMemberOfEither = probes([{ groupId: GROUP.G }, forbidden], [{ groupId: GROUP.S }, forbidden]);
  return {
    outsider: notMemberOfEither,
    otherGroupMember: notMemberOfEither,
    lateJoiner: na('member'),
    leftMember: notMemberOfEither,
    peer: na('member'),
  };
}

function takenIds(): Cell {
  const taken = refused('group.already_exists' satisfies ErrorCode, 409);
  return probes([{ groupId: GROUP.G }, taken], [{ groupId: GROUP.S }, taken], [{ groupId: GROUP.H }, taken]);
}

/** Sync from the beginning: only conversations of their own, each as their window shows it. */
function syncedWithin(
  answer: { reset: boolean; changes: Array<{ conversationId: string; deleted?: true }> },
  _w: World,
  actor: string,
): void {
  expect(answer.reset).toBe(false);
  for (const change of answer.changes) {
    if (change.deleted) continue;
    expect(LISTED[actor]).toContain(change.conversationId);
  }
}

/** A one-file upload form (text/plain). */
const MULTIPART = {
  contentType: 'multipart/form-data; boundary=az-boundary',
  text: [
    '--az-boundary',
    'Content-Disposition: form-data; name="file"; filename="az.txt"',
    'Content-Type: text/plain',
    '',
    'az file',
    '--az-boundary--',
    '',
  ].join('\r\n'),
};

import http from 'node:http';
import { type HttpOptions, type HttpResult, httpCall } from '@parley/test-kit/http';
import { expect } from 'vitest';

/** The REST API of one running server, as users and the app's server call it. */
export class Api {
  constructor(
    readonly base: string,
    private readonly appSecret: string,
  ) {}

  call(method: string, path: string, options: HttpOptions = {}): Promise<HttpResult> {
    return httpCall(this.base, method, path, options);
  }

  /** A call that must answer 200. */
  async ok(method: string, path: string, options: HttpOptions = {}): Promise<any> {
    const answer = await this.call(method, path, options);
    if (answer.status !== 200) throw new Error(`${method} ${path} -> ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  admin(method: string, path: string, body?: unknown): Promise<any> {
    return this.ok(method, `/v1/admin${path}`, { token: this.appSecret, body });
  }
}

export const enc = encodeURIComponent;
const text = (content: string) => ({ type: 1, content });

export const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
export type Uid = (typeof USERS)[number];

/** What the real use left behind that the checks after the move need. */
export interface UseRecord {
  tokens: Record<Uid, string>;
  /** Every send's request and ack, by a name the checks use. */
  sends: Map<string, { as: Uid; body: Record<string, unknown>; ack: any }>;
  /** A sync token bob got before the last changes: it must go on working after the move. */
  earlyBobToken: string;
  /** An uploaded file: its URL and bytes. */
  file: { url: string; bytes: Buffer };
  /** Conversations a user deleted or cleared: their history is read too, though the list hides them. */
  alsoRead: Partial<Record<Uid, string[]>>;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/**
 * Uses a server as people do, through its REST API: 1:1, group and super-group sends (mentions,
 * receipts, a late joiner), edits, reactions, receipts and reads, revokes (one of them a
 * conversation's last message), one-way deletes by id and a history clear, pins, ext, conversation
 * deletes (one with deleteRoam), sync-once messages (one acknowledged), a blacklist, a member mute, a whitelist,
 * and an uploaded image sent as a message.
 */
export async function useLikePeople(api: Api): Promise<UseRecord> {
  const tokens = {} as Record<Uid, string>;
  for (const uid of USERS) {
    await api.admin('POST', '/users', { uid, name: uid.toUpperCase(), ext: `{"level":${uid.length}}` });
    tokens[uid] = (await api.admin('POST', `/users/${uid}/token`, {})).token;
  }
  const sends: UseRecord['sends'] = new Map();
  let n = 0;
  const send = async (
    name: string,
    as: Uid,
    channelId: string,
    channelType: number,
    payload: unknown,
    extra: Record<string, unknown> = {},
  ) => {
    const body = { channelId, channelType, clientMsgNo: `cmn-${as}-${++n}`, payload, ...extra };
    const ack = await api.ok('POST', '/v1/messages', { token: tokens[as], body });
    expect(ack.reasonCode).toBe(1);
    sends.set(name, { as, body, ack });
    return ack;
  };
  const as = (uid: Uid) => ({ token: tokens[uid] });

  await api.admin('POST', '/groups', { groupId: 'g1', channelType: 2, ownerUid: 'alice', name: 'Group', members: ['bob', 'carol'] });
  await api.admin('POST', '/groups', {
    groupId: 'sg1',
    channelType: 3,
    ownerUid: 'alice',
    name: 'Super',
    members: ['bob', 'carol', 'dave'],
  });
  await api.admin('POST', '/users/erin/blacklist', { uids: ['carol'] });

  // 1:1
  for (let i = 1; i <= 6; i++) await send(`ab${i}`, i % 3 ? 'alice' : 'bob', i % 3 ? 'bob' : 'alice', 1, text(`ab ${i}`));
  await send('ac1', 'alice', 'carol', 1, text('hello carol'));
  await send('ca1', 'carol', 'alice', 1, text('hello alice'), { setting: { receipt: true } });
  await send('bc1', 'bob', 'carol', 1, text('bob to carol'));
  await send('ae1', 'alice', 'erin', 1, text('hi erin'));
  await send('ad-cmd', 'alice', 'dave', 1, { type: 1001, cmd: 'typing' }, { header: { redDot: false } });
  // Group: receipts, a late joiner, an @all.
  for (let i = 1; i <= 5; i++)
    await send(`g${i}`, (['alice', 'bob', 'carol'] as const)[i % 3] as Uid, 'g1', 2, text(`group ${i}`), { setting: { receipt: i === 2 } });
  await api.admin('POST', '/groups/g1/members', { uids: ['dave'] });
  await send('g6', 'dave', 'g1', 2, text('dave joined'), { mentions: { uids: [], all: true } });
  await send('g7', 'alice', 'g1', 2, text('welcome dave'), { mentions: { uids: ['dave'], all: false } });
  // Super group: mentions, a receipt.
  for (let i = 1; i <= 6; i++)
    await send(`sg${i}`, (['alice', 'bob', 'carol', 'dave'] as const)[i % 4] as Uid, 'sg1', 3, text(`super ${i}`));
  await send('sg7', 'bob', 'sg1', 3, text('@carol look'), { mentions: { uids: ['carol'], all: false }, setting: { receipt: true } });
  // An uploaded image, sent.
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'pic.png');
  const file = await api.ok('POST', '/v1/files', { ...as('alice'), form });
  await send('img', 'alice', 'g1', 2, { type: 2, url: file.url, width: 1, height: 1, size: file.size });

  const id = (name: string) => sends.get(name)?.ack.messageId as string;
  // Edits, reactions, receipts, reads.
  await api.ok('PATCH', `/v1/messages/${id('ab1')}`, { ...as('alice'), body: { payload: text('ab 1, edited') } });
  await api.ok('PATCH', `/v1/messages/${id('g3')}`, { ...as('alice'), body: { payload: text('group 3, edited twice') } });
  await api.ok('PATCH', `/v1/messages/${id('sg4')}`, { ...as('alice'), body: { payload: text('super 4, edited') } });
  for (const [who, name, emoji] of [
    ['bob', 'ab1', '👍'],
    ['alice', 'ab1', '❤️'],
    ['carol', 'g1', '👍'],
    ['dave', 'sg2', '🎉'],
  ] as const)
    await api.ok('PUT', `/v1/messages/${id(name)}/reactions/${enc(emoji)}`, as(who));
  await api.ok('POST', '/v1/messages/read', { ...as('alice'), body: { messageIds: [id('ca1')] } });
  await api.ok('POST', '/v1/messages/read', { ...as('bob'), body: { messageIds: [id('g2')] } });
  await api.ok('POST', '/v1/messages/read', { ...as('carol'), body: { messageIds: [id('sg7')] } });
  await api.ok('POST', `/v1/conversations/${enc('p2p|alice')}/read`, { ...as('bob'), body: { seq: 3 } });
  await api.ok('POST', `/v1/conversations/${enc('team|g1')}/read`, { ...as('carol'), body: {} });
  await api.ok('POST', `/v1/conversations/${enc('super_team|sg1')}/read`, { ...as('dave'), body: { seq: 4 } });
  const earlyBobToken = (await api.ok('GET', '/v1/conversations/sync', as('bob'))).syncToken as string;

  // Revokes: one in the middle, one a conversation's last message.
  await send('ab7', 'alice', 'bob', 1, text('oops'));
  await api.ok('POST', `/v1/messages/${id('ab7')}/revoke`, as('alice'));
  await api.ok('POST', `/v1/messages/${id('g4')}/revoke`, as('alice'));
  // One-way deletes and a history clear.
  await api.ok('POST', `/v1/conversations/${enc('team|g1')}/messages/remove`, { ...as('bob'), body: { messageIds: [id('g2'), id('g5')] } });
  await api.ok('POST', `/v1/conversations/${enc('p2p|alice')}/messages/remove`, {
    ...as('carol'),
    body: { beforeTimestamp: Date.now() + 1 },
  });
  // Pins, ext, conversation deletes.
  await api.ok('PUT', `/v1/conversations/${enc('p2p|bob')}/pin`, { ...as('alice'), body: { isPinned: true } });
  await api.ok('PUT', `/v1/conversations/${enc('super_team|sg1')}/pin`, { ...as('carol'), body: { isPinned: true } });
  await api.ok('PUT', `/v1/conversations/${enc('team|g1')}/ext`, { ...as('alice'), body: { ext: 'draft: see you' } });
  await api.ok('PUT', `/v1/conversations/${enc('p2p|dave')}/ext`, { ...as('erin'), body: { ext: 'created by ext' } });
  // Mute, archive, labels (the label index table) and a draft: copied, and the same afterwards.
  await api.ok('PUT', `/v1/conversations/${enc('team|g1')}/mute`, { ...as('bob'), body: { muted: true } });
  await api.ok('PUT', `/v1/conversations/${enc('p2p|erin')}/archive`, { ...as('alice'), body: { archived: true } });
  await api.ok('PUT', `/v1/conversations/${enc('p2p|bob')}/labels`, { ...as('alice'), body: { add: ['work', 'friends'] } });
  await api.ok('PUT', `/v1/conversations/${enc('super_team|sg1')}/labels`, { ...as('alice'), body: { add: ['work'] } });
  await api.ok('PUT', `/v1/conversations/${enc('p2p|carol')}/draft`, { ...as('bob'), body: { text: 'a draft', ext: 'x' } });
  await api.ok('POST', '/v1/conversations/delete', { ...as('carol'), body: { conversationIds: ['p2p|bob'], deleteRoam: false } });
  await api.ok('POST', '/v1/conversations/delete', { ...as('erin'), body: { conversationIds: ['p2p|alice'], deleteRoam: true } });
  // Sync-once: one waits for bob, one carol acknowledged.
  await send('once-bob', 'alice', 'bob', 1, { type: 1099, cmd: 'clearUnread' }, { header: { syncOnce: true } });
  await send('once-carol', 'dave', 'carol', 1, { type: 1099, cmd: 'ping' }, { header: { syncOnce: true } });
  await api.ok('POST', '/v1/messages/sync-once/ack', { ...as('carol'), body: { messageIds: [id('once-carol')] } });
  await api.admin('PUT', '/groups/g1/members/carol/mute', { muted: true });
  await api.admin('PUT', '/groups/g1/whitelist', { uids: ['dave'] });
  // Operations' own records: a group's retention setting (nothing is old enough to expire) and a
  // user who wrote to alice and was erased (alice's chat keeps the placeholder).
  await api.admin('PUT', '/groups/g1/retention', { retentionDays: 3650 });
  await api.admin('POST', '/users', { uid: 'gone' });
  const goneToken = (await api.admin('POST', '/users/gone/token', {})).token;
  await api.ok('POST', '/v1/messages', {
    token: goneToken,
    body: { channelId: 'alice', channelType: 1, clientMsgNo: 'cmn-gone-1', payload: text('soon erased') },
  });
  await api.admin('DELETE', '/users/gone', { erase: true });
  // After bob's early token: a change it must report.
  await send('ab8', 'alice', 'bob', 1, text('after the token'));

  return {
    tokens,
    sends,
    earlyBobToken,
    file: { url: file.url, bytes: PNG },
    alsoRead: { carol: ['p2p|bob'], erin: ['p2p|alice'] },
  };
}

/**
 * What every user sees, as the API answers it: conversation list and pinned list (every page),
 * total unread, each conversation's whole history (and those they deleted), their sync-once queue,
 * a sync from bob's early token; and the uploaded file.
 */
export async function whatUsersSee(api: Api, use: UseRecord): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  for (const uid of USERS) {
    const as = { token: use.tokens[uid] };
    const pages = async (path: string) => {
      const all = [];
      for (let cursor = ''; ; ) {
        const page = await api.ok('GET', `${path}?limit=2${cursor && `&cursor=${enc(cursor)}`}`, as);
        all.push(page);
        if (!page.hasMore) return all;
        cursor = page.cursor;
      }
    };
    const list = await pages('/v1/conversations');
    const ids = [
      ...list.flatMap((p) => p.conversations.map((c: { conversationId: string }) => c.conversationId)),
      ...(use.alsoRead[uid] ?? []),
    ];
    const history: Record<string, HttpResult> = {};
    for (const id of ids) history[id] = await api.call('GET', `/v1/conversations/${enc(id)}/messages?limit=100`, as);
    seen[uid] = {
      list,
      pinned: await pages('/v1/conversations/pinned'),
      unread: await api.ok('GET', '/v1/conversations/unread', as),
      archived: await api.ok('GET', '/v1/conversations?archived=true&limit=100', as),
      labels: await api.ok('GET', '/v1/conversation-labels', as),
      work: await api.ok('GET', '/v1/conversations?label=work&limit=100', as),
      history,
      syncOnce: await api.ok('GET', '/v1/messages/sync-once', as),
    };
  }
  seen.bobSinceEarlyToken = await api.ok('GET', `/v1/conversations/sync?since=${enc(use.earlyBobToken)}`, { token: use.tokens.bob });
  seen.file = await download(`${api.base}${use.file.url}`, use.file.bytes);
  return seen;
}

/**
 * A file download on a connection of its own, closed after it: a server's shutdown was seen waiting
 * on a kept-alive connection that had served a file.
 */
function download(url: string, expected: Buffer): Promise<{ status: number; type: string | undefined; same: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], same: Buffer.concat(chunks).equals(expected) }),
        );
      })
      .on('error', reject);
  });
}

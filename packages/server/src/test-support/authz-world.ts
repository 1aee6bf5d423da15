import fs from 'node:fs';
import path from 'node:path';
import { ChannelType } from '@parley/protocol';
import type { TestServer } from '@parley/test-kit/server';
import { clientMsgNo } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { SignJWT } from 'jose';
import { TokenService } from '../domain/auth/tokens.js';
import { personChannelId } from '../domain/channels/person-channel.js';
import type { ChannelKey } from '../ports/storage/index.js';

/**
 * The people of the authorization matrix. `alice` owns the groups and is the victim; `bob` is
 * her peer (in her 1:1 chat and her groups); the others are who the matrix tries her data with.
 */
export const U = {
  alice: 'az-alice',
  bob: 'az-bob',
  /** A valid user in no group of alice's. */
  carol: 'az-carol',
  /** Joined G and S (allowHistory false) after their first two messages. */
  dave: 'az-dave',
  /** Was in G and S from the start, removed before their last message. */
  erin: 'az-erin',
  /** Owner of H, a group of his own: a member, even an owner, elsewhere. */
  frank: 'az-frank',
} as const;

export const GROUP = { G: 'az-g', S: 'az-s', H: 'az-h' } as const;
export const GROUP_NAME = { G: 'az G private name', S: 'az S private name', H: 'az H private name' } as const;

export const conv = {
  /** alice's system notices: hers alone. */
  SYS: `system|${U.alice}`,
  G: `team|${GROUP.G}`,
  S: `super_team|${GROUP.S}`,
  H: `team|${GROUP.H}`,
  /** A 1:1 conversation as `uid` names it. */
  p2p: (uid: string) => `p2p|${uid}`,
} as const;

/**
 * Every message of the world, in sending order. g*: group G, s*: super group S, both as
 * 1 2 (dave joins) 3 (erin leaves) 4; h1: frank's group H; p*: alice's 1:1 chat with bob;
 * n1: a system notice to alice.
 */
export const MESSAGES = ['g1', 'g2', 's1', 's2', 'g3', 's3', 'g4', 's4', 'h1', 'pA', 'pB', 'pX', 'n1'] as const;
export type MessageName = (typeof MESSAGES)[number];

export interface SentMessage {
  messageId: string;
  messageSeq: number;
  /** A text found nowhere else: its appearance in an answer is a leak. */
  content: string;
}

export interface World {
  t: TestServer;
  msg: Record<MessageName, SentMessage>;
  /** A valid client token per uid. */
  token: Record<string, string>;
  /** One authenticated WebSocket per uid, open for the whole suite: it also collects what is pushed to them. */
  ws: Record<string, TestClient>;
  /** Each person's sync token from before the world was built. */
  since: Record<string, string>;
  bad: { forged: string; expired: string; otherAudience: string; noAudience: string };
}

/** What each person may never see: the contents, ids and group names outside their window. Anyone else: nothing at all. */
export function hiddenFrom(uid: string, w: World): { contents: string[]; ids: string[] } {
  const messages: Record<string, readonly MessageName[]> = {
    [U.alice]: ['h1'],
    [U.bob]: ['h1', 'n1'],
    [U.carol]: MESSAGES,
    [U.frank]: MESSAGES.filter((m) => m !== 'h1'),
    [U.dave]: ['g1', 'g2', 's1', 's2', 'h1', 'pA', 'pB', 'pX', 'n1'],
    [U.erin]: ['g4', 's4', 'h1', 'pA', 'pB', 'pX', 'n1'],
  };
  const groupNames: Record<string, string[]> = {
    [U.alice]: [GROUP_NAME.H],
    [U.bob]: [GROUP_NAME.H],
    [U.carol]: Object.values(GROUP_NAME),
    [U.frank]: [GROUP_NAME.G, GROUP_NAME.S],
    [U.dave]: [GROUP_NAME.H],
    [U.erin]: [GROUP_NAME.H],
  };
  const names = messages[uid] ?? MESSAGES;
  return {
    contents: [...names.map((n) => w.msg[n].content), ...(groupNames[uid] ?? Object.values(GROUP_NAME))],
    ids: names.map((n) => w.msg[n].messageId),
  };
}

/** A token signed with the right secret for another audience (or none), as jose signs client tokens. */
async function tokenForAudience(secret: string, uid: string, audience: string | undefined): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(uid).setIssuedAt().setExpirationTime('1h');
  if (audience !== undefined) jwt = jwt.setAudience(audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** Builds the world on a fresh server: users, groups, memberships in time, messages. */
export async function buildWorld(t: TestServer): Promise<World> {
  const uids = Object.values(U);
  await t.createUsers(...uids);
  const token: Record<string, string> = {};
  const ws: Record<string, TestClient> = {};
  const since: Record<string, string> = {};
  for (const uid of uids) {
    token[uid] = await t.token(uid);
    // Connected before anything happens, so that every push they ever get is checked for leaks.
    const client = await t.connect(uid, 'authz');
    ws[uid] = client;
    since[uid] = (await client.request('conversation.sync', {})).syncToken;
  }
  const msg = {} as Record<MessageName, SentMessage>;
  const send = async (name: MessageName, from: string, channelId: string, channelType: number, receipt = false) => {
    const content = `az-secret-${name}-text`;
    const ack = await (ws[from] as TestClient).request('message.send', {
      channelId,
      channelType,
      clientMsgNo: clientMsgNo(),
      payload: { type: 1, content },
      ...(receipt ? { setting: { receipt: true } } : {}),
    });
    if (ack.reasonCode !== 1) throw new Error(`world: ${name} refused (${ack.reasonCode})`);
    msg[name] = { messageId: ack.messageId, messageSeq: ack.messageSeq, content };
  };
  for (const [key, channelType] of [
    ['G', 2],
    ['S', 3],
  ] as const) {
    await t.adminOk('POST', '/groups', {
      groupId: GROUP[key],
      channelType,
      ownerUid: U.alice,
      name: GROUP_NAME[key],
      members: [U.bob, U.erin],
      allowHistory: false,
    });
  }
  await t.adminOk('POST', '/groups', { groupId: GROUP.H, channelType: 2, ownerUid: U.frank, name: GROUP_NAME.H });
  await send('g1', U.alice, GROUP.G, 2, true);
  await send('g2', U.bob, GROUP.G, 2);
  await send('s1', U.alice, GROUP.S, 3, true);
  await send('s2', U.bob, GROUP.S, 3);
  for (const g of [GROUP.G, GROUP.S]) await t.adminOk('POST', `/groups/${g}/members`, { uids: [U.dave] });
  await send('g3', U.alice, GROUP.G, 2, true);
  await send('s3', U.alice, GROUP.S, 3, true);
  for (const g of [GROUP.G, GROUP.S]) await t.adminOk('POST', `/groups/${g}/members/remove`, { uids: [U.erin] });
  await send('g4', U.alice, GROUP.G, 2);
  await send('s4', U.alice, GROUP.S, 3);
  await send('h1', U.frank, GROUP.H, 2);
  await send('pA', U.alice, U.bob, 1, true);
  await send('pB', U.bob, U.alice, 1);
  await send('pX', U.alice, U.bob, 1);
  const notice = { type: 1, content: 'az-secret-n1-text' };
  const n1 = await t.adminOk('POST', '/messages', { channelId: U.alice, channelType: 4, payload: notice });
  msg.n1 = { messageId: n1.messageId, messageSeq: n1.messageSeq, content: notice.content };
  const secret = t.config.appSecret;
  const bad = {
    forged: (await new TokenService('not-the-app-secret-but-long-enough-to-sign', 3600).issue(U.bob)).token,
    expired: (await new TokenService(secret, 3600).issue(U.bob, -60)).token,
    otherAudience: await tokenForAudience(secret, U.bob, 'parley-admin'),
    noAudience: await tokenForAudience(secret, U.bob, undefined),
  };
  return { t, msg, token, ws, since, bad };
}

const CHANNELS: ChannelKey[] = [
  { channelType: ChannelType.Group, channelId: GROUP.G },
  { channelType: ChannelType.SuperGroup, channelId: GROUP.S },
  { channelType: ChannelType.Group, channelId: GROUP.H },
  { channelType: ChannelType.Person, channelId: personChannelId(U.alice, U.bob) },
  { channelType: ChannelType.System, channelId: U.alice },
];

/**
 * Everything a refused operation could have changed, read in-process and raw (all that the
 * rendered conversation lists and histories are made of): row counts, stored files, every
 * channel's record (max seq, flags, clocks), the groups' members (with their join points) and
 * whitelists, every message with its state (revoke, edit, reactions, receipts), per person their
 * user record, blacklist, change clock and conversation rows (read, pin, ext, clears, versions,
 * tombstones), and alice's own one-way deletes. Other people's deletes are rows counted.
 */
export async function snapshot(w: World): Promise<Snapshot> {
  const { storage } = w.t;
  const filesDir = path.join(w.t.config.dataDir, 'files');
  // All at once: on PostgreSQL the reads share the pool instead of waiting for each other.
  const person = async (uid: string) => {
    const [user, blacklist, clock, rows] = await Promise.all([
      storage.users.get(uid),
      storage.users.blacklist(uid),
      storage.conversations.clock(uid),
      storage.conversations.changedSince(uid, 0, 1000),
    ]);
    return [uid, { user, blacklist, clock, rows }] as const;
  };
  const channel = async (key: ChannelKey) => {
    const grouped = key.channelType === ChannelType.Group || key.channelType === ChannelType.SuperGroup;
    const [record, members, whitelist, messages, aliceDeleted] = await Promise.all([
      storage.channels.get(key),
      grouped ? storage.channels.members(key) : [],
      grouped ? storage.channels.whitelist(key) : [],
      storage.messages.range(key, 1, 1000),
      storage.messageState.deletedSeqs(U.alice, key, 1, 1000),
    ]);
    const refs = messages.map((m) => ({ channelType: m.channelType, channelId: m.channelId, seq: m.messageSeq }));
    const annotations = [...(await storage.messageState.annotations(refs)).entries()];
    // `annotated` only says annotations may exist (it stays set when the last reaction goes): they are compared themselves.
    const stored = messages.map(({ annotated: _, ...m }) => m);
    return [
      `${key.channelType}:${key.channelId}`,
      { record, members, whitelist, messages: stored, annotations, aliceDeleted: [...aliceDeleted] },
    ] as const;
  };
  const [people, channels, rows] = await Promise.all([
    Promise.all(Object.values(U).map(person)),
    Promise.all(CHANNELS.map(channel)),
    storage.rowCounts(),
  ]);
  return {
    rows,
    files: fs.existsSync(filesDir) ? fs.readdirSync(filesDir, { recursive: true }).map(String).sort() : [],
    channels: Object.fromEntries(channels),
    people: Object.fromEntries(people),
  };
}

export interface Snapshot {
  rows: Record<string, number>;
  files: string[];
  channels: Record<string, unknown>;
  people: Record<string, unknown>;
}

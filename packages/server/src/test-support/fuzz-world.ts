import { ErrorCatalogue } from '@parley/protocol';
import type { TestServer } from '@parley/test-kit/server';
import { text } from '@parley/test-kit/server';
import { expect } from 'vitest';

/**
 * What the fuzz suites act on: three users, a group, a super group and a few messages, so that
 * generated requests name things that exist and reach the services behind validation.
 */
export interface FuzzWorld {
  /** The acting user's message to fz-b (asks for receipts), fz-b's message to them, a group message. */
  own: string;
  peers: string;
  group: string;
  /** The acting user's open stream to fz-b (sent with stream: true). */
  stream: string;
}

export const FUZZ_USERS = ['fz-a', 'fz-b', 'fz-c'] as const;

export async function buildFuzzWorld(t: TestServer): Promise<FuzzWorld> {
  await t.ensureUsers(...FUZZ_USERS);
  await t.adminOk('POST', '/groups', { groupId: 'fz-g', channelType: 2, ownerUid: 'fz-a', name: 'G', members: ['fz-b', 'fz-c'] });
  await t.adminOk('POST', '/groups', { groupId: 'fz-s', channelType: 3, ownerUid: 'fz-b', name: 'S', members: ['fz-a', 'fz-c'] });
  const send = async (from: string, channelId: string, channelType: number, extra: object = {}) =>
    (await t.adminOk('POST', '/messages', { fromUid: from, channelId, channelType, payload: text('seed'), ...extra })).messageId as string;
  return {
    own: await send('fz-a', 'fz-b', 1, { setting: { receipt: true } }),
    peers: await send('fz-b', 'fz-a', 1, { setting: { receipt: true } }),
    group: await send('fz-c', 'fz-g', 2),
    stream: (
      await t.http('POST', '/v1/messages', {
        token: await t.token('fz-a'),
        body: { channelId: 'fz-b', channelType: 1, clientMsgNo: 'fz-stream', payload: text(''), stream: true },
      })
    ).body.messageId as string,
  };
}

/** An error body in the one documented shape, with a catalogued code that is no server fault. */
export function expectClientError(error: unknown, context: string): void {
  expect(error, context).toBeTypeOf('object');
  const body = error as { code?: unknown; message?: unknown; details?: unknown };
  expect(
    Object.keys(body).filter((k) => !['code', 'message', 'details'].includes(k)),
    context,
  ).toEqual([]);
  expect(typeof body.message, context).toBe('string');
  expect(Object.hasOwn(ErrorCatalogue, String(body.code)), `${context}: uncatalogued code ${String(body.code)}`).toBe(true);
  expect(ErrorCatalogue[body.code as keyof typeof ErrorCatalogue].status, `${context}: ${String(body.code)}`).toBeLessThan(500);
}

/**
 * After the fuzz: a normal send still works and every user's list and histories still answer. The
 * send goes to a user the fuzz never named: between the fuzz users themselves a refusal may be right
 * (the admin API may have put one on another's blacklist).
 */
export async function expectWorldStillServes(t: TestServer, context: string): Promise<void> {
  expect((await t.http('GET', '/healthz')).body.status, context).toBe('ok');
  for (const uid of FUZZ_USERS) {
    const peer = `after-fuzz-peer-of-${uid}`;
    await t.ensureUsers(peer);
    const client = await t.connect(uid, `after-fuzz-${uid}`);
    const ack = await client.request('message.send', {
      channelId: peer,
      channelType: 1,
      clientMsgNo: `after-fuzz-${uid}-${Date.now()}`,
      payload: text('still here'),
    });
    expect(ack.reasonCode, context).toBe(1);
    const list = await client.request('conversation.list', { limit: 100, msgCount: 3 });
    expect(list.conversations.length, context).toBeGreaterThan(0);
    for (const c of list.conversations) {
      const history = await client.request('message.history', { conversationId: c.conversationId, limit: 100 });
      expect(Array.isArray(history.messages), context).toBe(true);
    }
    const rest = await t.http('GET', '/v1/conversations?limit=100', { token: await t.token(uid) });
    expect(rest.status, context).toBe(200);
    await client.close();
  }
}

import type { Socket } from 'node:net';
import type { HttpResult } from '@parley/test-kit/server';
import { TestClient } from '@parley/test-kit/ws-client';
import { expect } from 'vitest';
import type { Expect, Request } from './authz-cells.js';
import { hiddenFrom, type Snapshot, snapshot, type World } from './authz-world.js';

/** One answer, whichever transport gave it: REST status and body, or a WS result or error. */
export type Answer = { via: 'rest'; status: number; body: any } | { via: 'ws'; result?: any; error?: any };

export const wsAnswer = (pending: Promise<unknown>): Promise<Answer> =>
  pending.then(
    (result) => ({ via: 'ws' as const, result }),
    (error) => ({ via: 'ws' as const, error: { ...error, message: error.message } }),
  );

export const restAnswer = (res: HttpResult): Answer => ({ via: 'rest', status: res.status, body: res.body });

export function callRest(w: World, route: string, request: Omit<Request, 'params'>, token: string | undefined): Promise<HttpResult> {
  const method = route.slice(0, route.indexOf(' '));
  const options = request.raw
    ? { raw: request.raw.text, headers: { 'content-type': request.raw.contentType } }
    : request.body === undefined
      ? {}
      : { body: request.body };
  return w.t.http(method, request.path, token === undefined ? options : { ...options, token });
}

/** The one error shape, everywhere: `{code, message, details?}`. */
export function expectErrorShape(body: any): void {
  expect(typeof body?.code, JSON.stringify(body)).toBe('string');
  expect(typeof body.message).toBe('string');
  for (const key of Object.keys(body)) expect(['code', 'message', 'details']).toContain(key);
}

/** Refused with `code` (and, on REST, `status`). */
export function expectRefused(answer: Answer, code: string, status: number): void {
  if (answer.via === 'rest') {
    expect({ status: answer.status, code: answer.body?.code }, JSON.stringify(answer.body)).toEqual({ status, code });
    expectErrorShape(answer.body);
  } else {
    expect(answer.error?.code, JSON.stringify(answer.result ?? answer.error)).toBe(code);
    const { code: c, message, details } = answer.error;
    expectErrorShape(details === undefined ? { code: c, message } : { code: c, message, details });
  }
}

/** The answer must match what the probe expects, whichever transport gave it. */
export function expectAnswer(answer: Answer, e: Expect, w: World, actor: string): void {
  const ok = answer.via === 'rest' ? (answer.status === 200 ? answer.body : undefined) : answer.result;
  const shown = JSON.stringify(answer.via === 'rest' ? answer.body : (answer.result ?? answer.error));
  switch (e.kind) {
    case 'refused':
      expectRefused(answer, e.code, e.status);
      return;
    case 'refusedSend':
      if (answer.via === 'rest') {
        expectRefused(answer, 'message.refused', e.status);
        expect(answer.body.details).toMatchObject({ reasonCode: e.reasonCode });
      } else expect(answer.result, shown).toMatchObject({ reasonCode: e.reasonCode, messageId: '0', messageSeq: 0 });
      return;
    case 'refusedEach':
      expect(ok?.results?.length, shown).toBeGreaterThan(0);
      for (const r of ok.results) expect(r, shown).toMatchObject({ ok: false, error: { code: e.code } });
      return;
    case 'allowed':
      expect(ok, shown).toBeDefined();
      e.check(ok, w, actor);
      return;
  }
}

/**
 * Nothing outside the actor's window appears in the answer: no content, no group name, no id
 * (except those the request itself named: an error may repeat what it was asked).
 */
export function expectNoLeak(answer: Answer, w: World, actor: string | undefined, request: unknown): void {
  // WuKongIM's `message_id` is the id as a JSON number, which rounds to a double: ids up to 64 apart
  // (two messages of one millisecond) print the same digits, so a visible message's could spell a
  // hidden one's. The exact id stands beside it in `message_idstr`, which is checked.
  const text = JSON.stringify(answer.via === 'rest' ? answer.body : (answer.result ?? answer.error)).replace(
    /"message_id":\d+/g,
    '"message_id":0',
  );
  const asked = JSON.stringify(request);
  const hidden = hiddenFrom(actor ?? '', w);
  for (const content of hidden.contents) expect(text, `leaks "${content}"`).not.toContain(content);
  for (const id of hidden.ids) if (!asked.includes(id)) expect(text, `leaks message ${id}`).not.toContain(id);
}

/** Compares the world with a snapshot taken before, except what `changes` allows to differ. */
export async function expectUnchanged(w: World, before: Snapshot, changes: 'actor' | 'any' | undefined, actor: string): Promise<Snapshot> {
  const after = await snapshot(w);
  if (changes === 'any') return after;
  if (changes === 'actor') {
    const others = (s: Snapshot) => ({ ...s, rows: undefined, people: { ...s.people, [actor]: undefined } });
    expect(others(after), `changed someone else's state than ${actor}'s`).toEqual(others(before));
  } else expect(after, 'a refusal changed something').toEqual(before);
  return after;
}

/**
 * A WebSocket that authenticates with `token` by an `auth` frame and, in the same network write,
 * already asks for `method`: the request is answered auth.required while the token is being
 * checked, then the auth frame is refused and the socket closed.
 */
export async function wsAfterRefusedAuth(
  w: World,
  token: string,
  method: string,
  params: unknown,
): Promise<{ auth: Answer; call: Answer; closeCode: number | undefined }> {
  const client = await TestClient.connect(w.t.wsUrl);
  const socket = (client.ws as unknown as { _socket: Socket })._socket;
  socket.cork();
  const auth = wsAnswer(client.request('auth', { token, deviceId: 'az-intruder' }));
  const call = wsAnswer(client.request(method, params));
  socket.uncork();
  const answers = { auth: await auth, call: await call };
  await client.closed;
  return { ...answers, closeCode: client.closeCode };
}

/** A WebSocket that never authenticates. */
export async function wsUnauthenticated(w: World, method: string, params: unknown): Promise<Answer> {
  const client = await TestClient.connect(w.t.wsUrl);
  try {
    return await wsAnswer(client.request(method, params));
  } finally {
    await client.close();
  }
}

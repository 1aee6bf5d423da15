import { ReasonCode } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

const valid = { channelId: 'sv-b', channelType: 1, clientMsgNo: 'sv-1', payload: text('hi') };
const without = (key: keyof typeof valid) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));

/** Malformed sends the seed's reason table names: WebSocket ack / REST message.refused, with this code and status. */
const REFUSED: Array<[string, Record<string, unknown>, number, number]> = [
  ['channelType 0', { ...valid, channelType: 0 }, ReasonCode.ReasonNotSupportChannelType, 400],
  ['channelType 5', { ...valid, channelType: 5 }, ReasonCode.ReasonNotSupportChannelType, 400],
  ['channelType "1"', { ...valid, channelType: '1' }, ReasonCode.ReasonNotSupportChannelType, 400],
  ['no channelType', without('channelType'), ReasonCode.ReasonNotSupportChannelType, 400],
  ["channelId ''", { ...valid, channelId: '' }, ReasonCode.ReasonChannelIDError, 400],
  ['channelId of 65 characters', { ...valid, channelId: 'x'.repeat(65) }, ReasonCode.ReasonChannelIDError, 400],
  ['channelId 42', { ...valid, channelId: 42 }, ReasonCode.ReasonChannelIDError, 400],
  ['no channelId', without('channelId'), ReasonCode.ReasonChannelIDError, 400],
  ['no clientMsgNo', without('clientMsgNo'), ReasonCode.ReasonClientKeyIsEmpty, 400],
  ["clientMsgNo ''", { ...valid, clientMsgNo: '' }, ReasonCode.ReasonClientKeyIsEmpty, 400],
  ['no payload', without('payload'), ReasonCode.ReasonPayloadDecodeError, 400],
  ['payload a string', { ...valid, payload: 'hi' }, ReasonCode.ReasonPayloadDecodeError, 400],
  ['payload without type', { ...valid, payload: { content: 'hi' } }, ReasonCode.ReasonPayloadDecodeError, 400],
  ['payload type 0', { ...valid, payload: { type: 0, content: 'hi' } }, ReasonCode.ReasonPayloadDecodeError, 400],
  ['unknown header field', { ...valid, header: { redDot: true, priority: 1 } }, ReasonCode.ReasonNotSupportHeader, 400],
  // Several at once: the first of 21, 23, 9, 16, 20.
  ["clientMsgNo '' and channelType 9", { ...valid, clientMsgNo: '', channelType: 9 }, ReasonCode.ReasonClientKeyIsEmpty, 400],
  ['channelType 9 and no payload', { ...without('payload'), channelType: 9 }, ReasonCode.ReasonNotSupportChannelType, 400],
  ["payload 1 and channelId ''", { ...valid, payload: 1, channelId: '' }, ReasonCode.ReasonPayloadDecodeError, 400],
  ["channelId '' and a header field", { ...valid, channelId: '', header: { x: 1 } }, ReasonCode.ReasonChannelIDError, 400],
];

/** Malformed in ways no reason code names: request.invalid, as before. */
const INVALID: Array<[string, unknown]> = [
  ['params an array', [valid]],
  ['an unknown field', { ...valid, surprise: 1 }],
  ['an unknown field beside a fault a code names', { ...valid, channelType: 9, surprise: 1 }],
  ['clientMsgNo 42', { ...valid, clientMsgNo: 42 }],
  ['clientMsgNo of 65 characters', { ...valid, clientMsgNo: 'x'.repeat(65) }],
  ['clientMsgNo with a control character', { ...valid, clientMsgNo: 'a\u0001b' }],
  ['header a string', { ...valid, header: 'x' }],
  ['header noPersist "yes"', { ...valid, header: { noPersist: 'yes' } }],
  ['header noPersist "yes" and an unknown field', { ...valid, header: { noPersist: 'yes', x: 1 } }],
  ['setting receipt "yes"', { ...valid, setting: { receipt: 'yes' } }],
  ['setting with an unknown field', { ...valid, setting: { color: 'red' } }],
  ['mentions wrong', { ...valid, mentions: { uids: 'sv-b' } }],
  ['stream "yes"', { ...valid, stream: 'yes' }],
  ['stream with an image payload', { ...valid, payload: { type: 2, url: 'https://x/a.png', width: 1, height: 1 }, stream: true }],
  ['stream with a custom payload', { ...valid, payload: { type: 1000, kind: 'x' }, stream: true }],
  ['stream with noPersist', { ...valid, header: { noPersist: true }, stream: true }],
  ['stream with syncOnce', { ...valid, header: { syncOnce: true }, stream: true }],
];

/**
 * SPEC §2: sends answer with reason codes. A malformed send that the seed's table names gets that
 * code (WebSocket: a refused ack; REST: message.refused with the code), never stores anything, and
 * both transports agree; other malformed sends stay request.invalid.
 */
await describeEachBackend('malformed sends: refused with the seed’s reason code where one fits', (backend) => {
  const server = useServer(backend);
  let before: Record<string, number> = {};

  it('sets up', async () => {
    const t = server();
    await t.ensureUsers('sv-a', 'sv-b');
    before = await t.rowCounts();
  });

  it.each(REFUSED)('%s: WebSocket ack and REST message.refused with code %i', async (_name, params, reasonCode, status) => {
    const t = server();
    const client = await t.connect('sv-a');
    const echoed = params.clientMsgNo === 'sv-1' ? 'sv-1' : '';
    const ack = await client.request('message.send', params);
    expect(ack).toEqual({ clientMsgNo: echoed, messageId: '0', messageSeq: 0, timestamp: expect.any(Number), reasonCode });
    const rest = await t.http('POST', '/v1/messages', { token: await t.token('sv-a'), body: params });
    expect([rest.status, rest.body]).toEqual([
      status,
      { code: 'message.refused', message: expect.any(String), details: { reasonCode, reason: expect.any(String), clientMsgNo: echoed } },
    ]);
    // The admin API's send agrees (its clientMsgNo is optional: without one the server makes one up).
    if (reasonCode !== ReasonCode.ReasonClientKeyIsEmpty) {
      const admin = await t.admin('POST', '/messages', { ...params, fromUid: 'sv-a' });
      expect([admin.status, admin.body.details?.reasonCode]).toEqual([status, reasonCode]);
    }
    await client.close();
  });

  it.each(INVALID)('%s: request.invalid on both transports', async (_name, params) => {
    const t = server();
    const client = await t.connect('sv-a');
    await expect(client.request('message.send', params)).rejects.toMatchObject({ code: 'request.invalid' });
    const rest = await t.http('POST', '/v1/messages', { token: await t.token('sv-a'), body: params });
    expect([rest.status, rest.body.code]).toEqual([400, 'request.invalid']);
    await client.close();
  });

  it("admin API: an empty clientMsgNo is 21 (a missing one is the server's to make)", async () => {
    const t = server();
    const res = await t.admin('POST', '/messages', { ...valid, fromUid: 'sv-a', clientMsgNo: '' });
    expect([res.status, res.body.details?.reasonCode]).toEqual([400, ReasonCode.ReasonClientKeyIsEmpty]);
  });

  it('stored nothing, counted the refusals, and still serves a good send', async () => {
    const t = server();
    expect(await t.rowCounts()).toEqual(before);
    const metrics = (await t.http('GET', '/metrics')).body as string;
    expect(metrics).toMatch(new RegExp(`reason="${ReasonCode.ReasonNotSupportChannelType}"`));
    const client = await t.connect('sv-a');
    expect((await client.request('message.send', valid)).reasonCode).toBe(ReasonCode.ReasonSuccess);
  });
});

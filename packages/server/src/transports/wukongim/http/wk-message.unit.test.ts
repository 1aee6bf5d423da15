import { type Message, WkMessageSendResult, WkMessageSyncResult } from '@parley/protocol';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { exactMessageId, toWkMessage } from './wk-message.js';

/** An id of one millisecond's second message: past 2^53, and no multiple of 64, so a double rounds it. */
const ID = '387375391897026561';

const message = {
  messageId: ID,
  messageSeq: 7,
  clientMsgNo: 'c7',
  fromUid: 'alice',
  channelId: 'bob',
  channelType: 1,
  timestamp: 1_796_000_000_000,
  contentType: 1,
  payload: { type: 1, content: 'hi' },
  header: { noPersist: false, redDot: true, syncOnce: false },
  setting: {},
  extra: { revoked: false, revoker: null, revokedAt: null, editedAt: null, editedPayload: null, readCount: 0, unreadCount: 0 },
  reactions: [],
} as unknown as Message;

describe("WuKongIM's message_id in JSON", () => {
  it('is written digit for digit by the routes’ response schemas, where Number() would have rounded it', async () => {
    expect(String(Number(ID))).not.toBe(ID);
    const app = Fastify();
    app.get('/sync', { schema: { response: { 200: WkMessageSyncResult } } }, async () => ({
      start_message_seq: 7,
      end_message_seq: 7,
      more: 0,
      messages: [toWkMessage(message)],
    }));
    app.get('/send', { schema: { response: { 200: WkMessageSendResult } } }, async () => ({
      message_id: exactMessageId(ID),
      message_idstr: ID,
      message_seq: 7,
      client_msg_no: 'c7',
    }));
    for (const path of ['/sync', '/send']) {
      const res = await app.inject(path);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toContain(`"message_id":${ID},"message_idstr":"${ID}"`);
    }
    await app.close();
  });
});

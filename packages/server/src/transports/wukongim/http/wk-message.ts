import type { Message, WkMessage, WkMessageExtra } from '@parley/protocol';
import { settingByteOf, toWkContent } from '../payload.js';

const flag = (b: boolean): 0 | 1 => (b ? 1 : 0);

/**
 * A message id as WuKongIM's JSON gives it: the 64-bit integer, digit for digit. `Number(id)` would
 * round it to a double, so that two ids of one millisecond could come out the same, and a client
 * that reads `message_id` as an int64 (WuKongIM's native SDKs) would get another message's id. The
 * response schema writes a bigint's exact digits (fast-json-stringify's integer); JavaScript
 * clients still round it when they parse, and read `message_idstr`.
 */
export const exactMessageId = (id: string): number => BigInt(id) as unknown as number;

/**
 * When a message last changed in a way WuKongIM's extras show (a revoke or an edit), in ms; 0 if
 * never. A revoke always comes after any edit (a revoked message cannot be edited).
 */
export const extraVersionOf = (m: Message): number => Math.max(m.extra.revokedAt ?? 0, m.extra.editedAt ?? 0);

/** A Parley message in WuKongIM's JSON (MessageResp): seconds, a base64 payload, the id twice, and its extra once changed. */
export function toWkMessage(m: Message): WkMessage {
  const wk: WkMessage = {
    header: { no_persist: flag(m.header.noPersist), red_dot: flag(m.header.redDot), sync_once: flag(m.header.syncOnce) },
    setting: settingByteOf(m),
    message_id: exactMessageId(m.messageId),
    message_idstr: m.messageId,
    client_msg_no: m.clientMsgNo,
    message_seq: m.messageSeq,
    from_uid: m.fromUid,
    channel_id: m.channelId,
    channel_type: m.channelType,
    timestamp: Math.floor(m.timestamp / 1000),
    payload: Buffer.from(JSON.stringify(toWkContent(m)), 'utf8').toString('base64'),
    is_deleted: 0,
    revoke: flag(m.extra.revoked),
  };
  if (extraVersionOf(m) > 0) wk.message_extra = toWkMessageExtra(m);
  return wk;
}

/**
 * A Parley message's revoke, edit and read counts as WuKongIM's message extra: `content_edit` is the
 * edited content JSON (with the message's mention and reply, as its payload carries them).
 */
export function toWkMessageExtra(m: Message): WkMessageExtra {
  const extra: WkMessageExtra = {
    message_id: exactMessageId(m.messageId),
    message_idstr: m.messageId,
    message_seq: m.messageSeq,
    channel_id: m.channelId,
    channel_type: m.channelType,
    revoke: flag(m.extra.revoked),
    revoker: m.extra.revoker ?? '',
    edited_at: m.extra.editedAt ? Math.floor(m.extra.editedAt / 1000) : 0,
    readed_count: m.extra.readCount,
    unread_count: m.extra.unreadCount,
    is_mutual_deleted: 0,
    extra_version: extraVersionOf(m),
  };
  if (m.extra.editedPayload) extra.content_edit = toWkContent({ ...m, payload: m.extra.editedPayload }) as WkMessageExtra['content_edit'];
  return extra;
}

import type { Message, WkMessage } from '@parley/protocol';
import { settingByteOf, toWkContent } from '../payload.js';

const flag = (b: boolean): 0 | 1 => (b ? 1 : 0);

/** A Parley message in WuKongIM's JSON (MessageResp): seconds, a base64 payload, the id twice. */
export function toWkMessage(m: Message): WkMessage {
  return {
    header: { no_persist: flag(m.header.noPersist), red_dot: flag(m.header.redDot), sync_once: flag(m.header.syncOnce) },
    setting: settingByteOf(m),
    message_id: Number(m.messageId),
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
}

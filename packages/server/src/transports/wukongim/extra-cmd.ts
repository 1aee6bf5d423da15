import type { Message } from '@parley/protocol';
import { extraVersionOf } from './http/wk-message.js';

/** WuKongIM's CMD content type: the SDK hands such a RECV to `addCMDListener`, never to the chat. */
export const CMD_CONTENT_TYPE = 99;

/**
 * The CMD names, as TangSengDaoDao (WuKongIM's reference app) names them: `messageRevoke` for a
 * revoke, `syncMessageExtra` for any other change of a message's extras (an edit).
 */
export const WkCmd = { MessageRevoke: 'messageRevoke', SyncMessageExtra: 'syncMessageExtra' } as const;

export interface WkCmdContent {
  type: typeof CMD_CONTENT_TYPE;
  cmd: (typeof WkCmd)[keyof typeof WkCmd];
  param: {
    channel_id: string;
    channel_type: number;
    message_id: string;
    message_seq: number;
    client_msg_no: string;
    extra_version: number;
  };
}

/**
 * The CMD telling a WuKongIM client to sync a message's extras (`chatManager.syncMessageExtras`),
 * for a `message.updated` of a revoked or edited message; undefined for other updates (reactions,
 * read counts on a message never revoked or edited), which have no CMD.
 */
export function extraCmdOf(m: Message): WkCmdContent | undefined {
  const extraVersion = extraVersionOf(m);
  if (extraVersion === 0) return undefined;
  return {
    type: CMD_CONTENT_TYPE,
    cmd: m.extra.revoked ? WkCmd.MessageRevoke : WkCmd.SyncMessageExtra,
    param: {
      channel_id: m.channelId,
      channel_type: m.channelType,
      message_id: m.messageId,
      message_seq: m.messageSeq,
      client_msg_no: m.clientMsgNo,
      extra_version: extraVersion,
    },
  };
}

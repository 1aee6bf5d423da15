import type { LocalMessage } from '@parley/client';

/** For unit tests: a delivered text message from bob in the chat with bob, seq `seq`, changed by `over`. */
export function message(seq: number, over: Partial<LocalMessage> = {}): LocalMessage {
  return {
    messageId: seq ? String(9000 + seq) : '0',
    messageSeq: seq,
    clientMsgNo: `c${seq}`,
    fromUid: 'bob',
    channelType: 1,
    channelId: 'bob',
    timestamp: 1_700_000_000_000 + seq,
    contentType: 1,
    payload: { type: 1, content: `m${seq}` } as LocalMessage['payload'],
    header: { noPersist: false, redDot: true, syncOnce: false },
    setting: {},
    extra: { revoked: false, revoker: null, revokedAt: null, editedAt: null, editedPayload: null, readCount: 0, unreadCount: 0 },
    reactions: [],
    status: 'success',
    reasonCode: 1,
    ...over,
  };
}

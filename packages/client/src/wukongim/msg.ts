import type { WKMessageContent } from './content.js';

/** A channel as WuKongIM names it: the peer's uid for a 1:1 chat, the group id for a group. */
export class WKChannel {
  constructor(
    public channelID: string,
    public channelType: number,
  ) {}
}

export class MessageHeader {
  /** Counts toward unread. */
  redDot = true;
  /** Delivered to online devices only, never stored. */
  noPersist = false;
  /** A command each recipient gets once, outside history (messageSeq 0); offline users get it on their next connect. */
  syncOnce = false;
}

/** `sendWithOption`'s options, as WuKongIM's SDK has them: the header and the setting to send with. */
export class WKSendOptions {
  header = new MessageHeader();
  setting = new Setting();
}

/** `receipt`: members report reads; `topic`: a topic chat; `stream`: a stream message (not used by Parley). */
export class Setting {
  receipt = false;
  topic = false;
  stream = false;
}

/** What the server keeps about a message beside its content: receipts, revoke, edit. */
export class WKMsgExtra {
  messageID = '';
  channelID = '';
  channelType = 0;
  readed = 0;
  readedCount = 0;
  unreadCount = 0;
  revoke = 0;
  revoker = '';
  isMutualDeleted = 0;
  extraVersion = 0;
  /** Seconds. */
  editedAt = 0;
  /** The edited content as a JSON string, or ''. */
  contentEdit = '';
  needUpload = 0;
  messageContent: WKMessageContent | null = null;
}

/** One user's reaction (Parley's `{emoji, uids}` gives one per user). */
export class WKMsgReaction {
  messageID = '';
  channelID = '';
  channelType = 0;
  uid = '';
  name = '';
  seq = 0;
  emoji = '';
  isDeleted = 0;
  createdAt = '';
}

export class WKReply {
  rootMid = '';
  messageId = '';
  messageSeq = 0;
  fromUID = '';
  fromName = '';
  payload: WKMessageContent | null = null;
  contentEdit = '';
  editAt = 0;
  revoke = 0;
}

export class WKMsgEntity {
  offset = 0;
  length = 0;
  type = '';
  value = '';
}

export class WKMentionInfo {
  isMentionMe = false;
  mentionAll = false;
  uids: string[] | null = null;
}

/** WuKongIM's `WKMsg`, field for field, plus the ack's `reasonCode`. */
export class WKMsg {
  header = new MessageHeader();
  setting = new Setting();
  /** Globally unique, unordered; '' until the server stored the message. */
  messageID = '';
  /** The channel's order, from 1; 0 until stored. */
  messageSeq = 0;
  /** A local, increasing number, given when the SDK first sees the message. */
  clientSeq = 0;
  /** Seconds (10 digits). */
  timestamp = 0;
  clientMsgNO = '';
  fromUID = '';
  /** The peer's uid in a 1:1 chat (whoever sent it), the group id in a group. */
  channelID = '';
  channelType = 1;
  contentType = 0;
  /** The payload as a JSON string, with `type` = contentType. */
  content = '';
  /** 0 sending, 1 success, otherwise the reason code of the refusal (2 no answer): see WKSendMsgResult. */
  status = 0;
  /** The ack's reason code (1 success); 0 while sending or when no ack came. */
  reasonCode = 0;
  isDeleted = 0;
  /** Sort key: messageSeq × 1000 when stored; a sending message sits just after the newest one. */
  orderSeq = 0;
  localExtraMap: Record<string, unknown> | null = null;
  wkMsgExtra: WKMsgExtra | null = null;
  reactionList: WKMsgReaction[] | null = null;
  messageContent: WKMessageContent | null = null;
}

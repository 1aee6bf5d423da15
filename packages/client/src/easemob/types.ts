/** The shapes of the Easemob Web SDK (4.x) that its server conversation and roaming calls answer. */

export type ChatType = 'singleChat' | 'groupChat';

/** Easemob's `AsyncResult`: `type` 0 (REQUEST_SUCCESS) and the answer in `data`. */
export interface AsyncResult<T> {
  type: 0;
  data: T;
}

interface BodyBase {
  /** The message id (Parley's messageId). */
  id: string;
  chatType: ChatType;
  from: string;
  /** The receiver: the peer's uid in a 1:1 chat (yours when the peer sent it), the group id in a group. */
  to: string;
  /** ms, server time. */
  time: number;
  ext: Record<string, unknown>;
}

export interface TextMsgBody extends BodyBase {
  type: 'txt';
  msg: string;
}
export interface ImgMsgBody extends BodyBase {
  type: 'img';
  url: string;
  width: number;
  height: number;
  file_length?: number;
}
export interface FileMsgBody extends BodyBase {
  type: 'file';
  url: string;
  filename: string;
  file_length?: number;
}
export interface AudioMsgBody extends BodyBase {
  type: 'audio';
  url: string;
  /** Seconds. */
  length?: number;
}
export interface VideoMsgBody extends BodyBase {
  type: 'video';
  url: string;
  length?: number;
}
export interface LocationMsgBody extends BodyBase {
  type: 'loc';
  lat: number;
  lng: number;
  addr: string;
}
export interface CustomMsgBody extends BodyBase {
  type: 'custom';
  customEvent: string;
  customExts: Record<string, unknown>;
}

export type MessageBody = TextMsgBody | ImgMsgBody | FileMsgBody | AudioMsgBody | VideoMsgBody | LocationMsgBody | CustomMsgBody;

export interface ConversationItem {
  /** The peer's uid or the group id: bare, as Easemob names conversations. */
  conversationId: string;
  conversationType: ChatType;
  isPinned: boolean;
  /** ms; 0 when not pinned. */
  pinnedTime: number;
  /** `{}` when the conversation has no message (none yet, or its last one was recalled). */
  lastMessage: MessageBody | Record<string, never>;
  unReadCount: number;
}

export interface ServerConversations {
  conversations: ConversationItem[];
  /** Pass back for the next page; `''` on the last page (never null). */
  cursor: string;
}

export interface HistoryMessages {
  /** The id to continue from, in the same direction; absent on the last page. */
  cursor?: string;
  messages: MessageBody[];
  isLast: boolean;
}

export interface PinConversation {
  isPinned: boolean;
  pinnedTime: number;
}

export interface DeleteSessionResult {
  result: 'ok';
}

/** `onMultiDeviceEvent`: what this user did on another device. */
export type MultiDeviceEvent =
  | { operation: 'pinnedConversation' | 'unpinnedConversation'; conversationId: string; conversationType: ChatType; timestamp: number }
  | { operation: 'deleteConversation'; conversationId: string; conversationType: ChatType; deleteRoam: boolean; timestamp: number }
  | {
      operation: 'deleteRoaming';
      conversationId: string;
      chatType: ChatType;
      /** Set when messages were removed by id. */
      messageIds?: string[];
      /** Set when everything before a time was removed. */
      beforeTimeStamp?: number;
      timestamp: number;
    };

export interface EventHandlers {
  onMultiDeviceEvent?: (event: MultiDeviceEvent) => void;
}

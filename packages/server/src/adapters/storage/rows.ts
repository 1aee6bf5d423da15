import type { User } from '@parley/protocol';
import type {
  ChannelRecord,
  ConversationRow,
  DeadLetter,
  LaneState,
  MemberRecord,
  QueuedMessage,
  ReactionGroup,
  StoredEvent,
  StoredMessage,
} from '../../ports/storage/index.js';

/**
 * Table rows as both SQL adapters read them, and their mapping to the ports' records: the schemas
 * are the same, only flags differ (SQLite stores 0/1, PostgreSQL BOOLEAN).
 */
type Flag = number | boolean;

/** Every table of the schema, for `rowCounts` (tests prove how many rows an operation wrote). */
export const STORAGE_TABLES = [
  'users',
  'blacklist',
  'channels',
  'members',
  'whitelist',
  'messages',
  'conversations',
  'conversation_labels',
  'counters',
  'deleted_messages',
  'reactions',
  'receipts',
  'sync_once_messages',
  'sync_once_queue',
  'user_erasures',
  'erasure_replies',
  'webhook_outbox',
  'webhook_dead_letters',
  'webhook_lanes',
  'webhook_endpoint',
] as const;

export interface UserRow {
  uid: string;
  name: string;
  avatar: string;
  ext: string;
  created_at: number;
  updated_at: number;
  banned_at: number;
}

export const toUser = (r: UserRow): User => ({
  uid: r.uid,
  name: r.name,
  avatar: r.avatar,
  ext: r.ext,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  bannedAt: r.banned_at,
});

export interface ChannelRow {
  channel_type: number;
  channel_id: string;
  name: string;
  owner_uid: string;
  allow_history: Flag;
  banned: Flag;
  mute_all: Flag;
  dismissed: Flag;
  member_count: number;
  max_seq: number;
  last_msg_at: number;
  created_at: number;
  retention_days: number | null;
  purged_seq: number;
  purged_ord: number;
}

export const toChannel = (r: ChannelRow): ChannelRecord => ({
  channelType: r.channel_type as ChannelRecord['channelType'],
  channelId: r.channel_id,
  name: r.name,
  ownerUid: r.owner_uid,
  allowHistory: !!r.allow_history,
  banned: !!r.banned,
  muteAll: !!r.mute_all,
  dismissed: !!r.dismissed,
  memberCount: r.member_count,
  maxSeq: r.max_seq,
  lastMessageAt: r.last_msg_at,
  createdAt: r.created_at,
  retentionDays: r.retention_days,
  purgedSeq: r.purged_seq,
  purgedOrd: r.purged_ord,
});

/** ChannelStore.update's patch fields and their columns. */
export const CHANNEL_PATCH_COLUMNS = {
  name: 'name',
  allowHistory: 'allow_history',
  banned: 'banned',
  muteAll: 'mute_all',
  dismissed: 'dismissed',
} as const;

export interface MemberRow {
  uid: string;
  role: number;
  muted_until: number;
  join_seq: number;
  joined_at: number;
}

export const toMember = (r: MemberRow): MemberRecord => ({
  uid: r.uid,
  role: r.role,
  mutedUntil: r.muted_until,
  joinSeq: r.join_seq,
  joinedAt: r.joined_at,
});

export interface MessageRow {
  channel_type: number;
  channel_id: string;
  seq: number;
  message_id: string;
  client_msg_no: string;
  from_uid: string;
  ts: number;
  content_type: number;
  red_dot: Flag;
  payload: string;
  meta: string;
  revoked_at: number;
  revoker: string;
  edited_at: number;
  edit_count: number;
  edited_payload: string;
  annotated: Flag;
  stream_state: number;
  stream_chunk: number;
  stream_status: string;
  stream_at: number;
}

/** A `sync_once_messages` row. */
export interface QueuedMessageRow {
  message_id: string;
  channel_type: number;
  channel_id: string;
  client_msg_no: string;
  from_uid: string;
  ts: number;
  content_type: number;
  payload: string;
  meta: string;
}

export const toQueuedMessage = (r: QueuedMessageRow): QueuedMessage => ({
  channelType: r.channel_type as QueuedMessage['channelType'],
  channelId: r.channel_id,
  messageId: r.message_id,
  messageSeq: 0,
  clientMsgNo: r.client_msg_no,
  fromUid: r.from_uid,
  timestamp: r.ts,
  contentType: r.content_type,
  payloadJson: r.payload,
  metaJson: r.meta,
});

export const toStoredMessage = (r: MessageRow): StoredMessage => ({
  channelType: r.channel_type as StoredMessage['channelType'],
  channelId: r.channel_id,
  messageSeq: r.seq,
  messageId: r.message_id,
  clientMsgNo: r.client_msg_no,
  fromUid: r.from_uid,
  timestamp: r.ts,
  contentType: r.content_type,
  redDot: !!r.red_dot,
  payloadJson: r.payload,
  metaJson: r.meta,
  revokedAt: r.revoked_at,
  revoker: r.revoker,
  editedAt: r.edited_at,
  editCount: r.edit_count,
  editedPayloadJson: r.edited_payload,
  annotated: !!r.annotated,
  streamState: r.stream_state,
  streamChunk: r.stream_chunk,
  streamStatus: r.stream_status,
  streamAt: r.stream_at,
});

export interface ConversationDbRow {
  uid: string;
  conversation_id: string;
  channel_type: number;
  channel_id: string;
  sort_ts: number;
  last_seq: number;
  last_ord: number;
  read_seq: number;
  read_ord: number;
  hidden_seq: number;
  clear_seq: number;
  mention_seq: number;
  ext: string;
  pinned_at: number;
  version: number;
  may_hide: Flag;
  muted_until: number;
  archived: Flag;
  archived_seq: number;
  /** JSON array of label names, sorted. */
  labels: string;
  draft_text: string;
  draft_ext: string;
  draft_at: number;
}

export const toConversationRow = (r: ConversationDbRow): ConversationRow => ({
  uid: r.uid,
  conversationId: r.conversation_id,
  channelType: r.channel_type as ConversationRow['channelType'],
  channelId: r.channel_id,
  sortTs: r.sort_ts,
  lastSeq: r.last_seq,
  lastOrd: r.last_ord,
  readSeq: r.read_seq,
  readOrd: r.read_ord,
  hiddenSeq: r.hidden_seq,
  clearSeq: r.clear_seq,
  mentionSeq: r.mention_seq,
  ext: r.ext,
  pinnedAt: r.pinned_at,
  version: r.version,
  mayHide: !!r.may_hide,
  mutedUntil: r.muted_until,
  archived: !!r.archived,
  archivedSeq: r.archived_seq,
  // '[]' is the common case: no parse for it.
  labels: r.labels === '[]' ? [] : (JSON.parse(r.labels) as string[]),
  draftText: r.draft_text,
  draftExt: r.draft_ext,
  draftAt: r.draft_at,
});

/**
 * A message's reactions as `ReactionGroup`s, from its (emoji, uid) rows read in reaction order
 * (`ORDER BY created_at, emoji, uid`): grouped by emoji in order of each emoji's first reaction.
 */
export const groupReactions = (rows: Iterable<{ emoji: string; uid: string }>): ReactionGroup[] => {
  const groups = new Map<string, string[]>();
  for (const { emoji, uid } of rows) {
    const list = groups.get(emoji);
    if (list) list.push(uid);
    else groups.set(emoji, [uid]);
  }
  return [...groups].map(([emoji, uids]) => ({ emoji, uids }));
};

/** A row of webhook_outbox, or of webhook_dead_letters with its two more columns. */
export interface OutboxRow {
  position: number;
  event_id: string;
  lane: number;
  type: string;
  created_at: number;
  data: string;
}

export interface DeadLetterRow extends OutboxRow {
  died_at: number;
  last_error: string;
}

export const toStoredEvent = (r: OutboxRow): StoredEvent => ({
  position: r.position,
  id: r.event_id,
  type: r.type,
  lane: r.lane,
  createdAt: r.created_at,
  dataJson: r.data,
});

export const toDeadLetter = (r: DeadLetterRow): DeadLetter => ({ ...toStoredEvent(r), diedAt: r.died_at, lastError: r.last_error });

export interface LaneRow {
  lane: number;
  attempts: number;
  retry_at: number;
  last_error: string;
}

export const toLaneState = (r: LaneRow): LaneState => ({
  lane: r.lane,
  attempts: r.attempts,
  retryAt: r.retry_at,
  lastError: r.last_error,
});

import {
  ChannelType,
  type ChatType,
  type ConversationRef,
  formatConversationId,
  isValidId,
  ParleyError,
  parseConversationId,
} from '@parley/protocol';
import type { ChannelRecord, ConversationRow, MemberRecord, Storage } from '../../ports/storage/index.js';
import { personChannelId } from '../channels/person-channel.js';

/** A conversation as one user addresses it, resolved to the channel it views. */
export interface ConversationKey {
  conversationId: string;
  channelType: 1 | 2 | 3 | 4;
  /** Internal channel id (both uids for a person channel). */
  channelId: string;
}

/**
 * Every way a request may name a conversation: the NIM id (`p2p|bob`), the channel
 * (`{channelId, channelType}`), or Easemob's bare peer or group id with its chat type: `targetId` +
 * `chatType` (history, removeHistory), or, in Easemob's pin, `conversationId` + `conversationType`.
 * Methods with yet another spelling (conversation.delete's `channel`) map it to `targetId`.
 */
export interface AnyConversationRef extends ConversationRef {
  targetId?: string;
  chatType?: ChatType;
  /** Easemob's pin: `conversationId` is then the bare peer or group id. */
  conversationType?: ChatType;
}

const invalid = (why: string) => new ParleyError('conversation.invalid_id', why);

/**
 * The NIM or channel form of any reference. Easemob's `groupChat` does not say which kind of group
 * it means, so the group is looked up: a group (2) if there is one, else a super group (3). Ids are
 * shared by both kinds, so at most one exists; the order only matters for data from before that rule.
 * Mixing two ways in one request is refused rather than guessed.
 */
export async function normaliseRef(storage: Storage, ref: AnyConversationRef): Promise<ConversationRef> {
  const { conversationId, channelId, channelType, targetId, chatType, conversationType } = ref;
  let target: { id: string; chatType: ChatType } | undefined;
  if (conversationType !== undefined) {
    if (targetId !== undefined || chatType !== undefined || channelId !== undefined || channelType !== undefined)
      throw invalid('conversationType goes with conversationId only (Easemob: the bare peer uid or group id)');
    if (!isValidId(conversationId)) throw invalid('With conversationType, conversationId is the bare peer uid or group id');
    target = { id: conversationId, chatType: conversationType };
  } else if (targetId !== undefined) {
    if (conversationId !== undefined || channelId !== undefined || channelType !== undefined)
      throw invalid('Name the conversation one way: targetId (with chatType), conversationId, or channelId with channelType');
    target = { id: targetId, chatType: chatType ?? 'singleChat' };
  } else if (chatType !== undefined) {
    throw invalid('chatType goes with targetId');
  }
  if (!target) return { conversationId, channelId, channelType };
  if (!isValidId(target.id)) throw invalid(`"${target.id}" is not a uid or group id`);
  if (target.chatType === 'singleChat') return { channelId: target.id, channelType: ChannelType.Person };
  for (const kind of [ChannelType.Group, ChannelType.SuperGroup] as const) {
    if (await storage.channels.get({ channelType: kind, channelId: target.id })) return { channelId: target.id, channelType: kind };
  }
  throw new ParleyError('conversation.not_found', `No group "${target.id}"`);
}

/** Reads the id form (`p2p|bob`) or the channel form ({channelId, channelType}); a bad one is a clear error. */
export function keyOf(uid: string, ref: ConversationRef): ConversationKey {
  let parsed: { channelId: string; channelType: number } | undefined;
  if (ref.conversationId !== undefined) parsed = parseConversationId(ref.conversationId);
  else if (ref.channelId !== undefined && ref.channelType !== undefined && isValidId(ref.channelId)) {
    parsed = { channelId: ref.channelId, channelType: ref.channelType };
  }
  if (!parsed) throw new ParleyError('conversation.invalid_id');
  const channelType = parsed.channelType as 1 | 2 | 3 | 4;
  return {
    conversationId: formatConversationId({ channelId: parsed.channelId, channelType }) as string,
    channelType,
    channelId: channelType === 1 ? personChannelId(uid, parsed.channelId) : parsed.channelId,
  };
}

/** What deciding access read, kept so the visible window that usually follows reads none of it again. */
export interface ConversationAccess {
  key: ConversationKey;
  channel: ChannelRecord | undefined;
  /** The caller's membership; never read for a 1:1 chat. */
  member: MemberRecord | undefined;
  /** The caller's own conversation row. */
  row: ConversationRow | undefined;
}

/**
 * Throws unless `uid` belongs to the conversation: the peer of a 1:1 chat must exist (or have
 * existed: the chat has messages); a group's members (and former members, who keep their
 * conversation) may see it; a super group's members. What it needs is read side by side, one round
 * trip on a networked store where reading only what each rule needs took up to three.
 */
export async function readAccess(storage: Storage, uid: string, ref: AnyConversationRef): Promise<ConversationAccess> {
  const key = keyOf(uid, await normaliseRef(storage, ref));
  const name = key.conversationId.slice(key.conversationId.indexOf('|') + 1);
  // System notices: each user has their own channel, named by their uid.
  if (key.channelType === 4 && name !== uid)
    throw new ParleyError('conversation.forbidden', 'System notices are read by their recipient only');
  const [channel, member, row] = await Promise.all([
    storage.channels.get(key),
    key.channelType === 1 ? undefined : storage.channels.member(key, uid),
    storage.conversations.get(uid, key.conversationId),
  ]);
  const access = { key, channel, member, row };
  if (key.channelType === 4) return access;
  if (key.channelType === 1) {
    // The peer must exist, or have existed: a chat with a user erased since stays readable, its
    // channel outlives them. A chat with messages has its channel, so the user is read only without one.
    if (!channel && !(await storage.users.get(name))) throw new ParleyError('conversation.not_found', `No user "${name}"`);
    return access;
  }
  if (!channel) throw new ParleyError('conversation.not_found', `No group "${name}"`);
  if (member || (key.channelType === 2 && row)) return access;
  throw new ParleyError('conversation.forbidden', `You are not a member of "${name}"`);
}

/** `readAccess` for callers that need only the conversation's key. */
export async function requireAccess(storage: Storage, uid: string, ref: AnyConversationRef): Promise<ConversationKey> {
  return (await readAccess(storage, uid, ref)).key;
}

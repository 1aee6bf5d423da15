import { type ConversationRef, formatConversationId, isValidId, ParleyError, parseConversationId } from '@parley/protocol';
import type { Storage } from '../../ports/storage/index.js';
import { personChannelId } from '../channels/person-channel.js';

/** A conversation as one user addresses it, resolved to the channel it views. */
export interface ConversationKey {
  conversationId: string;
  channelType: 1 | 2 | 3 | 4;
  /** Internal channel id (both uids for a person channel). */
  channelId: string;
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

/**
 * Throws unless `uid` belongs to the conversation: the peer of a 1:1 chat must exist; a group's
 * members (and former members, who keep their conversation) may see it; a super group's members.
 */
export async function requireAccess(storage: Storage, uid: string, ref: ConversationRef): Promise<ConversationKey> {
  const key = keyOf(uid, ref);
  const name = key.conversationId.slice(key.conversationId.indexOf('|') + 1);
  if (key.channelType === 4) {
    // System notices: each user has their own channel, named by their uid.
    if (name !== uid) throw new ParleyError('conversation.forbidden', 'System notices are read by their recipient only');
    return key;
  }
  if (key.channelType === 1) {
    if (!(await storage.users.get(name))) throw new ParleyError('conversation.not_found', `No user "${name}"`);
    return key;
  }
  const group = await storage.channels.get({ channelType: key.channelType, channelId: key.channelId });
  if (!group) throw new ParleyError('conversation.not_found', `No group "${name}"`);
  if (await storage.channels.member(group, uid)) return key;
  if (key.channelType === 2 && (await storage.conversations.get(uid, key.conversationId))) return key;
  throw new ParleyError('conversation.forbidden', `You are not a member of "${name}"`);
}

import { ChannelType, formatConversationId } from '@parley/protocol';
import {
  type ChannelKey,
  type ChannelRecord,
  type ExpiryFloor,
  type MessageRef,
  NO_FLOOR,
  type Storage,
} from '../../ports/storage/index.js';
import { peerOf } from '../channels/person-channel.js';
import type { ConversationAccess, ConversationKey } from '../conversations/conversation-access.js';
import { MessageExpiry } from '../retention/expiry.js';

/** The seqs a user may see in a channel: (floor, ceiling]. */
export interface VisibleWindow {
  floor: number;
  ceiling: number;
}

/**
 * The one rule for "may this user see this message", used by history, by every action on a
 * message and by every push about one (edit, reaction, revoke, receipt). A user sees a message
 * when they belong to its channel, it lies inside their window (after they joined, unless the
 * group shows history to new members; after their one-way clear; before they left a group; after
 * what has expired, for everyone: retention) and they have not deleted it for themselves.
 */
export class MessageVisibility {
  constructor(
    private readonly storage: Storage,
    private readonly expiry: MessageExpiry = new MessageExpiry(storage, 0),
  ) {}

  /**
   * The seqs `uid` may see: above their clear point, join point and the channel's expiry floor, up
   * to the channel's end for them. `expired`, when the caller has it, saves reading it again.
   */
  async window(uid: string, key: ConversationKey, channel?: ChannelRecord, expired?: ExpiryFloor): Promise<VisibleWindow> {
    // Three independent reads, side by side: on a networked store that is one round trip, not three.
    const [row, ch, member] = await Promise.all([
      this.storage.conversations.get(uid, key.conversationId),
      channel ?? this.storage.channels.get(key),
      key.channelType === ChannelType.Person ? undefined : this.storage.channels.member(key, uid),
    ]);
    return this.windowOf({ key, channel: ch, member, row }, expired);
  }

  /** The window from what deciding access read: no read again, only the expiry floor when retention is on. */
  async windowOf(access: ConversationAccess, expired?: ExpiryFloor): Promise<VisibleWindow> {
    const { key, channel: ch, member, row } = access;
    const joinFloor = member && ch && !ch.allowHistory ? member.joinSeq : 0;
    const expiryFloor = (expired ?? (ch ? await this.expiry.floorOfChannel(ch) : NO_FLOOR)).seq;
    // A former member of a group keeps what they saw: their row stopped where they left.
    const ceiling = key.channelType === ChannelType.Group && !member ? (row?.lastSeq ?? 0) : (ch?.maxSeq ?? 0);
    return { floor: Math.max(row?.clearSeq ?? 0, joinFloor, expiryFloor), ceiling };
  }

  /** Whether `uid` may see the message at `ref` now. */
  async canSee(uid: string, ref: MessageRef, channel?: ChannelRecord, expired?: ExpiryFloor): Promise<boolean> {
    if (!(await this.belongs(uid, ref))) return false;
    const w = await this.window(uid, keyFor(uid, ref), channel, expired);
    if (ref.seq <= w.floor || ref.seq > w.ceiling) return false;
    return !(await this.storage.messageState.deletedSeqs(uid, ref, ref.seq, ref.seq)).has(ref.seq);
  }

  /** Those of `uids` who may see the message at `ref`: what a push about it is delivered to. */
  async whoCanSee(uids: readonly string[], ref: MessageRef): Promise<Set<string>> {
    const channel = await this.storage.channels.get(ref);
    // Expired for one is expired for all: no push about it at all, and no read per recipient.
    const expired = channel ? await this.expiry.floorOfChannel(channel) : NO_FLOOR;
    const allowed = new Set<string>();
    if (ref.seq <= expired.seq) return allowed;
    for (const uid of uids) if (await this.canSee(uid, ref, channel, expired)) allowed.add(uid);
    return allowed;
  }

  /** Whether the message at `ref` has expired (retention): it is then no message of anyone's. */
  async expired(ref: MessageRef): Promise<boolean> {
    const channel = await this.storage.channels.get(ref);
    return channel !== undefined && ref.seq <= (await this.expiry.floorOfChannel(channel)).seq;
  }

  /** Members now; a group's former members keep their conversation (and window) too. */
  private async belongs(uid: string, ref: ChannelKey): Promise<boolean> {
    if (ref.channelType === ChannelType.Person) return ref.channelId.split('|').includes(uid);
    if (ref.channelType === ChannelType.System) return ref.channelId === uid;
    if (await this.storage.channels.member(ref, uid)) return true;
    return (
      ref.channelType === ChannelType.Group && (await this.storage.conversations.get(uid, keyFor(uid, ref).conversationId)) !== undefined
    );
  }
}

/** The conversation `uid` sees a channel as. */
export function keyFor(uid: string, ref: ChannelKey): ConversationKey {
  const name = ref.channelType === ChannelType.Person ? peerOf(ref.channelId, uid) : ref.channelId;
  return {
    conversationId: formatConversationId({ channelType: ref.channelType, channelId: name }) as string,
    channelType: ref.channelType as ConversationKey['channelType'],
    channelId: ref.channelId,
  };
}

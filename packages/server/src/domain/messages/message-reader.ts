import type { Message } from '@parley/protocol';
import type { Storage, StoredMessage } from '../../ports/storage/index.js';
import { refKey } from '../../ports/storage/index.js';
import { type MessageMeta, toWireMessage } from './message-view.js';
import { revokedQuotes } from './revoked-quotes.js';

/** Parsed only when the key is there at all: a list or history page would parse every meta twice. */
const isReceipt = (m: StoredMessage): boolean =>
  m.metaJson.includes('"receipt"') && (JSON.parse(m.metaJson) as MessageMeta).setting.receipt === true;

const refOf = (m: StoredMessage) => ({ channelType: m.channelType, channelId: m.channelId, seq: m.messageSeq });

/**
 * Stored messages as a viewer receives them, in their current state: revoke, edit, reactions and
 * read receipts. Annotations are read only for the messages that have any.
 */
export class MessageReader {
  constructor(private readonly storage: Storage) {}

  async render(viewerUid: string, messages: readonly StoredMessage[]): Promise<Message[]> {
    const annotated = messages.filter((m) => m.annotated);
    // Receipt messages show who has not read them yet, also before anyone has.
    const needsAudience = messages.filter((m) => m.annotated || isReceipt(m));
    const [annotations, quoteRevoked] = await Promise.all([
      annotated.length ? this.storage.messageState.annotations(annotated.map(refOf)) : new Map(),
      revokedQuotes(this.storage, messages),
    ]);
    const audience = new Map<string, number>();
    for (const m of needsAudience) {
      const key = `${m.channelType}|${m.channelId}`;
      if (!audience.has(key)) audience.set(key, await this.recipientsOf(m));
    }
    return messages.map((m) => {
      const a = annotations.get(refKey(refOf(m))) ?? { reactions: [], readCount: 0 };
      const cut = quoteRevoked.has(m.messageId);
      if (!m.annotated && !cut && !isReceipt(m)) return toWireMessage(m, viewerUid);
      const recipients = audience.get(`${m.channelType}|${m.channelId}`) ?? 0;
      return toWireMessage(m, viewerUid, {
        reactions: a.reactions,
        readCount: a.readCount,
        unreadCount: isReceipt(m) ? Math.max(0, recipients - a.readCount) : 0,
        quoteRevoked: cut,
      });
    });
  }

  /** Who could report reading a message: everyone in the channel but its sender. */
  private async recipientsOf(m: StoredMessage): Promise<number> {
    if (m.channelType === 1) return 1;
    const channel = await this.storage.channels.get(m);
    return Math.max(0, (channel?.memberCount ?? 1) - 1);
  }
}

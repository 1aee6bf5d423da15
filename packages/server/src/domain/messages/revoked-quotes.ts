import type { Message } from '@parley/protocol';
import type { ChannelKey, Storage, StoredMessage } from '../../ports/storage/index.js';
import type { MessageMeta } from './message-view.js';

type Reply = NonNullable<Message['reply']>;

/**
 * A reply carries a preview of what it quotes, written by the replier's client. Once the quoted
 * message is revoked that preview is the very text its author took back, so no reader is given it:
 * not in history, lists or search (`revokedQuotes`), nor in the push of a reply sent after the revoke
 * (`quoteAsSent`). Apps show "message revoked" where the preview was.
 */
export const withoutPreview = ({ preview: _dropped, ...rest }: Reply): Reply => rest;

const quoteKey = (channelType: number, channelId: string, seq: number): string => `${channelType}|${channelId}|${seq}`;

/** The reply of a stored message, read only when its meta names one (most messages have none). */
function replyOf(m: StoredMessage): Reply | undefined {
  if (!m.metaJson.includes('"reply"')) return undefined;
  return (JSON.parse(m.metaJson) as MessageMeta).reply;
}

/**
 * The messages among `messages` whose reply quotes a revoked message of their channel (by the
 * quote's seq, and only when the message there is the one quoted), by messageId: one read for all.
 */
export async function revokedQuotes(storage: Storage, messages: readonly StoredMessage[]): Promise<Set<string>> {
  const replies = new Map<string, { m: StoredMessage; reply: Reply }>();
  for (const m of messages) {
    const reply = replyOf(m);
    if (reply?.preview !== undefined) replies.set(m.messageId, { m, reply });
  }
  const cut = new Set<string>();
  if (!replies.size) return cut;
  const refs = [...replies.values()].map(({ m, reply }) => ({ channelType: m.channelType, channelId: m.channelId, seq: reply.messageSeq }));
  const revoked = new Set<string>();
  for (const q of await storage.messages.bySeqs(refs)) {
    if (q.revokedAt > 0) revoked.add(`${quoteKey(q.channelType, q.channelId, q.messageSeq)}|${q.messageId}`);
  }
  for (const [id, { m, reply }] of replies) {
    if (revoked.has(`${quoteKey(m.channelType, m.channelId, reply.messageSeq)}|${reply.messageId}`)) cut.add(id);
  }
  return cut;
}

/** The reply a new message is stored with: without its preview when the quoted message is revoked already. */
export async function quoteAsSent(storage: Storage, key: ChannelKey, reply: Reply): Promise<Reply> {
  if (reply.preview === undefined) return reply;
  const [quoted] = await storage.messages.bySeqs([{ ...key, seq: reply.messageSeq }]);
  return quoted && quoted.messageId === reply.messageId && quoted.revokedAt > 0 ? withoutPreview(reply) : reply;
}

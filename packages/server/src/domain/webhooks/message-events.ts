import { type ChannelType, ContentType } from '@parley/protocol';
import type { EventsOf, Fanout, MessageStored, Storage, StoredMessage } from '../../ports/storage/index.js';
import type { OnlineCheck } from '../delivery/online-check.js';
import { type MessageParts, parseStoredPayload, renderMessageJson, viewedChannelId } from '../messages/message-view.js';
import { channelOrderKey, type WebhookEvents } from './webhook-events.js';

const NOBODY: ReadonlySet<string> = new Set();
const PREVIEW_CHARS = 100;
const KIND_OF: Record<number, string> = {
  [ContentType.Image]: '[image]',
  [ContentType.File]: '[file]',
  [ContentType.Voice]: '[voice]',
  [ContentType.Video]: '[video]',
  [ContentType.Location]: '[location]',
};

/** What a push notification shows: a text's first 100 characters, or the kind of message. */
export function previewOf(contentType: number, payloadJson: string): string {
  if (contentType !== ContentType.Text) return KIND_OF[contentType] ?? '[message]';
  const content = (parseStoredPayload(payloadJson, contentType) as { content?: unknown }).content;
  const chars = [...(typeof content === 'string' ? content : '')];
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS).join('')}…` : chars.join('');
}

/**
 * The message events: `message.sent` for every stored message, `message.offline` for every recipient
 * without a device online when it was sent (what a push-notification service needs), `message.revoked`
 * and `message.edited`. Person channels are named as the message's sender names them (the
 * recipient's uid), except in `message.offline`, which names it as its recipient does (the sender's).
 */
export class MessageWebhooks {
  constructor(
    private readonly events: WebhookEvents,
    private readonly online: OnlineCheck,
    private readonly storage: Storage,
  ) {}

  /** Whether a webhook URL is set: without one, sends report nothing and need not ask who is online. */
  get enabled(): boolean {
    return this.events.enabled;
  }

  /**
   * Before a send is queued: which of its recipients (but the sender) have a device online, or
   * undefined while webhooks are off (the send then reports nothing). A group's members are read
   * for it; a super group's never (no `message.offline` there: it would be a row per member).
   */
  async onlineAmong(
    senderUid: string,
    channelType: ChannelType,
    channelId: string,
    fanout: Fanout,
  ): Promise<ReadonlySet<string> | undefined> {
    if (!this.events.enabled) return undefined;
    if (fanout.kind === 'none') return NOBODY;
    const uids =
      fanout.kind === 'users'
        ? fanout.targets.map((t) => t.uid)
        : (await this.storage.channels.members({ channelType, channelId })).map((m) => m.uid);
    return this.online.onlineUids(uids.filter((uid) => uid !== senderUid));
  }

  /**
   * The events of a message its commit writes: `message.sent`, then a `message.offline` for each
   * recipient the commit reached that was not in `online` (none for a sync-once command).
   */
  sent(
    parts: MessageParts,
    online: ReadonlySet<string>,
    mentions: { uids: readonly string[]; all: boolean },
    command: boolean,
  ): EventsOf<MessageStored> {
    const key = channelOrderKey(parts.channelType, parts.channelId);
    return ({ messageSeq, recipients, muted }) => {
      const mutedSet = new Set(muted);
      const events = [this.events.event('message.sent', key, renderMessageJson({ ...parts, messageSeq }, parts.fromUid))];
      if (command) return events;
      let preview: string | undefined;
      for (const uid of recipients) {
        if (uid === parts.fromUid || online.has(uid)) continue;
        preview ??= previewOf(parts.contentType, parts.payloadJson);
        events.push(
          this.events.event('message.offline', key, {
            uid,
            fromUid: parts.fromUid,
            channelType: parts.channelType,
            channelId: viewedChannelId(parts.channelType, parts.channelId, uid),
            messageId: parts.messageId,
            messageSeq,
            contentType: parts.contentType,
            preview,
            mentioned: mentions.all || mentions.uids.includes(uid),
            muted: mutedSet.has(uid),
          }),
        );
      }
      return events;
    };
  }

  /** `message.revoked`, by the first revoke of a message. */
  revoked(): EventsOf<StoredMessage> | undefined {
    return this.events.sink((m) => [
      this.events.event('message.revoked', channelOrderKey(m.channelType, m.channelId), {
        ...this.about(m),
        revoker: m.revoker,
        revokedAt: m.revokedAt,
      }),
    ]);
  }

  /** `message.edited`, with the payload as edited. */
  edited(): EventsOf<StoredMessage> | undefined {
    return this.events.sink((m) => [
      this.events.event('message.edited', channelOrderKey(m.channelType, m.channelId), {
        ...this.about(m),
        editedAt: m.editedAt,
        editCount: m.editCount,
        payload: parseStoredPayload(m.editedPayloadJson, m.contentType),
      }),
    ]);
  }

  /**
   * `message.stream_ended`, with the final text: `message.sent` reported the stream as it opened
   * (its first text, often none), so this is the event that carries what was said.
   */
  streamEnded(): EventsOf<StoredMessage> | undefined {
    return this.events.sink((m) => [
      this.events.event('message.stream_ended', channelOrderKey(m.channelType, m.channelId), {
        ...this.about(m),
        status: m.streamStatus,
        chunkNo: m.streamChunk,
        endedAt: m.streamAt,
        payload: m.revokedAt > 0 ? { type: m.contentType } : parseStoredPayload(m.payloadJson, m.contentType),
      }),
    ]);
  }

  private about(m: StoredMessage) {
    return {
      messageId: m.messageId,
      messageSeq: m.messageSeq,
      fromUid: m.fromUid,
      channelType: m.channelType,
      channelId: viewedChannelId(m.channelType, m.channelId, m.fromUid),
    };
  }
}

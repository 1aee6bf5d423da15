import { ChannelType, EventName, type Message, ParleyError, type StreamChunkResult, type StreamPush } from '@parley/protocol';
import type { Limits } from '../../config.js';
import { type MessageRef, STREAM_NONE, type Storage, type StoredMessage } from '../../ports/storage/index.js';
import { peerOf } from '../channels/person-channel.js';
import { renderPush } from '../delivery/push-frame.js';
import type { DeliveryRouter } from '../delivery/router.js';
import type { MessageWebhooks } from '../webhooks/message-events.js';
import type { MessageActions } from './message-actions.js';
import { viewedChannelId } from './message-view.js';

const refOf = (m: StoredMessage): MessageRef => ({ channelType: m.channelType, channelId: m.channelId, seq: m.messageSeq });

/** The status the server ends an idle stream with. */
export const IDLE_STATUS = 'timeout';
/** Idle streams ended per sweep statement: a backlog is worked off in bounded transactions. */
const SWEEP_BATCH = 100;

/**
 * Streamed messages (bots, LLM output): a text message sent with `stream: true` grows by chunks
 * (`message.stream` to every member online who may see it, the sender's devices included) until its
 * sender ends it, or the server does once it took no chunk for `streamIdleMs`. The end is pushed as
 * `message.updated` with the final text, as any change of a stored message.
 */
export class MessageStreams {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly router: DeliveryRouter,
    private readonly actions: MessageActions,
    private readonly limits: Limits,
    private readonly clock: () => number = Date.now,
    private readonly webhooks?: MessageWebhooks,
    private readonly onError: (error: unknown) => void = () => {},
    /** Chunks per second per sender (PARLEY_STREAM_CHUNK_RATE_PER_SEC): each one rewrites the text so far. */
    private readonly chunkRate: { take(uid: string): boolean } = { take: () => true },
  ) {}

  /** Appends chunk `chunkNo` of the sender's open stream; a repeat answers ok and changes nothing. */
  async append(uid: string, messageId: string, chunkNo: number, delta: string): Promise<StreamChunkResult> {
    if (delta.length > this.limits.streamChunkMaxChars)
      throw new ParleyError('stream.too_large', `A chunk is at most ${this.limits.streamChunkMaxChars} characters`);
    if (!this.chunkRate.take(uid))
      throw new ParleyError('rate.limited', `At most ${this.limits.streamChunkRatePerSec} chunks a second per sender: send bigger chunks`);
    const m = await this.ownStream(uid, messageId);
    const result = await this.storage.streams.append(refOf(m), chunkNo, delta, this.clock(), this.limits.streamMaxChars);
    switch (result.kind) {
      case 'applied':
        await this.publishChunk(result.message, chunkNo, delta);
        return { messageId, chunkNo, applied: true };
      case 'repeat':
        return { messageId, chunkNo: result.message.streamChunk, applied: false };
      case 'gap':
        throw new ParleyError('stream.chunk_gap', `Send chunk ${result.expected} first`, { expectedChunkNo: result.expected });
      case 'too_large':
        throw new ParleyError('stream.too_large', `A streamed text is at most ${this.limits.streamMaxChars} characters`);
      case 'not_open':
        if (result.message.revokedAt > 0) throw new ParleyError('message.revoked');
        throw new ParleyError('stream.not_open');
    }
  }

  /** Ends the sender's stream; ending an ended one again answers it as it is (nothing pushed). */
  async end(uid: string, messageId: string, status = 'done'): Promise<Message> {
    const m = await this.ownStream(uid, messageId);
    const ended = await this.storage.streams.end(refOf(m), status, this.clock(), this.webhooks?.streamEnded());
    if (ended) return this.actions.publishUpdated(ended, uid);
    const [current] = await this.storage.messages.bySeqs([refOf(m)]);
    return (await this.actions.render(uid, current ?? m)) as Message;
  }

  /**
   * Ends every stream idle for `streamIdleMs` and pushes each one's end. Any node may run it at any
   * time: the store ends a stream once, and only the node that ended it pushes.
   */
  async sweep(): Promise<number> {
    const now = this.clock();
    let total = 0;
    for (;;) {
      const closed = await this.storage.streams.closeIdle(
        now - this.limits.streamIdleMs,
        IDLE_STATUS,
        now,
        SWEEP_BATCH,
        this.webhooks?.streamEnded(),
      );
      total += closed.length;
      for (const m of closed) await this.actions.publishUpdated(m, m.fromUid);
      if (closed.length < SWEEP_BATCH) return total;
    }
  }

  /** Sweeps a few times per idle period (at least every 5 s), one sweep at a time. */
  start(): void {
    const every = Math.max(50, Math.min(5000, Math.floor(this.limits.streamIdleMs / 4)));
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => {})
        .catch(this.onError)
        .finally(() => {
          this.sweeping = undefined;
        });
    }, every);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** The caller's own streamed message: others' answer as edits do (not found, or not yours). */
  private async ownStream(uid: string, messageId: string): Promise<StoredMessage> {
    const m = await this.actions.find(uid, messageId);
    if (m.fromUid !== uid) throw new ParleyError('message.forbidden', 'Only the sender can stream into a message');
    if (m.streamState === STREAM_NONE) throw new ParleyError('stream.not_open', 'The message was not sent with stream: true');
    return m;
  }

  /** `message.stream` to every member online who may see the message, each in their own view of a 1:1 chat. */
  private async publishChunk(m: StoredMessage, chunkNo: number, delta: string): Promise<void> {
    const about = refOf(m);
    const frame = (viewer: string) => {
      const push: StreamPush = {
        messageId: m.messageId,
        messageSeq: m.messageSeq,
        channelId: viewedChannelId(m.channelType, m.channelId, viewer),
        channelType: m.channelType,
        chunkNo,
        delta,
      };
      return renderPush(EventName.MessageStream, push);
    };
    if (m.channelType === ChannelType.Person) {
      for (const viewer of new Set([m.fromUid, peerOf(m.channelId, m.fromUid)])) this.router.pushToUser(viewer, frame(viewer), { about });
    } else if (m.channelType === ChannelType.SuperGroup) {
      this.router.pushToSuperGroup(m.channelId, frame(m.fromUid), { about });
    } else if (m.channelType === ChannelType.Group) {
      const shared = frame(m.fromUid);
      for (const member of await this.storage.channels.members(m)) this.router.pushToUser(member.uid, shared, { about });
    } else this.router.pushToUser(m.channelId, frame(m.channelId), { about });
  }
}

import {
  ChannelType,
  ContentType,
  EventName,
  formatConversationId,
  isValidId,
  ParleyError,
  ReasonCode,
  type SendAck,
  type SendParams,
  SYSTEM_UID,
} from '@parley/protocol';
import type { Limits } from '../../config.js';
import { type ExpiryFloor, type Fanout, type NewMessage, STREAM_OPEN, type Storage } from '../../ports/storage/index.js';
import { personChannelId } from '../channels/person-channel.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { pushFrameOf } from '../delivery/push-frame.js';
import type { DeliveryRouter } from '../delivery/router.js';
import type { MessageExpiry } from '../retention/expiry.js';
import type { MessageWebhooks } from '../webhooks/message-events.js';
import type { MessageIdGenerator } from './message-id.js';
import { type MessageMeta, type MessageParts, metaJsonOf, renderMessageJson, untouched, viewedChannelId } from './message-view.js';
import { checkPayload } from './payload-rules.js';
import { quoteAsSent } from './revoked-quotes.js';
import type { SendBatcher } from './send-batcher.js';
import { groupSendReason, personSendReason } from './send-policy.js';
import { SenderLanes } from './sender-lanes.js';

export interface Sender {
  uid: string;
  /** The connection the send came from: it gets the ack, not a `message.new`. */
  origin?: string;
  /** Admin API sends skip the rate limit; the system may post to system channels. */
  trusted?: boolean;
}

export interface MessageServiceDeps {
  storage: Storage;
  router: DeliveryRouter;
  batcher: SendBatcher;
  ids: MessageIdGenerator;
  /** Per-user send rate (a `SharedRateLimit` in a cluster): false refuses the send. */
  rateLimiter: { take(uid: string): boolean };
  limits: Limits;
  conversations: ConversationService;
  /** Server time in ms; message timestamps and updateTimes come from here. */
  clock: () => number;
  /** Retention: the pushed conversations do not count what expired in their channel. */
  expiry?: MessageExpiry;
  onResult?: (reasonCode: number) => void;
  /** Webhooks: the events a stored message reports (none while no webhook URL is set). */
  webhooks?: MessageWebhooks;
}

/** A send that passed its checks, with what they found. */
interface Checked {
  now: number;
  target: Target;
  payloadJson: string;
  /** Webhooks on: the recipients with a device online at check time (no `message.offline` for them). */
  online?: ReadonlySet<string>;
  /** The reply as stored: without its preview when the quoted message is revoked (`quoteAsSent`). */
  reply?: NonNullable<SendParams['reply']>;
}

interface Target {
  /** Internal channel id. */
  channelId: string;
  fanout: Fanout;
  /** The channel's expiry floor (retention) at check time, for the conversations its commit pushes. */
  expired?: ExpiryFloor;
}

/**
 * The send path: check, store (group commit), deliver, acknowledge. The ack leaves only after
 * the message is durably stored and its delivery published (publishing waits for no recipient;
 * on the in-process bus it hands the frames to this node's sockets, so no device here sees the
 * ack overtake the message).
 */
export class MessageService {
  private readonly lanes = new SenderLanes();

  constructor(private readonly deps: MessageServiceDeps) {}

  /** A fresh unique id (for server-made clientMsgNos). */
  newId(): string {
    return this.deps.ids.next();
  }

  /**
   * The ack of a send refused before it reached the send path (its params did not fit the schema):
   * counted with every other send result, nothing stored.
   */
  refuse(clientMsgNo: string, reasonCode: number): SendAck {
    this.deps.onResult?.(reasonCode);
    return { clientMsgNo, messageId: '0', messageSeq: 0, timestamp: this.deps.clock(), reasonCode };
  }

  async send(sender: Sender, params: SendParams): Promise<SendAck> {
    if (params.stream) await this.checkStream(sender, params);
    const prepared = await this.lanes.pipeline(
      sender.uid,
      () => this.check(sender, params),
      (checked) => ('reasonCode' in checked ? Promise.resolve(checked) : this.enqueue(sender, params, checked)),
    );
    const ack = 'committed' in prepared ? await prepared.committed : prepared;
    this.deps.onResult?.(ack.reasonCode);
    return ack;
  }

  /**
   * A resend of a message stored already gets its first ack even when the sender may no longer post
   * there (left the group, not on its whitelist, muted, blocked): the message was accepted, and an
   * outbox retrying after a lost ack must not show it as failed. Read only on the refusal path.
   */
  private async storedAck(sender: Sender, params: SendParams): Promise<SendAck | undefined> {
    if (params.header?.noPersist) return undefined;
    const stored = await this.deps.storage.messages.byClientMsgNo(sender.uid, params.clientMsgNo);
    if (!stored) return undefined;
    const { messageId, messageSeq, timestamp } = stored;
    return { clientMsgNo: params.clientMsgNo, messageId, messageSeq, timestamp, reasonCode: ReasonCode.ReasonSuccess };
  }

  /**
   * A stream opens only as a stored text message, and only while the sender has fewer open streams
   * than allowed (counted before the send: sends racing past it may each open one). A resend of a
   * stream already stored is no new one: it goes on to be answered with its first ack.
   */
  private async checkStream(sender: Sender, params: SendParams): Promise<void> {
    if (params.payload.type !== ContentType.Text)
      throw new ParleyError('request.invalid', 'stream: true is for text messages (payload type 1)');
    if (params.header?.noPersist || params.header?.syncOnce)
      throw new ParleyError('request.invalid', 'stream: true is for stored channel messages: not with noPersist or syncOnce');
    const { limits, storage } = this.deps;
    if (
      (await storage.streams.openCount(sender.uid)) >= limits.streamMaxOpen &&
      !(await storage.messages.byClientMsgNo(sender.uid, params.clientMsgNo))
    )
      throw new ParleyError('stream.too_many', `At most ${limits.streamMaxOpen} open streams per sender`);
  }

  private refusal(params: SendParams, reasonCode: number): SendAck {
    return { clientMsgNo: params.clientMsgNo, messageId: '0', messageSeq: 0, timestamp: this.deps.clock(), reasonCode };
  }

  /**
   * Everything that decides whether the send may go: the rate limit, the payload, the channel and
   * the sender's right to post there (database reads). Depends on nothing the sender's earlier
   * sends change, so a sender's checks run side by side (see SenderLanes.pipeline).
   */
  private async check(sender: Sender, params: SendParams): Promise<SendAck | Checked> {
    const { limits, rateLimiter } = this.deps;
    if (!sender.trusted && !rateLimiter.take(sender.uid)) return this.refusal(params, ReasonCode.ReasonRateLimit);
    // A stream may open with no text yet: the chunks bring it.
    const payload =
      params.stream && (params.payload as { content?: unknown }).content === ''
        ? { json: JSON.stringify(params.payload) }
        : checkPayload(params.payload, limits);
    if ('error' in payload) return this.refusal(params, ReasonCode.ReasonPayloadDecodeError);
    if (!isValidId(params.channelId)) return this.refusal(params, ReasonCode.ReasonChannelIDError);
    const headerReason = syncOnceReason(params);
    if (headerReason !== ReasonCode.ReasonSuccess) return this.refusal(params, headerReason);

    const now = this.deps.clock();
    const target = await this.resolveTarget(sender, params, now);
    if (typeof target === 'number') return (await this.storedAck(sender, params)) ?? this.refusal(params, target);
    const checked: Checked = { now, target, payloadJson: payload.json };
    if (params.reply)
      checked.reply = await quoteAsSent(this.deps.storage, { channelType: params.channelType, channelId: target.channelId }, params.reply);
    // Not for noPersist: nothing is stored, so nothing is reported. Asked only while webhooks are on.
    if (this.deps.webhooks?.enabled && !params.header?.noPersist) {
      checked.online = await this.deps.webhooks.onlineAmong(sender.uid, params.channelType, target.channelId, target.fanout);
    }
    return checked;
  }

  /**
   * Queues a checked send for commit (or delivers a noPersist one). Runs in the sender's lane, so a
   * sender's messages get their ids and reach the batcher in arrival order; the commit itself is
   * awaited outside the lane.
   */
  private async enqueue(sender: Sender, params: SendParams, checked: Checked): Promise<SendAck | { committed: Promise<SendAck> }> {
    const { ids } = this.deps;
    const { now, target } = checked;
    const meta: MessageMeta = {
      header: {
        noPersist: params.header?.noPersist ?? false,
        redDot: params.header?.redDot ?? true,
        syncOnce: params.header?.syncOnce ?? false,
      },
      setting: params.setting ?? {},
    };
    // Assigned, not spread as `...(x && {x})`: a conditional spread takes V8's slow copy on every send.
    if (checked.reply) meta.reply = checked.reply;
    if (params.mentions) meta.mentions = params.mentions;
    if (params.entities) meta.entities = params.entities;
    // One literal with every field, no spread: V8 builds it from a boilerplate. Spread from
    // `untouched` and then extended, it cost about 1 µs per field (the send path's top frame).
    const parts: MessageParts = {
      messageId: ids.next(now),
      messageSeq: 0,
      clientMsgNo: params.clientMsgNo,
      fromUid: sender.uid,
      channelType: params.channelType,
      channelId: target.channelId,
      timestamp: now,
      contentType: params.payload.type,
      payloadJson: checked.payloadJson,
      metaJson: metaJsonOf(meta),
      revokedAt: untouched.revokedAt,
      revoker: untouched.revoker,
      editedAt: untouched.editedAt,
      editCount: untouched.editCount,
      editedPayloadJson: untouched.editedPayloadJson,
      annotated: untouched.annotated,
      streamState: params.stream ? STREAM_OPEN : untouched.streamState,
      streamChunk: untouched.streamChunk,
      streamStatus: untouched.streamStatus,
      streamAt: params.stream ? now : untouched.streamAt,
    };
    if (meta.header.noPersist) {
      const members =
        target.fanout.kind === 'members'
          ? (await this.deps.storage.channels.members({ channelType: params.channelType, channelId: target.channelId })).map((m) => m.uid)
          : undefined;
      this.deliver(parts, target.fanout, sender.origin, members);
      return {
        clientMsgNo: params.clientMsgNo,
        messageId: parts.messageId,
        messageSeq: 0,
        timestamp: now,
        reasonCode: ReasonCode.ReasonSuccess,
      };
    }
    const message: NewMessage = {
      channelType: parts.channelType,
      channelId: parts.channelId,
      messageId: parts.messageId,
      clientMsgNo: parts.clientMsgNo,
      fromUid: parts.fromUid,
      timestamp: parts.timestamp,
      contentType: parts.contentType,
      payloadJson: parts.payloadJson,
      metaJson: parts.metaJson,
      redDot: meta.header.redDot,
      mentionUids: params.mentions?.uids ?? [],
      mentionAll: params.mentions?.all ?? false,
      fanout: target.fanout,
    };
    if (meta.header.syncOnce) message.syncOnce = true;
    if (params.stream) message.stream = true;
    if (checked.online && this.deps.webhooks) {
      const mentions = { uids: message.mentionUids, all: message.mentionAll };
      message.events = this.deps.webhooks.sent(parts, checked.online, mentions, meta.header.syncOnce);
    }
    const committed = this.deps.batcher.submit(message).then((result) => {
      if (result.status === 'stored' && result.recipients) {
        // Sync-once: live to every device of those it was queued for; no conversation changes.
        const render = renderOnce(parts);
        for (const uid of result.recipients)
          this.deps.router.pushToUser(uid, pushFrameOf(EventName.MessageNew, render(uid)), { origin: sender.origin });
      } else if (result.status === 'stored') {
        parts.messageSeq = result.ack.messageSeq;
        const render = renderOnce(parts);
        const { conversations } = this.deps;
        if (target.fanout.kind === 'members') {
          // The members' conversation.updated ride with the message: one bus message per node holding recipients.
          const after = conversations.committedFrames(result.conversations, parts.messageSeq, render, target.expired);
          this.deliver(
            parts,
            target.fanout,
            sender.origin,
            result.conversations.map((c) => c.uid),
            render,
            after,
          );
        } else {
          this.deliver(parts, target.fanout, sender.origin, undefined, render);
          conversations.publishCommitted(result.conversations, parts.messageSeq, render, target.expired);
        }
      }
      const { ack } = result;
      return {
        clientMsgNo: params.clientMsgNo,
        messageId: ack.messageId,
        messageSeq: ack.messageSeq,
        timestamp: ack.timestamp,
        reasonCode: ReasonCode.ReasonSuccess,
      };
    });
    return { committed };
  }

  /** The stored channel and its fan-out, or the reason code of a refusal. */
  private async resolveTarget(sender: Sender, params: SendParams, now: number): Promise<Target | number> {
    const { storage } = this.deps;
    const { channelId, channelType } = params;
    switch (channelType) {
      case ChannelType.Person: {
        if (sender.uid === SYSTEM_UID) return ReasonCode.ReasonNotSupportChannelType;
        const reason = personSendReason(await storage.users.personSendFacts(sender.uid, channelId));
        if (reason !== ReasonCode.ReasonSuccess) return reason;
        const targets = [{ uid: sender.uid, conversationId: `p2p|${channelId}` }];
        if (channelId !== sender.uid) targets.push({ uid: channelId, conversationId: `p2p|${sender.uid}` });
        const key = { channelType, channelId: personChannelId(sender.uid, channelId) };
        // Read only when the channel may have a floor: no await at all for a 1:1 send with retention off.
        const expired = this.deps.expiry?.knownFloor(key) ?? (await this.deps.expiry?.floorOf(key));
        return { channelId: key.channelId, fanout: { kind: 'users', targets }, expired };
      }
      case ChannelType.Group:
      case ChannelType.SuperGroup: {
        const key = { channelType, channelId };
        const facts = await storage.channels.groupSendFacts(key, sender.uid);
        // The system posts notices into any live group without being a member.
        const reason =
          sender.uid === SYSTEM_UID && facts.channel && !facts.channel.dismissed ? ReasonCode.ReasonSuccess : groupSendReason(facts, now);
        if (reason !== ReasonCode.ReasonSuccess) return reason;
        const conversationId = formatConversationId(key) as string;
        return {
          channelId,
          fanout: channelType === ChannelType.Group ? { kind: 'members', conversationId } : { kind: 'none', conversationId },
          // Super groups push no conversations with their messages: nothing to read for them.
          expired: channelType === ChannelType.Group && facts.channel ? await this.deps.expiry?.floorOfChannel(facts.channel) : undefined,
        };
      }
      case ChannelType.System: {
        if (sender.uid !== SYSTEM_UID) return ReasonCode.ReasonNotAllowSend;
        const facts = await storage.users.personSendFacts(sender.uid, channelId);
        if (!facts.peerExists) return ReasonCode.ReasonChannelNotExist;
        const key = { channelType, channelId };
        return {
          channelId,
          fanout: { kind: 'users', targets: [{ uid: channelId, conversationId: `system|${channelId}` }] },
          expired: this.deps.expiry?.knownFloor(key) ?? (await this.deps.expiry?.floorOf(key)),
        };
      }
      default:
        return ReasonCode.ReasonNotSupportChannelType;
    }
  }

  /**
   * Publishes `message.new` to every device of every recipient except the sending connection.
   * A super group publishes once to its channel topic; a group once per node holding devices of its
   * members (with their `after` frames); a person channel renders each side's view.
   */
  private deliver(
    parts: MessageParts,
    fanout: Fanout,
    origin: string | undefined,
    members?: readonly string[],
    render: (viewer: string) => string = renderOnce(parts),
    after?: ReadonlyMap<string, string>,
  ): void {
    const { router } = this.deps;
    const frame = (viewer: string) => pushFrameOf(EventName.MessageNew, render(viewer));
    if (fanout.kind === 'users') {
      for (const t of fanout.targets) router.pushToUser(t.uid, frame(t.uid), { origin });
      return;
    }
    const shared = frame(parts.fromUid);
    // The seq lets a member who just joined skip what their node's catch-up handed over (none when not stored).
    const seq = parts.messageSeq > 0 ? parts.messageSeq : undefined;
    if (fanout.kind === 'none') router.pushToSuperGroup(parts.channelId, shared, seq ? { origin, seq } : { origin });
    else router.pushToMembers(members ?? [], shared, { origin, seq, after });
  }
}

/**
 * The message's JSON, rendered once per distinct view (two for a 1:1 chat, one for a group) and
 * shared by `message.new` and the `conversation.updated` pushes of the same send.
 */
function renderOnce(parts: MessageParts): (viewer: string) => string {
  const byView = new Map<string, string>();
  return (viewer) => {
    const view = viewedChannelId(parts.channelType, parts.channelId, viewer);
    let json = byView.get(view);
    if (json === undefined) {
      json = renderMessageJson(parts, viewer);
      byView.set(view, json);
    }
    return json;
  };
}

/**
 * `header.syncOnce` queues one row per recipient, so it is refused where that would be a row per
 * member of a super group (SPEC §5: O(1) writes per super-group message), and with `noPersist`,
 * which asks for the opposite (nothing stored). Both are 20 ReasonNotSupportHeader.
 */
function syncOnceReason(params: SendParams): number {
  if (!params.header?.syncOnce) return ReasonCode.ReasonSuccess;
  if (params.header.noPersist || params.channelType === ChannelType.SuperGroup) return ReasonCode.ReasonNotSupportHeader;
  return ReasonCode.ReasonSuccess;
}

import {
  ChannelType,
  ContentType,
  type ConversationRef,
  EventName,
  type HistoryParams,
  type HistoryResult,
  MemberRole,
  type Message,
  ParleyError,
  type Payload,
  type RemoveHistoryParams,
} from '@parley/protocol';
import type { Limits } from '../../config.js';
import { type ChannelKey, type MessageRef, STREAM_OPEN, type Storage, type StoredMessage } from '../../ports/storage/index.js';
import { peerOf } from '../channels/person-channel.js';
import { readAccess } from '../conversations/conversation-access.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { fromRow as rowState } from '../conversations/conversation-state.js';
import { renderPush } from '../delivery/push-frame.js';
import type { DeliveryRouter } from '../delivery/router.js';
import { MessageExpiry } from '../retention/expiry.js';
import type { MessageWebhooks } from '../webhooks/message-events.js';
import { type HistoryRequest, historyReach, planHistory, type SeqSpan, widenPastDeleted } from './history-window.js';
import { MessageReader } from './message-reader.js';
import { checkPayload } from './payload-rules.js';
import { MessageVisibility, type VisibleWindow } from './visibility.js';

const inWindow = (seq: number, w: VisibleWindow): boolean => seq > w.floor && seq <= w.ceiling;

const refOf = (m: StoredMessage): MessageRef => ({ channelType: m.channelType, channelId: m.channelId, seq: m.messageSeq });

/**
 * What users do with stored messages: read history, delete for themselves, revoke, edit, react,
 * report reading. Every change reaches the members online as `message.updated`; a device that was
 * away sees the current state in history and in the conversation's last message.
 */
export class MessageActions {
  private readonly reader: MessageReader;
  private readonly visibility: MessageVisibility;

  constructor(
    private readonly storage: Storage,
    private readonly router: DeliveryRouter,
    private readonly conversations: ConversationService,
    private readonly limits: Limits,
    private readonly clock: () => number = Date.now,
    expiry = new MessageExpiry(storage, 0, clock),
    /** Webhooks: `message.revoked` and `message.edited`, written with the change. */
    private readonly webhooks?: MessageWebhooks,
  ) {
    this.reader = new MessageReader(storage);
    this.visibility = new MessageVisibility(storage, expiry);
  }

  async history(uid: string, params: HistoryParams): Promise<HistoryResult> {
    const access = await readAccess(this.storage, uid, params);
    const { key } = access;
    const window = await this.visibility.windowOf(access);
    const easemob =
      params.cursor !== undefined || params.searchDirection !== undefined || params.pageSize !== undefined || params.targetId !== undefined;
    let startSeq = params.startSeq ?? 0;
    let contain = params.contain ?? false;
    // Easemob's -1, null and '' all mean "from the newest".
    if (typeof params.cursor === 'string' && params.cursor !== '') {
      const at = await this.storage.messageState.byId(params.cursor);
      // Outside the caller's window (before they joined, after they left) is no message of theirs.
      if (!at || at.channelType !== key.channelType || at.channelId !== key.channelId || !inWindow(at.messageSeq, window))
        throw new ParleyError('message.not_found', 'cursor names no message of this conversation');
      startSeq = at.messageSeq;
      contain = false;
    }
    const direction = params.searchDirection ?? params.direction ?? 'up';
    const request: HistoryRequest = {
      floor: window.floor,
      ceiling: window.ceiling,
      startSeq,
      direction,
      contain,
      around: params.around,
      limit: params.pageSize ?? params.limit ?? 20,
    };
    const planned = planHistory(request);
    // Seqs the caller deleted come back as placeholders but do not use up the page: it reads on.
    const reach = historyReach(planned, request);
    // The planned page is read beside the deletions (one round trip on a networked store); only a
    // page the viewer's own deletions widen reads the rest after.
    const [deleted, plannedRows] = await Promise.all([
      this.storage.messageState.deletedSeqs(uid, key, reach.from, reach.to),
      this.storage.messages.range(key, planned.from, planned.to),
    ]);
    const range = widenPastDeleted(planned, request, deleted, reach);
    const stored = await this.widened(key, range, planned, plannedRows);
    const visible = stored.filter((m) => !deleted.has(m.messageSeq));
    const wire = new Map((await this.reader.render(uid, visible)).map((m) => [m.messageSeq, m]));
    const messages: HistoryResult['messages'] = [];
    // Seqs before the first one stored were removed by retention after the window was read
    // (removal is always a prefix of the log): they are no placeholders, they are gone.
    const firstStored = stored[0]?.messageSeq ?? range.to + 1;
    for (let seq = Math.max(range.from, firstStored); seq <= range.to; seq++)
      messages.push(wire.get(seq) ?? { messageSeq: seq, deleted: true });
    const hasMoreBefore = range.from > window.floor + 1;
    const hasMoreAfter = range.to < window.ceiling;
    // The cursor is the edge of what was read, placeholder or not, so the next page starts right past it.
    const edge = direction === 'up' ? stored[0] : stored[stored.length - 1];
    const more = direction === 'up' ? hasMoreBefore : hasMoreAfter;
    return { messages, hasMoreBefore, hasMoreAfter, cursor: easemob && more && edge ? edge.messageId : null };
  }

  /** The messages of `span`: those already read for `planned`, and any `span` adds on either side. */
  private async widened(key: ChannelKey, span: SeqSpan, planned: SeqSpan, read: StoredMessage[]): Promise<StoredMessage[]> {
    if (span.from >= planned.from && span.to <= planned.to) return read.filter((m) => m.messageSeq >= span.from && m.messageSeq <= span.to);
    const [older, newer] = await Promise.all([
      span.from < planned.from ? this.storage.messages.range(key, span.from, Math.min(span.to, planned.from - 1)) : [],
      span.to > planned.to ? this.storage.messages.range(key, Math.max(span.from, planned.to + 1), span.to) : [],
    ]);
    const inside = read.filter((m) => m.messageSeq >= span.from && m.messageSeq <= span.to);
    return [...older, ...inside, ...newer];
  }

  /**
   * The caller's visible messages of a conversation revoked or edited after `version` (a change
   * time in ms), in change order: what a client that keeps messages itself needs to bring them up
   * to date (WuKongIM's message extras). At most `limit`, more when the last ones share a time.
   */
  async changedSince(uid: string, ref: ConversationRef, version: number, limit: number): Promise<Message[]> {
    const access = await readAccess(this.storage, uid, ref);
    const { key } = access;
    const window = await this.visibility.windowOf(access);
    const changed = await this.storage.messageState.changedSince(uid, key, window.floor, window.ceiling, version, limit);
    return this.reader.render(uid, changed);
  }

  /** One-way delete for the caller: by ids (at most 50) or everything before a time. */
  async removeHistory(uid: string, params: RemoveHistoryParams, originConnection?: string): Promise<{ removed: number }> {
    if (params.beforeTimestamp !== undefined && params.beforeTimeStamp !== undefined)
      throw new ParleyError('request.invalid', "beforeTimeStamp is Easemob's spelling of beforeTimestamp: give one, not both");
    const beforeTimestamp = params.beforeTimestamp ?? params.beforeTimeStamp;
    const byTime = beforeTimestamp !== undefined;
    if (byTime === (params.messageIds !== undefined)) throw new ParleyError('message.remove_invalid');
    const access = await readAccess(this.storage, uid, params);
    const { key } = access;
    const window = await this.visibility.windowOf(access);
    let removed = 0;
    if (byTime) {
      const upTo = Math.min(await this.storage.messageState.seqBefore(key, beforeTimestamp), window.ceiling);
      removed = Math.max(0, upTo - window.floor);
      if (removed > 0) {
        const ord = await this.storage.messages.ordinalAt(key, upTo);
        await this.storage.conversations.update(uid, key, { clearSeq: upTo, read: { seq: upTo, ord } });
      }
    } else {
      const seqs: number[] = [];
      for (const id of params.messageIds ?? []) {
        const m = await this.storage.messageState.byId(id);
        if (!m || m.channelType !== key.channelType || m.channelId !== key.channelId || !inWindow(m.messageSeq, window))
          throw new ParleyError('message.not_found', `No message ${id} in ${key.conversationId}`);
        seqs.push(m.messageSeq);
      }
      removed = seqs.length;
      if (removed) {
        // A super-group member may have no row of their own yet: create it (no version) to mark.
        await this.storage.conversations.update(uid, key, {});
        await this.storage.messageState.deleteForUser(uid, key.conversationId, key, seqs);
      }
    }
    if (removed > 0) {
      void this.conversations.pushCurrent(uid, key).catch(() => {});
      const event = {
        conversationId: key.conversationId,
        messageIds: params.messageIds ?? [],
        beforeTimestamp: beforeTimestamp ?? null,
      };
      this.router.pushToUser(uid, renderPush(EventName.DeleteRoaming, event), { origin: originConnection });
    }
    return { removed };
  }

  /** The sender within the revoke window, or a group's owner or admin at any time. */
  async revoke(uid: string, messageId: string): Promise<Message> {
    const m = await this.find(uid, messageId);
    if (m.revokedAt === 0) {
      const isSender = m.fromUid === uid;
      const privileged = m.channelType !== ChannelType.Person && (await this.roleOf(uid, m)) >= MemberRole.Admin;
      if (!isSender && !privileged) throw new ParleyError('message.forbidden', 'Only the sender or a group owner or admin can revoke');
      if (!privileged && this.clock() - m.timestamp > this.limits.revokeWindowMs) throw new ParleyError('message.revoke_window_passed');
      const { conversations } = await this.storage.messageState.revoke(refOf(m), uid, this.clock(), this.webhooks?.revoked());
      for (const row of conversations) void this.conversations.pushUpdated(row.uid, rowState(row)).catch(() => {});
    }
    return this.publishUpdated(m, uid);
  }

  /** The sender edits a text or custom message, keeping its type, at most maxEdits times. */
  async edit(uid: string, messageId: string, payload: Payload): Promise<Message> {
    const m = await this.find(uid, messageId);
    if (m.fromUid !== uid) throw new ParleyError('message.forbidden', 'Only the sender can edit a message');
    if (m.revokedAt > 0) throw new ParleyError('message.revoked');
    // The stream's chunks write the payload: an edit waits for its end.
    if (m.streamState === STREAM_OPEN) throw new ParleyError('message.not_editable', 'An open stream can be edited once it has ended');
    const editable = m.contentType === ContentType.Text || m.contentType >= ContentType.CustomMin;
    if (!editable || payload.type !== m.contentType) throw new ParleyError('message.not_editable');
    const checked = checkPayload(payload, this.limits);
    if ('error' in checked) throw new ParleyError('request.invalid', checked.error);
    const edited = await this.storage.messageState.edit(
      refOf(m),
      checked.json,
      this.clock(),
      this.limits.maxEdits,
      this.webhooks?.edited(),
    );
    if (edited === 'limit') throw new ParleyError('message.edit_limit', `A message can be edited at most ${this.limits.maxEdits} times`);
    return this.publishUpdated(edited, uid);
  }

  async react(uid: string, messageId: string, emoji: string, add: boolean): Promise<Message> {
    const m = await this.find(uid, messageId);
    if (m.revokedAt > 0) throw new ParleyError('message.revoked');
    const result = await this.storage.messageState.react(refOf(m), uid, emoji, add, this.limits.maxReactions, this.clock());
    if (result === 'limit')
      throw new ParleyError('message.reaction_limit', `At most ${this.limits.maxReactions} different reactions per message`);
    return this.publishUpdated({ ...m, annotated: true }, uid);
  }

  /** Reports reading receipt messages; each reader counts once; the senders see the new counts. */
  async markReceipts(uid: string, messageIds: readonly string[]): Promise<{ read: string[] }> {
    const wanted: StoredMessage[] = [];
    for (const id of messageIds) {
      const m = await this.find(uid, id);
      const receipt = (JSON.parse(m.metaJson) as { setting?: { receipt?: boolean } }).setting?.receipt === true;
      if (receipt && m.fromUid !== uid) wanted.push(m);
    }
    const fresh = new Set(
      (await this.storage.messageState.addReceipts(uid, wanted.map(refOf), this.clock())).map(
        (r) => `${r.channelType}|${r.channelId}|${r.seq}`,
      ),
    );
    const read = wanted.filter((m) => fresh.has(`${m.channelType}|${m.channelId}|${m.messageSeq}`));
    for (const m of read) {
      const [message] = await this.reader.render(m.fromUid, [{ ...m, annotated: true }]);
      this.router.pushToUser(m.fromUid, renderPush(EventName.MessageUpdated, message), { about: refOf(m) });
    }
    return { read: read.map((m) => m.messageId) };
  }

  /** A stored message as `viewer` receives it, in its current state. */
  async render(viewer: string, m: StoredMessage): Promise<Message | undefined> {
    return (await this.reader.render(viewer, [m]))[0];
  }

  /**
   * Pushes a stored message's current state as `message.updated` to the members online who may see
   * it: for changes made without an acting member (a sender's erasure).
   */
  async publishCurrent(ref: MessageRef): Promise<void> {
    const [m] = await this.storage.messages.bySeqs([ref]);
    if (m) await this.publishUpdated(m, m.fromUid);
  }

  /**
   * The message, if `uid` belongs to its channel now and may see it (a sender may still act on
   * their own message, but not once it expired); otherwise the same not_found as a missing one.
   */
  async find(uid: string, messageId: string): Promise<StoredMessage> {
    const m = await this.storage.messageState.byId(messageId);
    if (
      m &&
      (await this.isMember(uid, m)) &&
      (m.fromUid === uid ? !(await this.visibility.expired(refOf(m))) : await this.visibility.canSee(uid, refOf(m)))
    )
      return m;
    throw new ParleyError('message.not_found', `No message ${messageId}`);
  }

  /** Acting on a message takes membership now; a group's former members may only read. */
  private async isMember(uid: string, m: StoredMessage): Promise<boolean> {
    if (m.channelType === ChannelType.Person) return m.channelId.split('|').includes(uid);
    if (m.channelType === ChannelType.System) return m.channelId === uid;
    return (await this.storage.channels.member(m, uid)) !== undefined;
  }

  private async roleOf(uid: string, m: StoredMessage): Promise<number> {
    return (await this.storage.channels.member(m, uid))?.role ?? -1;
  }

  /**
   * Sends the message's current state to every member online who may see it, each in their own
   * view, and returns it as `actor` sees it.
   */
  async publishUpdated(m: StoredMessage, actor: string): Promise<Message> {
    const current = (await this.storage.messages.bySeqs([refOf(m)]))[0] ?? m;
    const render = async (viewer: string) => (await this.reader.render(viewer, [current]))[0] as Message;
    const about = refOf(m);
    if (m.channelType === ChannelType.Person) {
      for (const viewer of new Set([m.fromUid, peerOf(m.channelId, m.fromUid)])) {
        this.router.pushToUser(viewer, renderPush(EventName.MessageUpdated, await render(viewer)), { about });
      }
    } else if (m.channelType === ChannelType.SuperGroup) {
      this.router.pushToSuperGroup(m.channelId, renderPush(EventName.MessageUpdated, await render(m.fromUid)), { about });
    } else if (m.channelType === ChannelType.Group) {
      const frame = renderPush(EventName.MessageUpdated, await render(m.fromUid));
      for (const member of await this.storage.channels.members(m)) this.router.pushToUser(member.uid, frame, { about });
    } else this.router.pushToUser(m.channelId, renderPush(EventName.MessageUpdated, await render(m.channelId)), { about });
    return render(actor);
  }
}

import {
  type Conversation,
  type ConversationRef,
  type DeleteParams,
  type DeleteResult,
  EventName,
  type LabelsResult,
  type ListParams,
  type ListResult,
  type Message,
  ParleyError,
  type SyncResult,
} from '@parley/protocol';
import type { Limits } from '../../config.js';
import {
  type ChannelKey,
  type ConversationPatch,
  type ConversationRow,
  type ExpiryFloor,
  MUTED_FOREVER,
  NO_FLOOR,
  type Storage,
  type StoredMessage,
  type SyncClock,
} from '../../ports/storage/index.js';
import { pushFrameOf, renderPush } from '../delivery/push-frame.js';
import type { DeliveryRouter } from '../delivery/router.js';
import { MessageReader } from '../messages/message-reader.js';
import { MessageExpiry } from '../retention/expiry.js';
import { conversationDeleted } from '../webhooks/conversation-events.js';
import type { WebhookEvents } from '../webhooks/webhook-events.js';
import { type AnyConversationRef, type ConversationKey, requireAccess } from './conversation-access.js';
import {
  afterExpiry,
  byListOrder,
  type ConversationState,
  fromRow,
  fromSuperGroup,
  isMutedAt,
  showsLastMessage,
  unreadOf,
} from './conversation-state.js';
import { renderConversationJson, toConversation } from './conversation-view.js';
import { decodeCursor, decodePinCursor, decodeSyncToken, encodeCursor, encodePinCursor, encodeSyncToken } from './tokens.js';
import { exactUnread, unreadTotals } from './unread-total.js';

const DEFAULT_SYNC_LIMIT = 200;
const DEFAULT_LIST_LIMIT = 100;

/** NIM passes its flags as 0 or 1; absent is the default. */
const flag = (value: boolean | 0 | 1 | undefined, byDefault: boolean): boolean =>
  value === undefined ? byDefault : value === true || value === 1;

/** The store's clock as a sync token holds it. */
const toSyncClock = (c: SyncClock) => ({ version: c.version, clock: c.superGroupClock, epoch: c.epoch });

type SeqRef = ChannelKey & { seq: number };
const seqKey = (channelType: number, channelId: string, seq: number): string => `${channelType}|${channelId}|${seq}`;

/**
 * The server-side conversation list (docs/protocol.md, Conversations): every user's conversations, paged newest first,
 * synced by version, changed by the owner from any device and pushed to all of them.
 */
export class ConversationService {
  constructor(
    private readonly storage: Storage,
    private readonly router: DeliveryRouter,
    private readonly limits: Limits,
    private readonly clock: () => number = Date.now,
    /** Retention: what has expired is read and cleared in every conversation shown (see afterExpiry). */
    private readonly expiry = new MessageExpiry(storage, 0, clock),
    /** Webhooks: `conversation.deleted`, written with the delete. */
    private readonly webhooks?: WebhookEvents,
  ) {
    this.reader = new MessageReader(storage);
  }

  private readonly reader: MessageReader;

  async list(uid: string, params: ListParams): Promise<ListResult> {
    const limit = params.pageSize ?? params.limit ?? DEFAULT_LIST_LIMIT;
    const after = params.cursor ? decodeCursor(params.cursor) : undefined;
    // Taken before reading, so that a sync from it catches whatever changes while the client pages.
    const syncToken = after ? null : encodeSyncToken(await this.syncClock(uid));
    const window = { after, minTs: params.minTimestamp, maxTs: params.maxTimestamp };
    const archived = params.archived ?? false;
    const label = params.label;
    const needLastMsg = flag(params.needLastMsg, true);
    const query = { ...window, archived, label, limit: limit + 1 };
    // Side by side, after the clock: one round trip on a networked store, last messages included.
    const [read, superGroups] = await Promise.all([
      needLastMsg
        ? this.storage.conversations.pageWithLastMessages(uid, query)
        : this.storage.conversations.page(uid, query).then((rows) => ({ rows, lastMessages: [] })),
      this.superGroupStates(uid),
    ]);
    const small = read.rows.map(fromRow);
    const large = superGroups.filter(
      (s) => s.listed && s.archived === archived && (label === undefined || s.labels.includes(label)) && inWindow(s, window),
    );
    const merged = [...small, ...large].sort(byListOrder);
    const page = merged.slice(0, limit);
    const hasMore = merged.length > limit;
    const last = page[page.length - 1];
    return {
      conversations: await this.render(uid, page, needLastMsg, params.msgCount ?? 0, read.lastMessages),
      hasMore,
      cursor: hasMore && last ? encodeCursor({ sortTs: last.updateTime, conversationId: last.conversationId }) : null,
      syncToken,
    };
  }

  /**
   * Pinned conversations, newest pin first (ties by conversationId), paged like the list with its
   * own keyset cursor. A conversation pinned while a client pages goes to the top, so it is never
   * met twice; one unpinned meanwhile is simply gone. At most maxPinned exist, so reading them all
   * to cut a page is cheap; only the page is rendered.
   */
  async listPinned(uid: string, params: ListParams): Promise<ListResult> {
    const limit = params.pageSize ?? params.limit ?? DEFAULT_LIST_LIMIT;
    const after = params.cursor ? decodePinCursor(params.cursor) : undefined;
    const states = (await this.pinnedStates(uid)).filter(
      (s) => !after || s.pinnedAt < after.pinnedAt || (s.pinnedAt === after.pinnedAt && s.conversationId > after.conversationId),
    );
    const page = states.slice(0, limit);
    const hasMore = states.length > limit;
    const last = page[page.length - 1];
    return {
      conversations: await this.render(uid, page, flag(params.needLastMsg, true), params.msgCount ?? 0),
      hasMore,
      cursor: hasMore && last ? encodePinCursor({ pinnedAt: last.pinnedAt, conversationId: last.conversationId }) : null,
      syncToken: null,
    };
  }

  async get(uid: string, ref: ConversationRef): Promise<Conversation> {
    const key = await requireAccess(this.storage, uid, ref);
    const state = await this.state(uid, key);
    if (!state?.listed) throw new ParleyError('conversation.not_found', `No conversation ${key.conversationId}`);
    return (await this.render(uid, [state], true, 0))[0] as Conversation;
  }

  async updateExt(uid: string, ref: ConversationRef, ext: string): Promise<Conversation> {
    if (Buffer.byteLength(ext) > this.limits.extMaxBytes) {
      throw new ParleyError('conversation.ext_too_large', `ext is larger than ${this.limits.extMaxBytes} bytes`);
    }
    const key = await requireAccess(this.storage, uid, ref);
    const current = await this.state(uid, key);
    if (current?.listed && current.ext === ext) return (await this.render(uid, [current], true, 0))[0] as Conversation;
    return this.change(uid, key, { ext, sortTsIfEmpty: this.clock() });
  }

  /** `ref` may be Easemob's bare id with conversationType (see normaliseRef). */
  async pin(uid: string, ref: AnyConversationRef, isPinned: boolean): Promise<Conversation> {
    const key = await requireAccess(this.storage, uid, ref);
    const current = await this.state(uid, key);
    if (!current?.listed) throw new ParleyError('conversation.not_found', `No conversation ${key.conversationId}`);
    // Pinning a pinned conversation (or unpinning an unpinned one) changes nothing.
    if (current.pinnedAt > 0 === isPinned) return (await this.render(uid, [current], true, 0))[0] as Conversation;
    if (isPinned && (await this.pinnedStates(uid)).length >= this.limits.maxPinned) {
      throw new ParleyError('conversation.pin_limit', `At most ${this.limits.maxPinned} conversations can be pinned`);
    }
    const conversation = await this.change(uid, key, { pinnedAt: isPinned ? this.clock() : 0 });
    const event = isPinned ? EventName.PinnedConversation : EventName.UnpinnedConversation;
    this.router.pushToUser(uid, renderPush(event, { conversationId: key.conversationId }));
    return conversation;
  }

  /**
   * Mutes until `until` (ms; absent: no end) or unmutes. Unread still counts (totalUnread gives the
   * unmuted part apart); a timed mute ends by itself, read against the clock. A conversation not yet
   * listed can be muted (a group before its first message): that does not list it.
   */
  async mute(uid: string, ref: ConversationRef, muted: boolean, until?: number): Promise<Conversation> {
    if (!muted && until !== undefined) throw new ParleyError('request.invalid', 'until goes with muted: true');
    if (until !== undefined && until <= this.clock()) throw new ParleyError('request.invalid', 'until is not in the future');
    const key = await requireAccess(this.storage, uid, ref);
    return this.change(uid, key, { mutedUntil: muted ? (until ?? MUTED_FOREVER) : 0 });
  }

  /** Archives (out of the default list until a new message, unless muted) or unarchives a listed conversation. */
  async archive(uid: string, ref: ConversationRef, archived: boolean): Promise<Conversation> {
    const key = await requireAccess(this.storage, uid, ref);
    const current = await this.state(uid, key);
    if (!current?.listed) throw new ParleyError('conversation.not_found', `No conversation ${key.conversationId}`);
    return this.change(uid, key, { archive: { archived, seq: current.lastSeq } });
  }

  /** Adds then removes labels on a listed conversation; no cap on how many a user or a conversation has. */
  async updateLabels(
    uid: string,
    ref: ConversationRef,
    add: readonly string[] = [],
    remove: readonly string[] = [],
  ): Promise<Conversation> {
    const key = await requireAccess(this.storage, uid, ref);
    const current = await this.state(uid, key);
    if (!current?.listed) throw new ParleyError('conversation.not_found', `No conversation ${key.conversationId}`);
    return this.change(uid, key, { labels: { add, remove } });
  }

  /**
   * Sets the draft (an empty text clears it). A draft alone lists the conversation, as ext does;
   * the owner's next message there clears it (in the commit).
   */
  async updateDraft(uid: string, ref: ConversationRef, text: string, ext = ''): Promise<Conversation> {
    if (Buffer.byteLength(ext) > this.limits.extMaxBytes) {
      throw new ParleyError('conversation.ext_too_large', `ext is larger than ${this.limits.extMaxBytes} bytes`);
    }
    const key = await requireAccess(this.storage, uid, ref);
    const now = this.clock();
    return this.change(uid, key, text === '' ? { draft: { text, ext: '', at: 0 } } : { draft: { text, ext, at: now }, sortTsIfEmpty: now });
  }

  /**
   * Every label of the user with its listed conversations' count and unread, exact: computed at
   * read time from the same states the list shows (so messages, reads, deletes, revokes, expiry and
   * leaving a super group are all in it), over the user's labelled conversations only.
   */
  async listLabels(uid: string): Promise<LabelsResult> {
    const now = this.clock();
    const [rows, superGroups] = await Promise.all([this.storage.conversations.labelled(uid), this.superGroupStates(uid)]);
    const superById = new Map(superGroups.map((s) => [s.conversationId, s]));
    const states = rows
      .map((r) => (r.channelType === 3 ? superById.get(r.conversationId) : fromRow(r)))
      .filter((s): s is ConversationState => s?.listed === true);
    const exact = await Promise.all((await this.withExpiry(states)).map((s) => (s.mayHide ? this.exact(uid, s) : plainExact(s))));
    const sums = new Map<string, { conversationCount: number; unreadCount: number; unmutedUnreadCount: number }>();
    // A label whose every conversation is deleted (hidden) is still the user's: listed with zeros.
    for (const r of rows) for (const label of r.labels) sums.set(label, { conversationCount: 0, unreadCount: 0, unmutedUnreadCount: 0 });
    for (const e of exact) {
      const muted = isMutedAt(e.state, now);
      for (const label of e.state.labels) {
        const sum = sums.get(label);
        if (!sum) continue;
        sum.conversationCount++;
        sum.unreadCount += e.unread;
        if (!muted) sum.unmutedUnreadCount += e.unread;
      }
    }
    // A label whose every conversation is deleted (hidden) is still the user's: listed with zeros.
    for (const r of rows)
      for (const label of r.labels) if (!sums.has(label)) sums.set(label, { conversationCount: 0, unreadCount: 0, unmutedUnreadCount: 0 });
    return {
      labels: [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, sum]) => ({ label, ...sum })),
    };
  }

  /** Reads up to `seq` (default: the last message); a position behind the current one is ignored. */
  async markRead(uid: string, ref: ConversationRef, seq?: number): Promise<Conversation> {
    const key = await requireAccess(this.storage, uid, ref);
    const stored = await this.state(uid, key);
    if (!stored?.listed) throw new ParleyError('conversation.not_found', `No conversation ${key.conversationId}`);
    // Expired messages are read already: a position at or below them changes nothing.
    const [state] = (await this.withExpiry([stored])) as [ConversationState];
    const target = Math.min(seq ?? state.lastSeq, state.lastSeq);
    if (target <= state.readSeq) return (await this.render(uid, [state], true, 0))[0] as Conversation;
    const ord = target === state.lastSeq ? state.lastOrd : await this.storage.messages.ordinalAt(key, target);
    return this.change(uid, key, { read: { seq: target, ord } });
  }

  /**
   * Hides each conversation until a newer message; with deleteRoam also clears history up to now.
   * NIM names a list of ids, Easemob one `channel` with its chatType: exactly one of the two.
   * Each result carries the conversation's id (`p2p|bob`) once it is known.
   */
  async delete(uid: string, params: DeleteParams): Promise<DeleteResult> {
    const { conversationIds, channel, chatType } = params;
    const deleteRoam = params.deleteRoam ?? false;
    if ((conversationIds === undefined) === (channel === undefined))
      throw new ParleyError('request.invalid', 'Give either conversationIds or channel (with chatType), not both');
    if (chatType !== undefined && channel === undefined) throw new ParleyError('request.invalid', 'chatType goes with channel');
    const targets: Array<{ name: string; ref: AnyConversationRef }> =
      channel !== undefined
        ? [{ name: channel, ref: { targetId: channel, chatType } }]
        : (conversationIds ?? []).map((conversationId) => ({ name: conversationId, ref: { conversationId } }));
    const results: DeleteResult['results'] = [];
    for (const target of targets) {
      let conversationId = target.name;
      try {
        const key = await requireAccess(this.storage, uid, target.ref);
        conversationId = key.conversationId;
        const state = await this.state(uid, key);
        if (!state?.listed) throw new ParleyError('conversation.not_found', `No conversation ${conversationId}`);
        const patch: ConversationPatch = { hiddenSeq: state.lastSeq, pinnedAt: 0, read: { seq: state.lastSeq, ord: state.lastOrd } };
        if (deleteRoam) patch.clearSeq = state.lastSeq;
        const { row } = await this.storage.conversations.update(
          uid,
          key,
          patch,
          this.webhooks && conversationDeleted(this.webhooks, uid, key, deleteRoam),
        );
        this.router.pushToUser(uid, renderPush(EventName.ConversationDeleted, { conversationId, version: row.version }));
        results.push({ conversationId, ok: true, version: row.version });
      } catch (err) {
        if (!(err instanceof ParleyError)) throw err;
        results.push({ conversationId, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    const deleted = results.filter((r) => r.ok).map((r) => r.conversationId);
    if (deleted.length) this.router.pushToUser(uid, renderPush(EventName.DeleteRoaming, { conversationIds: deleted, deleteRoam }));
    return { results };
  }

  /**
   * Changes since a token: every row whose version moved (tombstones for hidden ones), and the
   * super groups whose channel moved on the super-group clock. `reset` when the token belongs to
   * another epoch or to a future this database never reached (a restore).
   */
  async sync(uid: string, since: string | undefined, limit = DEFAULT_SYNC_LIMIT): Promise<SyncResult> {
    if (since === undefined) {
      const clock = await this.syncClock(uid);
      return { changes: [], syncToken: encodeSyncToken(clock), version: clock.version, hasMore: false, reset: true };
    }
    const from = decodeSyncToken(since);
    // The rows come with the clock they were read at (one round trip), and are dropped on a reset.
    const read = await this.storage.conversations.changesWithClock(uid, from.version, limit + 1);
    const clock = toSyncClock(read.clock);
    const current = encodeSyncToken(clock);
    if (from.epoch !== clock.epoch || from.version > clock.version || from.clock > clock.clock) {
      return { changes: [], syncToken: current, version: clock.version, hasMore: false, reset: true };
    }
    const rows = read.rows;
    const hasMore = rows.length > limit;
    const changedRows = rows.slice(0, limit);
    const states = new Map<string, ConversationState>();
    const views =
      changedRows.some((r) => r.channelType === 3) || (!hasMore && from.clock < clock.clock)
        ? await this.storage.conversations.superGroups(uid)
        : [];
    const now = this.clock();
    const superGroupById = new Map(views.map((v) => [`super_team|${v.channel.channelId}`, fromSuperGroup(v, now)]));
    for (const row of changedRows) {
      const state = row.channelType === 3 ? superGroupById.get(row.conversationId) : fromRow(row);
      states.set(row.conversationId, state ?? { ...fromRow(row), listed: false });
    }
    if (!hasMore) {
      // Super-group messages raise no member's version: the channel's clock says which moved.
      for (const v of views) {
        if (v.channel.superGroupClock <= from.clock) continue;
        const id = `super_team|${v.channel.channelId}`;
        states.set(id, superGroupById.get(id) as ConversationState);
      }
    }
    const visible = [...states.values()].filter((s) => s.listed);
    const rendered = new Map((await this.render(uid, visible, true, 0, read.lastMessages)).map((c) => [c.conversationId, c]));
    const changes: SyncResult['changes'] = [...states.values()].map(
      (s) => rendered.get(s.conversationId) ?? { conversationId: s.conversationId, deleted: true as const, version: s.version },
    );
    const last = changedRows[changedRows.length - 1];
    const version = hasMore && last ? last.version : clock.version;
    const syncToken = hasMore ? encodeSyncToken({ ...clock, version, clock: from.clock }) : current;
    return { changes, syncToken, version, hasMore, reset: false };
  }

  /** The sum of unread over every conversation: one aggregate for fan-out rows, plus the super groups. */
  async totalUnread(uid: string): Promise<number> {
    return (await this.unreadTotals(uid)).totalUnread;
  }

  /** totalUnread, and its part in conversations not muted now. */
  async unreadTotals(uid: string): Promise<{ totalUnread: number; unmutedUnread: number }> {
    return unreadTotals(this.storage, this.expiry, uid, this.clock());
  }

  /**
   * After a commit: `conversation.updated` to every device of each owner whose row the message
   * changed, the sender's included. Rows are the batch's final state, shared by the batch's
   * messages to that channel, so only the channel's last message of the batch pushes them.
   * `expired` is the channel's expiry floor as the send found it (retention), so that unread does
   * not count messages that expired while their reader was away.
   */
  publishCommitted(
    rows: readonly ConversationRow[],
    messageSeq: number,
    renderLastMsg: (viewerUid: string) => string,
    expired: ExpiryFloor = NO_FLOOR,
  ): void {
    for (const [uid, frame] of this.committedFrames(rows, messageSeq, renderLastMsg, expired)) this.router.pushToUser(uid, frame);
  }

  /**
   * The `conversation.updated` frame of each owner `publishCommitted` would push, for the caller to
   * publish (a group's ride with its message, once per node). Rows that need an exact recount are
   * pushed here, the general (async) way, and are not in the answer.
   */
  committedFrames(
    rows: readonly ConversationRow[],
    messageSeq: number,
    renderLastMsg: (viewerUid: string) => string,
    expired: ExpiryFloor = NO_FLOOR,
  ): Map<string, string> {
    const frames = new Map<string, string>();
    for (const row of rows) {
      if (row.lastSeq !== messageSeq) continue;
      const state = afterExpiry(fromRow(row), expired);
      if (state.mayHide) {
        // Rare: unread needs an exact recount, so this one goes the general (async) way.
        void this.pushUpdated(row.uid, state).catch(() => {});
        continue;
      }
      const lastMsg = showsLastMessage(state) ? renderLastMsg(row.uid) : 'null';
      const conversation = renderConversationJson(state, row.uid, unreadOf(state), lastMsg, this.clock());
      frames.set(row.uid, pushFrameOf(EventName.ConversationUpdated, `{"conversation":${conversation},"version":${row.version}}`));
    }
    return frames;
  }

  /** Pushes the conversation's current state (however it is kept) to every device of its owner. */
  async pushCurrent(uid: string, key: ConversationKey): Promise<void> {
    const state = await this.state(uid, key);
    if (state?.listed) await this.pushUpdated(uid, state);
  }

  /** Pushes `conversation.updated` for a changed conversation to every device of its owner. */
  async pushUpdated(uid: string, state: ConversationState): Promise<Conversation> {
    const conversation = (await this.render(uid, [state], true, 0))[0] as Conversation;
    this.router.pushToUser(uid, renderPush(EventName.ConversationUpdated, { conversation, version: state.version }));
    return conversation;
  }

  private async change(uid: string, key: ConversationKey, patch: ConversationPatch): Promise<Conversation> {
    const { row, changed } = await this.storage.conversations.update(uid, key, patch);
    const state = row.channelType === 3 ? await this.state(uid, key) : fromRow(row);
    const conversation = (await this.render(uid, [state ?? fromRow(row)], true, 0))[0] as Conversation;
    // A change to a conversation not in the list (a mute before the first message) is not pushed:
    // devices learn of it with the conversation, which carries it.
    if (changed && (state ?? fromRow(row)).listed)
      this.router.pushToUser(uid, renderPush(EventName.ConversationUpdated, { conversation, version: row.version }));
    return conversation;
  }

  /** Pinned conversations that are listed (a deleted or left one does not hold a pin), newest pin first. */
  private async pinnedStates(uid: string): Promise<ConversationState[]> {
    const rows = await this.storage.conversations.pinned(uid);
    const superGroups = new Map((await this.superGroupStates(uid)).map((s) => [s.conversationId, s]));
    return rows
      .map((r) => (r.channelType === 3 ? superGroups.get(r.conversationId) : fromRow(r)))
      .filter((s): s is ConversationState => s?.listed === true)
      .sort((a, b) => b.pinnedAt - a.pinnedAt || (a.conversationId < b.conversationId ? -1 : 1));
  }

  private async state(uid: string, key: ConversationKey): Promise<ConversationState | undefined> {
    if (key.channelType === 3) return (await this.superGroupStates(uid)).find((s) => s.conversationId === key.conversationId);
    const row = await this.storage.conversations.get(uid, key.conversationId);
    return row && fromRow(row);
  }

  private async superGroupStates(uid: string): Promise<ConversationState[]> {
    const now = this.clock();
    return (await this.storage.conversations.superGroups(uid)).map((v) => fromSuperGroup(v, now));
  }

  private async syncClock(uid: string) {
    return toSyncClock(await this.storage.conversations.clock(uid));
  }

  /** The states as retention leaves them (see afterExpiry), their channels' floors read at once. */
  private async withExpiry(states: readonly ConversationState[]): Promise<ConversationState[]> {
    const floorOf = await this.expiry.floors(states);
    return states.map((s) => afterExpiry(s, floorOf(s)));
  }

  /** Wire conversations, fetching last messages and recents in as few reads as the store allows. */
  private async render(
    uid: string,
    states: readonly ConversationState[],
    needLastMsg: boolean,
    msgCount: number,
    known: readonly StoredMessage[] = [],
  ): Promise<Conversation[]> {
    // Only a conversation where revokes or deletions may hide messages needs a read to be exact.
    const exact = await Promise.all((await this.withExpiry(states)).map((s) => (s.mayHide ? this.exact(uid, s) : plainExact(s))));
    // Without needLastMsg the last message is still read where a revoke may have touched it (mayHide):
    // lastMsgType and revokeNotification come from it.
    const refs = exact
      .filter((e) => e.shownSeq > 0 && (needLastMsg || e.state.mayHide))
      .map((e) => ({ channelType: e.state.channelType, channelId: e.state.channelId, seq: e.shownSeq }));
    const stored = await this.messagesAt(refs, known);
    const wire = await this.reader.render(uid, stored);
    const lastMessages = new Map(stored.map((m, i) => [seqKey(m.channelType, m.channelId, m.messageSeq), wire[i] as Message]));
    const lastMsgOf = (e: Exact) => lastMessages.get(seqKey(e.state.channelType, e.state.channelId, e.shownSeq)) ?? null;
    const now = this.clock();
    if (msgCount <= 0) return exact.map((e) => toConversation(e.state, uid, e.unread, lastMsgOf(e), now, undefined, needLastMsg));
    return Promise.all(
      exact.map(async (e) =>
        toConversation(e.state, uid, e.unread, lastMsgOf(e), now, await this.recents(uid, e.state, msgCount), needLastMsg),
      ),
    );
  }

  /** The messages at `refs`: those already read with the rows (`known`), and the rest in one read. */
  private async messagesAt(refs: readonly SeqRef[], known: readonly StoredMessage[]): Promise<StoredMessage[]> {
    if (!known.length) return this.storage.messages.bySeqs(refs);
    const byKey = new Map(known.map((m) => [seqKey(m.channelType, m.channelId, m.messageSeq), m]));
    const found: StoredMessage[] = [];
    const missing: SeqRef[] = [];
    for (const r of refs) {
      const m = byKey.get(seqKey(r.channelType, r.channelId, r.seq));
      if (m) found.push(m);
      else missing.push(r);
    }
    return missing.length ? [...found, ...(await this.storage.messages.bySeqs(missing))] : found;
  }

  /**
   * Unread and the message to show, exactly: where revokes or the owner's own deletions may hide
   * messages (rare), they are counted out and the newest message still visible is shown.
   */
  private async exact(uid: string, state: ConversationState): Promise<Exact> {
    let { unread, shownSeq } = plainExact(state);
    if (state.mayHide) {
      unread = await exactUnread(this.storage, uid, state);
      if (shownSeq) shownSeq = await this.storage.messageState.lastVisibleSeq(uid, state, state.clearSeq, state.lastSeq);
    }
    return { state, unread, shownSeq };
  }

  private async recents(uid: string, s: ConversationState, count: number): Promise<Message[]> {
    if (!showsLastMessage(s)) return [];
    const from = Math.max(s.clearSeq + 1, s.lastSeq - count + 1);
    const key = { channelType: s.channelType, channelId: s.channelId };
    const deleted = s.mayHide ? await this.storage.messageState.deletedSeqs(uid, key, from, s.lastSeq) : new Set<number>();
    const stored = (await this.storage.messages.range(key, from, s.lastSeq)).filter((m) => !deleted.has(m.messageSeq));
    return this.reader.render(uid, stored);
  }
}

interface Exact {
  state: ConversationState;
  unread: number;
  shownSeq: number;
}

/** Unread and the message to show where nothing can hide a message: straight from the row. */
const plainExact = (state: ConversationState): Exact => ({
  state,
  unread: unreadOf(state),
  shownSeq: showsLastMessage(state) ? state.lastSeq : 0,
});

const inWindow = (
  s: ConversationState,
  w: { after?: { sortTs: number; conversationId: string }; minTs?: number; maxTs?: number },
): boolean =>
  (!w.after || s.updateTime < w.after.sortTs || (s.updateTime === w.after.sortTs && s.conversationId > w.after.conversationId)) &&
  (w.minTs === undefined || s.updateTime > w.minTs) &&
  (w.maxTs === undefined || s.updateTime < w.maxTs);

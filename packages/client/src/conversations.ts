import type { Conversation, DeleteResult, LabelsResult, ListResult, Message, SyncResult } from '@parley/protocol';
import type { Connection } from './connection.js';
import { KeyedListeners } from './listeners.js';
import { currentConversation, emptyConversation } from './message-state.js';
import { type ClientStore, channelKeyOfConversation, conversationIdOf } from './store.js';

type Ref = { conversationId: string };

/** Muted at `now`: `isMuted` as the server last said, unless its `mutedUntil` has passed since. */
export const isMuted = (c: Conversation, now = Date.now()): boolean =>
  c.isMuted === true && (c.mutedUntil === null || c.mutedUntil === undefined || c.mutedUntil > now);

const byListOrder = (a: Conversation, b: Conversation) =>
  b.updateTime - a.updateTime || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);

/**
 * The user's conversation list, kept in step with the server: loaded by pages once, then changed by
 * live events applied in version order and synced from the stored token after every (re)connect, so a
 * persistent store starts from what it holds and fetches only what changed. A version gap triggers a
 * sync, a reset from the server a reload; tombstones remove.
 */
export class Conversations {
  /** NIM `onMySessionUpdate`: a conversation changed (or appeared). */
  readonly onConversationUpdate = new KeyedListeners<[Conversation]>();
  readonly onConversationDelete = new KeyedListeners<[string]>();
  /** Easemob's multi-device events: `multiDevice.pinnedConversation`, `unpinnedConversation`, `deleteRoaming`. */
  readonly onMultiDevice = new KeyedListeners<[string, unknown]>();
  private syncing: Promise<void> | undefined;
  /**
   * Every change to the list (a sync, a live event, an answer) runs after the one before: a store that
   * writes slowly (a file, IndexedDB) would otherwise let an older state land after a newer one.
   */
  private changes: Promise<void> = Promise.resolve();
  /** Load everything again on the next sync (the app asked, or the server said the token is too old). */
  private reload = false;
  /**
   * The version this client applied. Kept here, not only in the store: two tabs of one user share a
   * persistent store, and each must still hand every change to its own listeners.
   */
  private applied: number | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly store: ClientStore,
    private readonly uid: () => string,
  ) {}

  /** The main list (archived ones left out), newest first, as the server orders them. */
  async list(): Promise<Conversation[]> {
    return (await this.all()).filter((c) => !c.isArchived);
  }

  /** The archived conversations, newest first. */
  async archived(): Promise<Conversation[]> {
    return (await this.all()).filter((c) => c.isArchived);
  }

  /** The conversations with `label` (archived ones too), newest first. */
  async withLabel(label: string): Promise<Conversation[]> {
    return (await this.all()).filter((c) => (c.labels ?? []).includes(label));
  }

  /** Every conversation held, archived or not, newest first. */
  async all(): Promise<Conversation[]> {
    return (await this.store.conversations()).sort(byListOrder);
  }

  async pinned(): Promise<Conversation[]> {
    return (await this.list()).filter((c) => c.isPinned).sort((a, b) => b.pinnedTime - a.pinnedTime);
  }

  async totalUnread(): Promise<number> {
    return (await this.store.conversations()).reduce((sum, c) => sum + c.unreadCount, 0);
  }

  /** Unread outside the conversations muted now (a timed mute ends by itself: read against the clock). */
  async unmutedUnread(now = Date.now()): Promise<number> {
    return (await this.store.conversations()).filter((c) => !isMuted(c, now)).reduce((sum, c) => sum + c.unreadCount, 0);
  }

  /** Every conversation again, page by page, then a sync from the first page's token to catch what moved meanwhile. */
  load(): Promise<void> {
    this.reload = true;
    return this.sync();
  }

  /**
   * Changes since the stored token; everything, page by page, when the store holds no list yet or the
   * server says the token is too old. One at a time: a call while one runs waits for it.
   */
  sync(): Promise<void> {
    this.syncing ??= this.oneAtATime(() => this.runSync()).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private oneAtATime<T>(change: () => Promise<T>): Promise<T> {
    const done = this.changes.then(change);
    this.changes = done.then(
      () => {},
      () => {},
    );
    return done;
  }

  private async runSync(): Promise<void> {
    for (;;) {
      const { token } = await this.store.syncState();
      if (token === undefined || this.reload) {
        // Every server gives a token with the first page; without one, there is nothing to sync from.
        if (!(await this.loadPages())) return;
        continue;
      }
      const result: SyncResult = await this.connection.request('conversation.sync', { since: token });
      if (result.reset) {
        this.reload = true;
        continue;
      }
      for (const change of result.changes) {
        if ('deleted' in change) await this.removed(change.conversationId);
        else await this.upsert(change);
      }
      await this.store.setSyncState({ token: result.syncToken, version: result.version });
      this.applied = result.version;
      if (!result.hasMore) return;
    }
  }

  /** Replaces the stored list with the server's; false when the server gave no sync token. */
  private async loadPages(pageSize = 100): Promise<boolean> {
    let cursor: string | undefined;
    let token: string | undefined;
    const pages: Conversation[] = [];
    // The main list, then the archived one: the token of the first page covers both (taken before either).
    for (const archived of [false, true]) {
      do {
        const page: ListResult = await this.connection.request('conversation.list', {
          limit: pageSize,
          ...(archived && { archived }),
          ...(cursor && { cursor }),
        });
        token ??= page.syncToken ?? undefined;
        pages.push(...page.conversations);
        cursor = page.cursor ?? undefined;
      } while (cursor);
    }
    // Replaced only once every page is in: a reader meanwhile sees the old list, not half of the new one.
    // Replacing a list the app may show (from the cache, or before the server's reset) tells its listeners.
    const before = new Map((await this.store.conversations()).map((c) => [c.conversationId, c]));
    const fresh = new Set(pages.map((c) => c.conversationId));
    for (const id of before.keys()) if (!fresh.has(id)) await this.removed(id);
    for (const c of pages.map(currentConversation)) {
      const old = before.get(c.conversationId);
      if (old && JSON.stringify(old) === JSON.stringify(c)) continue;
      if (before.size) await this.upsert(c);
      else await this.store.putConversation(c);
    }
    this.reload = false;
    if (token === undefined) return false;
    await this.store.setSyncState({ token, version: 0 });
    this.applied = 0;
    return true;
  }

  /** Live events, applied only in version order: an old one is ignored, a gap means something was missed. */
  async handlePush(event: string, data: unknown): Promise<void> {
    if (event.startsWith('multiDevice.')) this.onMultiDevice.emit(event, data);
    if (event === 'conversation.updated' || event === 'conversation.deleted') return this.oneAtATime(() => this.applyEvent(event, data));
    if (event === 'message.new') return this.oneAtATime(() => this.applySuperGroupMessage(data as Message));
    if (event === 'message.updated') return this.oneAtATime(() => this.applyLastMessageChange(data as Message));
  }

  private async applyEvent(event: string, data: unknown): Promise<void> {
    const current = this.applied ?? (await this.store.syncState()).version;
    const version = (data as { version: number }).version;
    if (version <= current) return;
    // Already one at a time: the sync runs here, not queued behind this event.
    if (version !== current + 1) return this.runSync();
    if (event === 'conversation.updated') await this.upsert((data as { conversation: Conversation }).conversation);
    else await this.removed((data as { conversationId: string }).conversationId);
    await this.advanceTo(version);
  }

  /** The change at `version` is applied: the next live one must be `version + 1`. */
  private async advanceTo(version: number): Promise<void> {
    this.applied = version;
    const state = await this.store.syncState();
    await this.store.setSyncState({ token: state.token as string, version });
  }

  /**
   * Super-group messages raise no per-member version (the server writes nothing per member), so the
   * list moves here: the conversation takes the message, and counts it unread if it is someone else's.
   */
  private async applySuperGroupMessage(m: Message): Promise<void> {
    if (m.channelType !== 3) return;
    const id = `super_team|${m.channelId}`;
    const current = (await this.store.conversations()).find((c) => c.conversationId === id);
    const own = m.fromUid === this.uid();
    const counts = !own && m.header.redDot;
    const mentioned = !own && (m.mentions?.all === true || (m.mentions?.uids ?? []).includes(this.uid()));
    const base = current ?? emptyConversation(id, m);
    const next: Conversation = {
      ...base,
      // As the server: a new message brings it back from the archive unless muted; one's own message clears one's draft.
      isArchived: base.isArchived && isMuted(base, m.timestamp),
      draft: own ? null : base.draft,
      lastMsg: m,
      lastMsgSeq: m.messageSeq,
      updateTime: m.timestamp,
      unreadCount: own ? 0 : (current?.unreadCount ?? 0) + (counts ? 1 : 0),
      readSeq: own ? m.messageSeq : (current?.readSeq ?? 0),
      mentionedMe: own ? false : (current?.mentionedMe ?? false) || mentioned,
    } as Conversation;
    await this.upsert(next);
  }

  /**
   * An edit, reaction or receipt of a conversation's last message changes its preview; the server
   * raises no version for it (revokes come as conversation.updated), so the list takes it here.
   */
  private async applyLastMessageChange(m: Message): Promise<void> {
    const id = conversationIdOf(m);
    const current = (await this.store.conversations()).find((c) => c.conversationId === id);
    if (current?.lastMsg?.messageId === m.messageId) await this.upsert({ ...current, lastMsg: m });
  }

  /** @internal A message's state changed with no `message.updated` (a stream's chunk): a preview of it follows. */
  async messageChanged(m: Message): Promise<void> {
    return this.oneAtATime(() => this.applyLastMessageChange(m));
  }

  private async upsert(conversation: Conversation): Promise<void> {
    const current = currentConversation(conversation);
    await this.store.putConversation(current);
    this.onConversationUpdate.emit(current);
  }

  /** Gone from the list (here, on another device, or by the server): its cached history goes too. */
  private async removed(conversationId: string): Promise<void> {
    await this.store.removeConversation(conversationId);
    await this.store.clearChannel(channelKeyOfConversation(conversationId));
    this.onConversationDelete.emit(conversationId);
  }

  // The conversation operations of docs/protocol.md; each answer is applied at once (the push that follows is then a no-op).

  async get(conversationId: string): Promise<Conversation> {
    return currentConversation(await this.connection.request('conversation.get', { conversationId }));
  }

  async markRead(ref: Ref, seq?: number): Promise<Conversation> {
    return this.answered(await this.connection.request('conversation.markRead', { ...ref, ...(seq !== undefined && { seq }) }));
  }

  async pin(ref: Ref, isPinned: boolean): Promise<Conversation> {
    return this.answered(await this.connection.request('conversation.pin', { ...ref, isPinned }));
  }

  async updateExt(ref: Ref, ext: string): Promise<Conversation> {
    return this.answered(await this.connection.request('conversation.updateExt', { ...ref, ext }));
  }

  /** Mutes until `until` (ms) or with no end; `false` unmutes. Unread still counts (see unmutedUnread). */
  async mute(ref: Ref, muted: boolean, until?: number): Promise<Conversation> {
    return this.answered(await this.connection.request('conversation.mute', { ...ref, muted, ...(until !== undefined && { until }) }));
  }

  /** Archives (out of list() until a new message, unless muted) or unarchives. */
  async archive(ref: Ref, archived: boolean): Promise<Conversation> {
    return this.answered(await this.connection.request('conversation.archive', { ...ref, archived }));
  }

  /** Adds, then removes, labels (1..64 characters each). */
  async updateLabels(ref: Ref, change: { add?: string[]; remove?: string[] }): Promise<Conversation> {
    return this.answered(await this.connection.request('conversation.updateLabels', { ...ref, ...change }));
  }

  /** Saves the draft on the server (all your devices get it); an empty text clears it. Your next message there clears it too. */
  async updateDraft(ref: Ref, text: string, ext?: string): Promise<Conversation> {
    return this.answered(await this.connection.request('conversation.updateDraft', { ...ref, text, ...(ext !== undefined && { ext }) }));
  }

  /** Every label with its conversation count and unread, exact, from the server. */
  async labels(): Promise<LabelsResult['labels']> {
    return ((await this.connection.request('conversation.listLabels', {})) as LabelsResult).labels;
  }

  /** Unread over everything and outside muted conversations, from the server. */
  async unreadTotals(): Promise<{ totalUnread: number; unmutedUnread: number }> {
    return this.connection.request('conversation.totalUnread', {});
  }

  async delete(conversationIds: string[], deleteRoam = false): Promise<DeleteResult> {
    const result: DeleteResult = await this.connection.request('conversation.delete', { conversationIds, deleteRoam });
    for (const r of result.results) {
      if (!r.ok) continue;
      await this.store.removeConversation(r.conversationId);
      // Its roaming messages are gone on the server: the cached copies must not come back from the cache.
      if (deleteRoam) await this.store.clearChannel(channelKeyOfConversation(r.conversationId));
    }
    return result;
  }

  /**
   * An operation's answer: the change it made, at the version it took. Its push reaches this device
   * too, and usually first (the server writes a socket's waiting pushes ahead of an answer): then the
   * answer is already applied, or older than what is. Coming first, it is applied as that push would
   * be, so the push is then ignored: either way `onConversationUpdate` hears of the change once.
   */
  private async answered(conversation: Conversation): Promise<Conversation> {
    await this.oneAtATime(async () => {
      const applied = this.applied ?? (await this.store.syncState()).version;
      if (conversation.version <= applied) return;
      await this.upsert(conversation);
      // The next version, as its push would have been: later changes still come in order. Past a gap,
      // the push (or the next sync) fills it: the version stays.
      if (conversation.version === applied + 1) await this.advanceTo(conversation.version);
    });
    return currentConversation(conversation);
  }
}

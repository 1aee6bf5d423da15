import type { Conversation, DeleteResult, ListResult, Message, SyncResult } from '@parley/protocol';
import type { Connection } from './connection.js';
import { KeyedListeners } from './listeners.js';
import { type ClientStore, channelKeyOfConversation, conversationIdOf } from './store.js';

type Ref = { conversationId: string };

const byListOrder = (a: Conversation, b: Conversation) =>
  b.updateTime - a.updateTime || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);

/**
 * The user's conversation list, kept in step with the server: loaded by pages, then changed by
 * live events applied in version order. A version gap or a reset triggers a sync; tombstones remove.
 */
export class Conversations {
  /** NIM `onMySessionUpdate`: a conversation changed (or appeared). */
  readonly onConversationUpdate = new KeyedListeners<[Conversation]>();
  readonly onConversationDelete = new KeyedListeners<[string]>();
  /** Easemob's multi-device events: `multiDevice.pinnedConversation`, `unpinnedConversation`, `deleteRoaming`. */
  readonly onMultiDevice = new KeyedListeners<[string, unknown]>();
  private loaded = false;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly store: ClientStore,
    private readonly uid: () => string,
  ) {}

  /** Newest first, as the server orders them. */
  async list(): Promise<Conversation[]> {
    return (await this.store.conversations()).sort(byListOrder);
  }

  async pinned(): Promise<Conversation[]> {
    return (await this.list()).filter((c) => c.isPinned).sort((a, b) => b.pinnedTime - a.pinnedTime);
  }

  async totalUnread(): Promise<number> {
    return (await this.store.conversations()).reduce((sum, c) => sum + c.unreadCount, 0);
  }

  /** Every conversation, page by page, then a sync from the first page's token to catch what moved meanwhile. */
  async load(pageSize = 100): Promise<void> {
    let cursor: string | undefined;
    let token: string | undefined;
    for (const c of await this.store.conversations()) await this.store.removeConversation(c.conversationId);
    do {
      const page: ListResult = await this.connection.request('conversation.list', { limit: pageSize, ...(cursor && { cursor }) });
      token ??= page.syncToken ?? undefined;
      for (const c of page.conversations) await this.store.putConversation(c);
      cursor = page.cursor ?? undefined;
    } while (cursor);
    await this.store.setSyncState({ token: token as string, version: 0 });
    this.loaded = true;
    await this.sync();
  }

  /** Changes since the last sync; reloads everything when the server says the token is too old. */
  sync(): Promise<void> {
    if (!this.loaded) return this.load();
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    for (;;) {
      const { token } = await this.store.syncState();
      const result: SyncResult = await this.connection.request('conversation.sync', { since: token });
      if (result.reset) {
        this.loaded = false;
        return this.load();
      }
      for (const change of result.changes) {
        if ('deleted' in change) {
          await this.store.removeConversation(change.conversationId);
          this.onConversationDelete.emit(change.conversationId);
        } else await this.upsert(change);
      }
      await this.store.setSyncState({ token: result.syncToken, version: result.version });
      if (!result.hasMore) return;
    }
  }

  /** Live events, applied only in version order: an old one is ignored, a gap means something was missed. */
  async handlePush(event: string, data: unknown): Promise<void> {
    if (event === 'conversation.updated' || event === 'conversation.deleted') {
      const { version: current } = await this.store.syncState();
      const version = (data as { version: number }).version;
      if (version <= current) return;
      if (version !== current + 1) return this.sync();
      if (event === 'conversation.updated') await this.upsert((data as { conversation: Conversation }).conversation);
      else {
        const id = (data as { conversationId: string }).conversationId;
        await this.store.removeConversation(id);
        this.onConversationDelete.emit(id);
      }
      const state = await this.store.syncState();
      await this.store.setSyncState({ token: state.token as string, version });
      return;
    }
    if (event.startsWith('multiDevice.')) this.onMultiDevice.emit(event, data);
    if (event === 'message.new') await this.applySuperGroupMessage(data as Message);
    if (event === 'message.updated') await this.applyLastMessageChange(data as Message);
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
    const next: Conversation = {
      ...(current ?? {
        conversationId: id,
        channelId: m.channelId,
        channelType: 3,
        lastMsgType: 0,
        revokeNotification: null,
        ext: '',
        isPinned: false,
        pinnedTime: 0,
        unreadCount: 0,
        readSeq: 0,
        mentionedMe: false,
        version: 0,
      }),
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

  private async upsert(conversation: Conversation): Promise<void> {
    await this.store.putConversation(conversation);
    this.onConversationUpdate.emit(conversation);
  }

  // The conversation operations of docs/protocol.md; each answer is applied at once (the push that follows is then a no-op).

  async get(conversationId: string): Promise<Conversation> {
    return this.connection.request('conversation.get', { conversationId });
  }

  async markRead(ref: Ref, seq?: number): Promise<Conversation> {
    return this.applied(await this.connection.request('conversation.markRead', { ...ref, ...(seq !== undefined && { seq }) }));
  }

  async pin(ref: Ref, isPinned: boolean): Promise<Conversation> {
    return this.applied(await this.connection.request('conversation.pin', { ...ref, isPinned }));
  }

  async updateExt(ref: Ref, ext: string): Promise<Conversation> {
    return this.applied(await this.connection.request('conversation.updateExt', { ...ref, ext }));
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

  private async applied(conversation: Conversation): Promise<Conversation> {
    await this.upsert(conversation);
    return conversation;
  }
}

import type { ListResult } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import { channelKeyOfConversation } from '../store.js';
import { WKConnectionManager } from './connection-manager.js';
import { WKConnectStatus } from './const.js';
import { WKMessageManager } from './message-manager.js';
import { RECENTS_PER_CONVERSATION, RecentsCache } from './recents-cache.js';

let nextKey = 0;

/**
 * WuKongIM's `WKIM.shared` over a signed-in Parley client: `WKIM.over(client)` stands where
 * `WKIM.shared.setup(Options.newDefault(uid, token))` and `connect()` stood. On every connection it
 * loads the conversations with their newest 20 messages in one request (seed 004's offline
 * strategy); `ready` resolves once the first load is in.
 */
export class WKIM {
  readonly messageManager: WKMessageManager;
  readonly connectionManager = new WKConnectionManager();
  readonly ready: Promise<void>;
  private readonly recents = new RecentsCache();
  private readonly key = `wukongim.${++nextKey}`;
  /** Loads overlap when the connection comes back during one; only the latest is kept. */
  private loads = 0;

  private constructor(private readonly client: ParleyClient) {
    this.messageManager = new WKMessageManager(client, this.recents);
    client.onStatus.add(this.key, (status) => {
      this.connectionManager.emitClient(status);
      if (status === 'connected') void this.syncConversations();
    });
    client.conversations.onConversationUpdate.add(this.key, (c) =>
      this.messageManager.knowLastSeq(`${c.channelType}:${c.channelId}`, c.lastMsgSeq),
    );
    // History deleted here or on another device must not come back from the recents.
    client.conversations.onConversationDelete.add(this.key, (id) => this.recents.forget(channelKeyOfConversation(id)));
    client.conversations.onMultiDevice.add(this.key, (event, data) => {
      const d = data as { conversationId?: string; conversationIds?: string[] };
      if (event === 'multiDevice.deleteRoaming')
        for (const id of d.conversationIds ?? (d.conversationId ? [d.conversationId] : []))
          this.recents.forget(channelKeyOfConversation(id));
    });
    this.ready = client.status === 'connected' ? this.syncConversations() : Promise.resolve();
  }

  static over(client: ParleyClient): WKIM {
    return new WKIM(client);
  }

  /** Stops listening to the client (the client itself stays open). */
  close(): void {
    this.client.onStatus.remove(this.key);
    this.client.conversations.onConversationUpdate.remove(this.key);
    this.client.conversations.onConversationDelete.remove(this.key);
    this.client.conversations.onMultiDevice.remove(this.key);
    this.messageManager.close();
  }

  /** Every conversation with its newest messages, page by page, into the recents. */
  private async syncConversations(): Promise<void> {
    const load = ++this.loads;
    this.connectionManager.emit(WKConnectStatus.syncMsg);
    try {
      const conversations: ListResult['conversations'] = [];
      let cursor: string | null = null;
      do {
        const page: ListResult = await this.client.request('conversation.list', {
          limit: 100,
          msgCount: RECENTS_PER_CONVERSATION,
          ...(cursor ? { cursor } : {}),
        });
        conversations.push(...page.conversations);
        cursor = page.cursor;
      } while (cursor);
      if (load !== this.loads) return;
      this.recents.load(conversations);
      for (const c of conversations) this.messageManager.knowLastSeq(`${c.channelType}:${c.channelId}`, c.lastMsgSeq);
      this.connectionManager.emit(WKConnectStatus.syncCompleted);
    } catch {
      // Cut off while loading: the next connection loads again; until then history comes from the server.
    }
  }
}

import type { ParleyClient } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useEffect, useState } from 'react';

export interface ConversationListState {
  /** The main list (archived ones left out): pinned first (most recently pinned on top), then the rest newest first. */
  conversations: Conversation[];
  /** Every conversation, archived ones too, newest first (for the Archived entry and the label filters). */
  all: Conversation[];
  totalUnread: number;
}

/** The SDK's live conversation list as React state, re-read (once per task at most; timers, not animation frames, so a background tab stays current) whenever it changes. */
export function useConversations(client: ParleyClient): ConversationListState {
  const [state, setState] = useState<ConversationListState>({ conversations: [], all: [], totalUnread: 0 });
  useEffect(() => {
    let scheduled = false;
    let live = true;
    const refresh = () => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(async () => {
        scheduled = false;
        const [pinned, main, all, totalUnread] = await Promise.all([
          client.conversations.pinned(),
          client.conversations.list(),
          client.conversations.all(),
          client.conversations.totalUnread(),
        ]);
        if (live) setState({ conversations: [...pinned, ...main.filter((c) => !c.isPinned)], all, totalUnread });
      }, 0);
    };
    client.conversations.onConversationUpdate.add('list', refresh);
    client.conversations.onConversationDelete.add('list', refresh);
    client.onStatus.add('list', refresh);
    refresh();
    return () => {
      live = false;
      client.conversations.onConversationUpdate.remove('list');
      client.conversations.onConversationDelete.remove('list');
      client.onStatus.remove('list');
    };
  }, [client]);
  return state;
}

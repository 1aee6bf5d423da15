import type { ParleyClient } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useEffect, useState } from 'react';

export interface ConversationListState {
  /** The main list (archived ones left out): pinned first (most recently pinned on top), then the rest newest first. */
  conversations: Conversation[];
  /** Every conversation, archived ones too, newest first (for the Archived entry and the label filters). */
  all: Conversation[];
  /** Unread outside muted conversations (the tab title and the total badge; a muted chat's own badge still counts). */
  totalUnread: number;
}

/** The longest a timer may wait (setTimeout's limit); a mute ending later is looked at again then. */
const MAX_TIMER_MS = 2_147_483_647;

/** The SDK's live conversation list as React state, re-read (once per task at most; timers, not animation frames, so a background tab stays current) whenever it changes. */
export function useConversations(client: ParleyClient): ConversationListState {
  const [state, setState] = useState<ConversationListState>({ conversations: [], all: [], totalUnread: 0 });
  useEffect(() => {
    let scheduled = false;
    let live = true;
    // A timed mute ends by itself, with no event: the list is read again when the next one ends.
    let muteEnds: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(async () => {
        scheduled = false;
        const [pinned, main, all, totalUnread] = await Promise.all([
          client.conversations.pinned(),
          client.conversations.list(),
          client.conversations.all(),
          client.conversations.unmutedUnread(),
        ]);
        if (!live) return;
        setState({ conversations: [...pinned, ...main.filter((c) => !c.isPinned)], all, totalUnread });
        clearTimeout(muteEnds);
        const now = Date.now();
        const next = Math.min(...all.map((c) => (c.mutedUntil && c.mutedUntil > now ? c.mutedUntil : Number.POSITIVE_INFINITY)));
        if (next !== Number.POSITIVE_INFINITY) muteEnds = setTimeout(refresh, Math.min(next - now + 1, MAX_TIMER_MS));
      }, 0);
    };
    client.conversations.onConversationUpdate.add('list', refresh);
    client.conversations.onConversationDelete.add('list', refresh);
    client.onStatus.add('list', refresh);
    refresh();
    return () => {
      live = false;
      clearTimeout(muteEnds);
      client.conversations.onConversationUpdate.remove('list');
      client.conversations.onConversationDelete.remove('list');
      client.onStatus.remove('list');
    };
  }, [client]);
  return state;
}

import type { ConversationMatch, Message, ParleyClient } from '@parley/client';
import { useEffect, useRef, useState } from 'react';

/** Waits this long after the last keystroke before asking the server. */
const DEBOUNCE_MS = 250;

export interface SearchState {
  /** The query these results answer ('' before any). */
  query: string;
  chats: ConversationMatch[];
  messages: Message[];
  cursor: string | null;
  loading: boolean;
  error?: string;
}

const EMPTY: SearchState = { query: '', chats: [], messages: [], cursor: null, loading: false };

/**
 * The sidebar's search: chats (conversation.search) and messages (message.search) for what is typed,
 * asked once typing pauses; an answer to an older query is dropped. `more` loads the next page of messages.
 */
export function useSearch(client: ParleyClient, text: string): SearchState & { more: () => void } {
  const [state, setState] = useState<SearchState>(EMPTY);
  const latest = useRef('');
  const q = text.trim();

  useEffect(() => {
    latest.current = q;
    if (!q) {
      setState(EMPTY);
      return;
    }
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      void Promise.all([client.search.conversations(q, 10), client.search.messages({ q, limit: 20 })]).then(
        ([chats, found]) => {
          if (latest.current === q) setState({ query: q, chats, messages: found.messages, cursor: found.cursor, loading: false });
        },
        (error: { code?: string; message?: string }) => {
          if (latest.current !== q) return;
          // A query of punctuation alone finds nothing rather than failing.
          const nothing = error.code === 'search.invalid_query';
          setState({ ...EMPTY, query: q, ...(nothing ? {} : { error: error.message ?? 'Search failed' }) });
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [client, q]);

  const more = () => {
    const { cursor, query } = state;
    if (!cursor || state.loading) return;
    setState((s) => ({ ...s, loading: true }));
    void client.search.messages({ q: query, limit: 20, cursor }).then(
      (page) => {
        if (latest.current === query)
          setState((s) => ({ ...s, messages: [...s.messages, ...page.messages], cursor: page.cursor, loading: false }));
      },
      (error: { message?: string }) => setState((s) => ({ ...s, loading: false, error: error.message ?? 'Search failed' })),
    );
  };
  return { ...state, more };
}

import type { Conversation } from '@parley/protocol';
import { useEffect, useRef, useState } from 'react';
import { ConversationItem } from './ConversationItem';

const STEP = 30;

/**
 * The whole list is in the SDK's memory, but only the first rows are rendered; more are rendered as
 * the end scrolls into view, so a user with thousands of conversations opens the app as fast as one with ten.
 */
export function ConversationList(props: { conversations: Conversation[]; open: string | undefined; onOpen: (id: string) => void }) {
  const [shown, setShown] = useState(STEP);
  const end = useRef<HTMLLIElement>(null);
  const more = props.conversations.length > shown;
  // biome-ignore lint/correctness/useExhaustiveDependencies: after each step a new observer checks whether the end is still in view
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || !more) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setShown((n) => n + STEP));
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [more, shown]);
  if (props.conversations.length === 0)
    return <p className="empty muted">No conversations yet. Start one with “New chat”, or wait for a message.</p>;
  return (
    <ul className="conversation-list" aria-label="Conversations">
      {props.conversations.slice(0, shown).map((c) => (
        <ConversationItem
          key={c.conversationId}
          conversation={c}
          active={c.conversationId === props.open}
          onOpen={() => props.onOpen(c.conversationId)}
        />
      ))}
      {more && (
        <li ref={end} className="list-end muted">
          Loading more…
        </li>
      )}
    </ul>
  );
}

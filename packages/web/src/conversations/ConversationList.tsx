import type { Conversation } from '@parley/protocol';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { moveFocus, STEP_KEYS } from '../ui/focus';
import { ConversationItem } from './ConversationItem';

const STEP = 30;

/**
 * The whole list is in the SDK's memory, but only the first rows are rendered; more are rendered as
 * the end scrolls into view, so a user with thousands of conversations opens the app as fast as one with ten.
 *
 * From the keyboard the list is one stop for Tab (the focused row, else the open one, else the first):
 * the arrow keys, Home and End move between rows, Enter opens one, and Tab goes on to its menu.
 */
export function ConversationList(props: { conversations: Conversation[]; open: string | undefined; onOpen: (id: string) => void }) {
  const [shown, setShown] = useState(STEP);
  const end = useRef<HTMLLIElement>(null);
  const [focused, setFocused] = useState<string>();
  const more = props.conversations.length > shown;
  const ids = props.conversations.slice(0, shown).map((c) => c.conversationId);
  const tabStop = [focused, props.open].find((id) => id !== undefined && ids.includes(id)) ?? ids[0];
  // biome-ignore lint/correctness/useExhaustiveDependencies: after each step a new observer checks whether the end is still in view
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || !more) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setShown((n) => n + STEP));
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [more, shown]);
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const step = STEP_KEYS[e.key];
    // A menu (its button or its popup) took the arrow already.
    if (step === undefined || e.defaultPrevented) return;
    e.preventDefault();
    moveFocus([...e.currentTarget.querySelectorAll<HTMLElement>('.conversation-open')], step);
  };
  if (props.conversations.length === 0)
    return <p className="empty muted">No conversations yet. Start one with “New chat”, or wait for a message.</p>;
  return (
    <ul
      className="conversation-list"
      aria-label="Conversations"
      onKeyDown={onKeyDown}
      onFocus={(e) => setFocused(e.target.closest('li')?.dataset.conversationId)}
    >
      {props.conversations.slice(0, shown).map((c) => (
        <ConversationItem
          key={c.conversationId}
          conversation={c}
          active={c.conversationId === props.open}
          tabbable={c.conversationId === tabStop}
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

import type { LocalMessage } from '@parley/client';
import { useApp } from '../app-context';
import { useAction } from '../ui/toast';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'];

function useToggle(m: LocalMessage) {
  const { client, me } = useApp();
  const act = useAction();
  return (emoji: string) => {
    const mineAlready = m.reactions.some((r) => r.emoji === emoji && r.uids.includes(me));
    void act('Reaction', () =>
      mineAlready ? client.messages.removeReaction(m.messageId, emoji) : client.messages.addReaction(m.messageId, emoji),
    );
  };
}

/** The chips under a message: each emoji with its count; yours are marked, and a click takes yours back or adds it. */
export function Reactions({ message: m }: { message: LocalMessage }) {
  const { me } = useApp();
  const toggle = useToggle(m);
  if (m.reactions.length === 0) return null;
  return (
    <span className="reactions">
      {m.reactions.map((r) => (
        <button
          type="button"
          key={r.emoji}
          className={`reaction${r.uids.includes(me) ? ' own' : ''}`}
          aria-pressed={r.uids.includes(me)}
          aria-label={`${r.emoji} ${r.count}`}
          title={r.uids.join(', ')}
          onClick={() => toggle(r.emoji)}
        >
          {r.emoji} {r.count}
        </button>
      ))}
    </span>
  );
}

export function ReactionPicker({ message, onPicked }: { message: LocalMessage; onPicked: () => void }) {
  const toggle = useToggle(message);
  return (
    <span className="reaction-picker">
      {QUICK_REACTIONS.map((emoji) => (
        <button
          type="button"
          role="menuitem"
          key={emoji}
          aria-label={`React ${emoji}`}
          onClick={() => {
            toggle(emoji);
            onPicked();
          }}
        >
          {emoji}
        </button>
      ))}
    </span>
  );
}

import { isMuted } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useApp } from '../app-context';
import { Avatar } from '../ui/Avatar';
import { BellOffIcon, NoteIcon, PinIcon } from '../ui/icons';
import { listTime } from '../ui/time';
import { PersonAvatar } from '../users/PersonAvatar';
import { ConversationMenu } from './ConversationMenu';
import { previewOf } from './preview';
import { useDisplayName } from './use-display-name';

/** `tabbable`: the one row of the list that Tab reaches (the arrows move between rows, see ConversationList). */
export function ConversationItem({
  conversation: c,
  active,
  tabbable,
  onOpen,
}: {
  conversation: Conversation;
  active: boolean;
  tabbable: boolean;
  onOpen: () => void;
}) {
  const { me } = useApp();
  const name = useDisplayName(c);
  const mention = c.mentionedMe && c.unreadCount > 0;
  return (
    <li className={`conversation${active ? ' active' : ''}${c.isPinned ? ' pinned' : ''}`} data-conversation-id={c.conversationId}>
      <button
        type="button"
        className="conversation-open"
        onClick={onOpen}
        aria-current={active ? 'true' : undefined}
        tabIndex={tabbable ? 0 : -1}
      >
        {c.channelType === 1 ? <PersonAvatar uid={c.channelId} label={name} presence /> : <Avatar id={c.conversationId} label={name} />}
        <span className="conversation-body">
          <span className="conversation-top">
            <span className="conversation-name">{name}</span>
            {c.isPinned && (
              <span className="pin" role="img" aria-label="Pinned">
                <PinIcon size={13} />
              </span>
            )}
            {isMuted(c) && (
              <span className="muted-icon" role="img" aria-label="Muted" data-testid="muted-icon">
                <BellOffIcon size={13} />
              </span>
            )}
            <time className="conversation-time">{listTime(c.updateTime)}</time>
          </span>
          <span className="conversation-bottom">
            {mention && <span className="mention">[@me]</span>}
            {c.draft && !active ? (
              <span className="conversation-preview">
                <span className="draft-mark">Draft:</span> {c.draft.text}
              </span>
            ) : (
              <span className="conversation-preview">{previewOf(c, me)}</span>
            )}
            {c.unreadCount > 0 && (
              <span className={`badge${isMuted(c) ? ' quiet' : ''}`} title={`${c.unreadCount} unread`}>
                {c.unreadCount > 99 ? '99+' : c.unreadCount}
                <span className="visually-hidden"> unread</span>
              </span>
            )}
          </span>
          {(c.labels ?? []).length > 0 && (
            <span className="conversation-labels">
              {(c.labels ?? []).map((l) => (
                <span key={l} className="label-chip">
                  {l}
                </span>
              ))}
            </span>
          )}
          {c.ext && (
            <span className="conversation-note">
              <NoteIcon size={12} /> {c.ext}
            </span>
          )}
        </span>
      </button>
      <ConversationMenu conversation={c} tabIndex={tabbable ? 0 : -1} />
    </li>
  );
}

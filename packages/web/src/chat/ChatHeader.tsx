import type { ChannelAddress } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useApp } from '../app-context';
import { isGroup } from '../conversations/address';
import { ConversationMenu } from '../conversations/ConversationMenu';
import { useDisplayName } from '../groups/group-directory';
import { Avatar } from '../ui/Avatar';
import { BackIcon, NoteIcon, PinIcon } from '../ui/icons';

const subtitles: Record<number, string> = { 1: 'Direct message', 4: 'Notices from the service (read-only)' };

export function ChatHeader(props: {
  conversationId: string;
  address: ChannelAddress;
  conversation: Conversation | undefined;
  onBack: () => void;
}) {
  const { groups } = useApp();
  const name = useDisplayName(groups, props.address);
  const group = isGroup(props.address) ? groups.info(props.address.channelId) : undefined;
  const note = props.conversation?.ext;
  return (
    <header className="chat-header">
      <button type="button" className="icon back" aria-label="Back to conversations" onClick={props.onBack}>
        <BackIcon size={22} />
      </button>
      <Avatar id={props.conversationId} label={name} size={36} />
      <div className="chat-title">
        <h2>{name}</h2>
        <p className="muted">
          {group ? `${group.memberCount} members` : (subtitles[props.address.channelType] ?? '')}
          {note && (
            <span className="chat-note">
              {' '}
              · <NoteIcon size={12} /> {note}
            </span>
          )}
        </p>
      </div>
      {props.conversation?.isPinned && (
        <span className="pin" role="img" aria-label="Pinned">
          <PinIcon size={14} />
        </span>
      )}
      {props.conversation && <ConversationMenu conversation={props.conversation} />}
    </header>
  );
}

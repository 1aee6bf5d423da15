import type { ConversationMatch, Message } from '@parley/client';
import { conversationIdOf } from '../conversations/address';
import { useDisplayName } from '../conversations/use-display-name';
import { listTime } from '../ui/time';
import { PersonName } from '../users/PersonAvatar';
import type { SearchState } from './use-search';
import './search.css';

/** Where a found message is shown: its conversation, and the seq the chat jumps to. */
export interface Jump {
  conversationId: string;
  seq: number;
}

const textOf = (m: Message): string => {
  const p = (m.extra?.editedPayload ?? m.payload) as { content?: unknown; name?: unknown };
  return typeof p.content === 'string' ? p.content : typeof p.name === 'string' ? p.name : '';
};

function ChatName(props: { channelType: number; channelId: string }) {
  return <>{useDisplayName(props)}</>;
}

function FoundChat({ chat, onOpen }: { chat: ConversationMatch; onOpen: (id: string) => void }) {
  return (
    <li>
      <button type="button" className="search-hit" onClick={() => onOpen(chat.conversationId)}>
        <span className="search-hit-title">{chat.name || <ChatName channelType={chat.channelType} channelId={chat.channelId} />}</span>
        <span className="search-hit-text muted">{chat.channelId}</span>
      </button>
    </li>
  );
}

function FoundMessage({ message: m, onJump }: { message: Message; onJump: (jump: Jump) => void }) {
  const conversationId = conversationIdOf({ channelType: m.channelType, channelId: m.channelId });
  return (
    <li>
      <button type="button" className="search-hit" data-seq={m.messageSeq} onClick={() => onJump({ conversationId, seq: m.messageSeq })}>
        <span className="search-hit-top">
          <span className="search-hit-title">
            <ChatName channelType={m.channelType} channelId={m.channelId} />
          </span>
          <time className="muted" dateTime={new Date(m.timestamp).toISOString()}>
            {listTime(m.timestamp)}
          </time>
        </span>
        <span className="search-hit-text">
          <span className="muted">
            <PersonName uid={m.fromUid} />:{' '}
          </span>
          {textOf(m)}
        </span>
      </button>
    </li>
  );
}

/** In place of the conversation list while something is typed in the search box. */
export function SearchResults(props: {
  state: SearchState & { more: () => void };
  onOpen: (conversationId: string) => void;
  onJump: (jump: Jump) => void;
}) {
  const { state } = props;
  const nothing = !state.loading && !state.error && state.query && !state.chats.length && !state.messages.length;
  return (
    <section className="search-results" aria-label="Search results" aria-busy={state.loading}>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {nothing && <p className="empty muted">Nothing found for “{state.query}”.</p>}
      {state.chats.length > 0 && (
        <>
          <h3 className="search-heading">Chats</h3>
          <ul className="search-list" aria-label="Chats found">
            {state.chats.map((c) => (
              <FoundChat key={c.conversationId} chat={c} onOpen={props.onOpen} />
            ))}
          </ul>
        </>
      )}
      {state.messages.length > 0 && (
        <>
          <h3 className="search-heading">Messages</h3>
          <ul className="search-list" aria-label="Messages found">
            {state.messages.map((m) => (
              <FoundMessage key={m.messageId} message={m} onJump={props.onJump} />
            ))}
          </ul>
        </>
      )}
      {state.cursor && (
        <button type="button" className="quiet search-more" onClick={state.more} disabled={state.loading}>
          More messages
        </button>
      )}
    </section>
  );
}

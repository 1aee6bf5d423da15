import type { ConnectionStatus, ParleyClient } from '@parley/client';
import { useEffect, useMemo, useState } from 'react';
import { AppContext, type AppContextValue } from './app-context';
import { ChatPane } from './chat/ChatPane';
import { isNotice } from './chat/content';
import { isGroup } from './conversations/address';
import { ConversationList } from './conversations/ConversationList';
import { conversationsOf, ListFilter, type ListView, MAIN_VIEW } from './conversations/ListFilter';
import { NewChatDialog } from './conversations/NewChatDialog';
import { useConversations } from './conversations/use-conversations';
import { GroupDirectory } from './groups/group-directory';
import { NewGroupDialog } from './groups/NewGroupDialog';
import { NotificationsToggle } from './notifications/NotificationsToggle';
import { useDesktopNotifications } from './notifications/use-desktop-notifications';
import { type Jump, SearchResults } from './search/SearchResults';
import { useSearch } from './search/use-search';
import type { ServerMode } from './session/api';
import { ConnectionIndicator } from './ui/ConnectionIndicator';
import { useOpenConversation } from './ui/route';
import { ToastProvider } from './ui/toast';
import { PersonAvatar, PersonName } from './users/PersonAvatar';
import { PresenceDirectory } from './users/presence-directory';
import { ProfileDirectory } from './users/profile-directory';

/** The signed-in app: the conversation list beside the open chat (one at a time on a phone). */
export function ChatApp(props: {
  client: ParleyClient;
  token: () => string;
  mode: ServerMode;
  status: ConnectionStatus;
  onSignOut: () => void;
}) {
  const { client, mode } = props;
  const context = useMemo<AppContextValue>(() => {
    return {
      client,
      me: client.uid,
      token: props.token,
      groups: new GroupDirectory(props.token),
      profiles: new ProfileDirectory(client),
      presence: new PresenceDirectory(client),
      mode,
    };
  }, [client, props.token, mode]);
  useEffect(() => context.profiles.attach(), [context.profiles]);
  useEffect(() => context.presence.attach(), [context.presence]);
  const { conversations, all, totalUnread } = useConversations(client);
  const [view, setView] = useState<ListView>(MAIN_VIEW);
  const [open, setOpen] = useOpenConversation();
  const [dialog, setDialog] = useState<'chat' | 'group'>();
  const [searchText, setSearchText] = useState('');
  const search = useSearch(client, searchText);
  // A found message to show: its chat opens (or stays open) and jumps to it; n tells two clicks on one apart.
  const [jump, setJump] = useState<Jump & { n: number }>();
  useDesktopNotifications(client, context.groups, open, setOpen);

  // A notice in a group means its members changed: its size in the header must follow.
  useEffect(() => {
    client.messages.onNewMessage.add('group-notices', (m) => {
      if (isGroup(m) && isNotice(m)) void context.groups.refresh(m.channelId);
    });
    return () => client.messages.onNewMessage.remove('group-notices');
  }, [client, context.groups]);

  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) Parley` : 'Parley';
  }, [totalUnread]);

  const openAndClose = (id: string) => {
    setDialog(undefined);
    setOpen(id);
  };

  return (
    <AppContext.Provider value={context}>
      <ToastProvider>
        <div className={`app${open ? ' chat-open' : ''}`}>
          <aside className="sidebar">
            <header className="sidebar-header">
              <div className="me">
                <PersonAvatar uid={context.me} size={32} />
                <span className="me-text">
                  <strong className="me-name">
                    <PersonName uid={context.me} />
                  </strong>
                  <ConnectionIndicator status={props.status} />
                </span>
                {totalUnread > 0 && (
                  <span className="badge total" data-testid="total-unread" title={`${totalUnread} unread in all`}>
                    {totalUnread > 99 ? '99+' : totalUnread}
                    <span className="visually-hidden"> unread in all</span>
                  </span>
                )}
                <NotificationsToggle />
              </div>
              <div className="sidebar-actions">
                <button type="button" onClick={() => setDialog('chat')}>
                  New chat
                </button>
                {mode === 'development' && (
                  <button type="button" onClick={() => setDialog('group')}>
                    New group
                  </button>
                )}
                <button type="button" className="quiet" onClick={props.onSignOut}>
                  Sign out
                </button>
              </div>
            </header>
            <div className="sidebar-search">
              <input
                type="search"
                className="search-box"
                placeholder="Search messages and chats"
                aria-label="Search messages and chats"
                value={searchText}
                onChange={(e) => setSearchText(e.target.value)}
                onKeyDown={(e) => e.key === 'Escape' && setSearchText('')}
              />
            </div>
            {searchText.trim() ? (
              <SearchResults
                state={search}
                onOpen={setOpen}
                onJump={(to) => {
                  setJump((j) => ({ ...to, n: (j?.n ?? 0) + 1 }));
                  setOpen(to.conversationId);
                }}
              />
            ) : (
              <>
                <ListFilter view={view} all={all} onChange={setView} />
                <ConversationList conversations={conversationsOf(view, conversations, all)} open={open} onOpen={setOpen} />
              </>
            )}
          </aside>
          <main className="pane">
            {open ? (
              <ChatPane
                key={open}
                conversationId={open}
                conversation={all.find((c) => c.conversationId === open)}
                jump={jump?.conversationId === open ? jump : undefined}
                onBack={() => setOpen(undefined)}
              />
            ) : (
              <div className="welcome muted">
                <h2>Welcome, {context.me}</h2>
                <p>Pick a conversation, or start one with “New chat”.</p>
              </div>
            )}
          </main>
        </div>
        {dialog === 'chat' && <NewChatDialog onClose={() => setDialog(undefined)} onOpen={openAndClose} />}
        {dialog === 'group' && <NewGroupDialog onClose={() => setDialog(undefined)} onCreated={openAndClose} />}
      </ToastProvider>
    </AppContext.Provider>
  );
}

import type { LocalMessage } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useApp } from '../app-context';
import { addressOf, isReadOnly } from '../conversations/address';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { HistoryWindow } from './history-window';
import { MessageList } from './MessageList';
import { useReadTracking } from './use-read-tracking';
import { useUploads } from './use-uploads';

/** One conversation: header, history (scrolls up for older, jumps to a quoted message) and the composer. */
export function ChatPane(props: { conversationId: string; conversation: Conversation | undefined; onBack: () => void }) {
  const { me } = useApp();
  const address = addressOf(props.conversationId);
  if (!address || (address.channelType === 1 && address.channelId === me))
    return (
      <div className="welcome muted">
        <p>There is no conversation “{props.conversationId}”.</p>
      </div>
    );
  return <OpenChat {...props} />;
}

function OpenChat({
  conversationId,
  conversation,
  onBack,
}: {
  conversationId: string;
  conversation: Conversation | undefined;
  onBack: () => void;
}) {
  const { client } = useApp();
  const address = addressOf(conversationId)!;
  const lastSeq = useRef(0);
  lastSeq.current = conversation?.lastMsgSeq ?? 0;
  const history = useMemo(() => new HistoryWindow(client, addressOf(conversationId)!, () => lastSeq.current), [client, conversationId]);
  const snapshot = useSyncExternalStore(history.subscribe, history.get);
  const [replyTo, setReplyTo] = useState<LocalMessage>();
  const [editing, setEditing] = useState<LocalMessage>();
  const uploads = useUploads(address, () => history.get().hasNewer && history.openLatest());

  useEffect(() => {
    history.attach();
    void history.openLatest();
    return () => history.detach();
  }, [history]);
  useReadTracking(client, conversation, snapshot.items);

  return (
    <div className="chat">
      <ChatHeader conversationId={conversationId} address={address} conversation={conversation} onBack={onBack} />
      <MessageList
        history={history}
        snapshot={snapshot}
        uploads={uploads.pending}
        onReply={(m) => {
          setEditing(undefined);
          setReplyTo(m);
        }}
        onEdit={(m) => {
          setReplyTo(undefined);
          setEditing(m);
        }}
      />
      {isReadOnly(address) ? null : (
        <Composer
          address={address}
          replyTo={replyTo}
          editing={editing}
          onCancel={() => {
            setReplyTo(undefined);
            setEditing(undefined);
          }}
          beforeSend={async () => {
            if (history.get().hasNewer) await history.openLatest();
          }}
          onImage={uploads.send}
        />
      )}
    </div>
  );
}

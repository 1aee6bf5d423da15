import type { LocalMessage } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useApp } from '../app-context';
import { addressOf, isReadOnly } from '../conversations/address';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { ForwardDialog } from './ForwardDialog';
import { HistoryWindow } from './history-window';
import { MessageList } from './MessageList';
import { useFileDrop } from './use-file-drop';
import './chat.css';
import { useUploads } from './use-uploads';

/** One conversation: header, history (scrolls up for older, jumps to a quoted message) and the composer. */
/** `jump`: a message to show (a search hit): the chat opens around its seq, and jumps again when `n` changes. */
export interface ChatJump {
  seq: number;
  n: number;
}

export function ChatPane(props: { conversationId: string; conversation: Conversation | undefined; onBack: () => void; jump?: ChatJump }) {
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
  jump,
}: {
  conversationId: string;
  conversation: Conversation | undefined;
  onBack: () => void;
  jump?: ChatJump;
}) {
  const { client } = useApp();
  const lastSeq = useRef(0);
  lastSeq.current = conversation?.lastMsgSeq ?? 0;
  const history = useMemo(() => new HistoryWindow(client, addressOf(conversationId)!, () => lastSeq.current), [client, conversationId]);
  const { address } = history;
  const snapshot = useSyncExternalStore(history.subscribe, history.get);
  const [replyTo, setReplyTo] = useState<LocalMessage>();
  const [editing, setEditing] = useState<LocalMessage>();
  const [forwarding, setForwarding] = useState<LocalMessage>();
  const upload = useUploads(address, history);
  const sendFiles = useCallback((files: File[]) => files.forEach((f) => void upload(f)), [upload]);
  const drop = useFileDrop(!isReadOnly(address), sendFiles);
  const onReply = useCallback((m: LocalMessage) => {
    setEditing(undefined);
    setReplyTo(m);
  }, []);
  const onEdit = useCallback((m: LocalMessage) => {
    setReplyTo(undefined);
    setEditing(m);
  }, []);

  // The jump the chat opened with is made by the first effect; later ones (another hit in this chat) by the second.
  const opened = useRef<number | undefined>(jump?.n);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the jump at opening is read once, when the window attaches
  useEffect(() => {
    history.attach();
    if (opened.current !== undefined && jump) void history.jumpTo(jump.seq);
    else void history.openLatest();
    return () => history.detach();
  }, [history]);
  useEffect(() => {
    if (!jump || jump.n === opened.current) return;
    opened.current = jump.n;
    void history.jumpTo(jump.seq);
  }, [history, jump]);

  return (
    <div className={`chat${drop.dragging ? ' dragging' : ''}`} {...drop.handlers}>
      <ChatHeader conversationId={conversationId} address={address} conversation={conversation} onBack={onBack} />
      <MessageList
        history={history}
        snapshot={snapshot}
        conversation={conversation}
        onReply={onReply}
        onEdit={onEdit}
        onForward={setForwarding}
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
          onFiles={sendFiles}
          conversationId={conversationId}
          draft={conversation?.draft}
        />
      )}
      {drop.dragging && (
        <div className="drop-cue" aria-hidden="true">
          Drop files to send them
        </div>
      )}
      {forwarding && <ForwardDialog message={forwarding} onClose={() => setForwarding(undefined)} />}
    </div>
  );
}

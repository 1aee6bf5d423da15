import type { Conversation } from '@parley/protocol';
import { useMemo, useRef, useState } from 'react';
import { useApp } from '../app-context';
import type { HistorySnapshot, HistoryWindow } from './history-window';
import { JumpToLatest } from './JumpToLatest';
import { Lightbox } from './Lightbox';
import { MessageItem } from './MessageItem';
import { countUnseen, timeline } from './timeline';
import { UploadPlaceholder } from './UploadPlaceholder';
import type { MessageHandlers } from './use-message-menu';
import { useOnScreen } from './use-on-screen';
import { useReadTracking } from './use-read-tracking';
import { useScrollKeeper } from './use-scroll-keeper';
import { useSentinel } from './use-sentinel';

/** Where the reader was when the chat opened (undefined: nothing was unread), kept while the chat stays open. */
function useReadSeqAtOpen(conversation: Conversation | undefined): number | undefined {
  const [mark, setMark] = useState<number | null>();
  if (mark === undefined && conversation) setMark(conversation.unreadCount > 0 ? conversation.readSeq : null);
  return mark ?? undefined;
}

/** The scrolling history: pages load as you scroll, days and the unread line between the messages. */
export function MessageList(
  props: Omit<MessageHandlers, 'onRemoved'> & { history: HistoryWindow; snapshot: HistorySnapshot; conversation: Conversation | undefined },
) {
  const { history, snapshot } = props;
  const { client, me } = useApp();
  const scroller = useRef<HTMLDivElement>(null);
  const [lightbox, setLightbox] = useState<string>();
  const readSeqAtOpen = useReadSeqAtOpen(props.conversation);
  const entries = useMemo(() => timeline(snapshot.items, me, readSeqAtOpen, Date.now()), [snapshot.items, me, readSeqAtOpen]);
  const bySeq = useMemo(() => new Map(snapshot.items.map((m) => [m.messageSeq, m])), [snapshot.items]);
  const scroll = useScrollKeeper(scroller, snapshot);
  const onScreen = useOnScreen(scroller, snapshot.items);
  const newestSeen = useReadTracking(client, props.conversation, snapshot.items, onScreen);
  const unseen = countUnseen(snapshot.items, me, Math.max(newestSeen, readSeqAtOpen ?? 0));
  const top = useSentinel(snapshot.loaded && snapshot.hasOlder, history.loadOlder, scroller);
  const bottom = useSentinel(snapshot.loaded && snapshot.hasNewer, history.loadNewer, scroller);

  return (
    <div className="messages" ref={scroller} onScroll={scroll.onScroll} aria-label="Messages" role="log">
      {snapshot.hasOlder && (
        <div ref={top} className="history-edge muted">
          Loading older messages…
        </div>
      )}
      {snapshot.loaded && !snapshot.hasOlder && <div className="history-edge muted">This is the beginning of the conversation.</div>}
      {snapshot.error && (
        <p className="history-edge error" role="alert">
          This conversation cannot be opened: {snapshot.error}
        </p>
      )}
      {entries.map((e) => {
        if (e.kind === 'day')
          return (
            <div key={e.key} className="day-separator">
              <span>{e.label}</span>
            </div>
          );
        if (e.kind === 'unread')
          return (
            <div key={e.key} className="unread-divider">
              <span>New messages</span>
            </div>
          );
        const m = e.message;
        return (
          <MessageItem
            key={e.key}
            message={m}
            highlighted={m.messageSeq > 0 && m.messageSeq === scroll.highlight}
            quoted={m.reply ? bySeq.get(m.reply.messageSeq) : undefined}
            lookUp={history.lookUp}
            onJump={history.jumpTo}
            onReply={props.onReply}
            onEdit={props.onEdit}
            onForward={props.onForward}
            onRemoved={history.remove}
            onOpenImage={setLightbox}
            onImageLoad={scroll.onImageLoad}
          />
        );
      })}
      {snapshot.uploads.map((u) => (
        <UploadPlaceholder key={u.id} upload={u} />
      ))}
      {snapshot.hasNewer && (
        <div ref={bottom} className="history-edge muted">
          Loading newer messages…
        </div>
      )}
      {(snapshot.hasNewer || !scroll.atBottom) && (
        <JumpToLatest
          unseen={snapshot.hasNewer ? 0 : unseen}
          onClick={() => {
            scroll.toBottom();
            if (snapshot.hasNewer) void history.openLatest();
          }}
        />
      )}
      {lightbox && <Lightbox src={lightbox} onClose={() => setLightbox(undefined)} />}
    </div>
  );
}

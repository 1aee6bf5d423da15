import type { LocalMessage } from '@parley/client';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { HistorySnapshot, HistoryWindow } from './history-window';
import { Lightbox } from './Lightbox';
import { MessageItem } from './MessageItem';
import type { PendingUpload } from './use-uploads';

/** Calls `load` whenever the sentinel scrolls into view (again after each load, while it stays in view). */
function useSentinel(enabled: boolean, load: () => Promise<void>, root: React.RefObject<HTMLElement | null>) {
  const ref = useRef<HTMLDivElement>(null);
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new round re-observes, so a sentinel still in view after a load loads again
  useEffect(() => {
    const el = ref.current;
    if (!enabled || !el) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void load().then(() => setRound((r) => r + 1));
      },
      { root: root.current, rootMargin: '200px 0px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [enabled, load, root, round]);
  return ref;
}

/**
 * The scrolling history. It stays pinned to the bottom while you are there, keeps your place when older
 * pages load above, and scrolls a jumped-to message into the middle.
 */
export function MessageList(props: {
  history: HistoryWindow;
  snapshot: HistorySnapshot;
  uploads: PendingUpload[];
  onReply: (m: LocalMessage) => void;
  onEdit: (m: LocalMessage) => void;
}) {
  const { history, snapshot } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const before = useRef({ height: 0, top: 0, first: '' });
  const [lightbox, setLightbox] = useState<string>();
  const [highlight, setHighlight] = useState<number>();
  const top = useSentinel(snapshot.loaded && snapshot.hasOlder, history.loadOlder, scroller);
  const bottom = useSentinel(snapshot.loaded && snapshot.hasNewer, history.loadNewer, scroller);
  const firstKey = snapshot.items[0]?.clientMsgNo ?? '';
  const last = snapshot.items.at(-1);
  // Your own new message (still sending) brings you to the bottom, wherever you were reading.
  const ownSend = last?.status === 'sending' ? last.clientMsgNo : '';
  const seenSend = useRef('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new upload bubble also scrolls to the bottom
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (ownSend && ownSend !== seenSend.current) {
      seenSend.current = ownSend;
      atBottom.current = true;
      el.scrollTop = el.scrollHeight;
    } else if (snapshot.focus !== undefined) {
      el.querySelector(`[data-seq="${snapshot.focus}"]`)?.scrollIntoView({ block: 'center' });
      setHighlight(snapshot.focus);
    } else if (before.current.first && before.current.first !== firstKey && el.scrollTop < 50) {
      // Older messages went in above: keep the ones you were reading where they were.
      el.scrollTop = before.current.top + (el.scrollHeight - before.current.height);
    } else if (atBottom.current) el.scrollTop = el.scrollHeight;
    before.current = { height: el.scrollHeight, top: el.scrollTop, first: firstKey };
  }, [snapshot, props.uploads, firstKey, ownSend]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = !snapshot.hasNewer && el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    before.current = { height: el.scrollHeight, top: el.scrollTop, first: firstKey };
  };
  const onImageLoad = () => {
    if (atBottom.current && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
  };

  return (
    <div className="messages" ref={scroller} onScroll={onScroll} aria-label="Messages" role="log">
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
      {snapshot.items.map((m) => (
        <MessageItem
          key={m.clientMsgNo || m.messageId}
          message={m}
          highlighted={m.messageSeq > 0 && m.messageSeq === highlight}
          onJump={(seq) => void history.jumpTo(seq)}
          onReply={props.onReply}
          onEdit={props.onEdit}
          onDeleted={(id) => history.remove(id)}
          onOpenImage={setLightbox}
          onImageLoad={onImageLoad}
        />
      ))}
      {props.uploads.map((u) => (
        <div key={u.id} className="row mine">
          <div className="bubble uploading">
            <img src={u.preview} alt="Uploading" className="image" />
            <progress max={1} value={u.progress} aria-label="Upload progress" data-progress={Math.round(u.progress * 100)} />
          </div>
        </div>
      ))}
      {snapshot.hasNewer && (
        <>
          <div ref={bottom} className="history-edge muted">
            Loading newer messages…
          </div>
          <button type="button" className="jump-latest" onClick={() => void history.openLatest()}>
            Jump to latest ↓
          </button>
        </>
      )}
      {lightbox && <Lightbox src={lightbox} onClose={() => setLightbox(undefined)} />}
    </div>
  );
}

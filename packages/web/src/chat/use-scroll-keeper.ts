import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { HistorySnapshot } from './history-window';

const nearBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < 40;

/**
 * Where the history is scrolled. A chat opens at the "New messages" line when the first unread message
 * is on the page (else at the bottom); it stays pinned to the bottom while you are there, keeps your
 * place when older pages load above, scrolls a jumped-to message into the middle (also one the chat
 * opened at), and your own new
 * message or upload brings you down to it.
 */
export function useScrollKeeper(scroller: RefObject<HTMLDivElement | null>, snapshot: HistorySnapshot) {
  const stuck = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [highlight, setHighlight] = useState<number>();
  const before = useRef({ height: 0, top: 0, first: '' });
  const opened = useRef(false);
  const seenOwn = useRef('');
  // "Jump to latest" from a window in the past: the bottom once the newest page is in.
  const wantBottom = useRef(false);
  const firstKey = snapshot.items[0]?.clientMsgNo ?? '';
  const last = snapshot.items.at(-1);
  const ownNew = snapshot.uploads.at(-1)?.id ?? (last?.status === 'sending' ? last.clientMsgNo : '');

  const remember = useCallback(
    (el: HTMLElement) => {
      stuck.current = !snapshot.hasNewer && nearBottom(el);
      setAtBottom(stuck.current);
      before.current = { height: el.scrollHeight, top: el.scrollTop, first: firstKey };
    },
    [snapshot.hasNewer, firstKey],
  );

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const divider = el.querySelector('[data-seq] ~ .unread-divider');
    if (!opened.current && snapshot.loaded) {
      opened.current = true;
      seenOwn.current = ownNew;
      // A chat opened at a message (a search hit) opens there, marked.
      if (snapshot.focus !== undefined) {
        el.querySelector(`[data-seq="${snapshot.focus}"]`)?.scrollIntoView({ block: 'center' });
        setHighlight(snapshot.focus);
      } else if (divider) divider.scrollIntoView({ block: 'start' });
      else el.scrollTop = el.scrollHeight;
      remember(el);
      return;
    }
    if ((wantBottom.current && !snapshot.hasNewer) || (ownNew && ownNew !== seenOwn.current)) {
      seenOwn.current = ownNew;
      wantBottom.current = false;
      stuck.current = true;
      el.scrollTop = el.scrollHeight;
    } else if (snapshot.focus !== undefined) {
      el.querySelector(`[data-seq="${snapshot.focus}"]`)?.scrollIntoView({ block: 'center' });
      setHighlight(snapshot.focus);
    } else if (before.current.first && before.current.first !== firstKey && el.scrollTop < 50) {
      // Older messages went in above: keep the ones you were reading where they were.
      el.scrollTop = before.current.top + (el.scrollHeight - before.current.height);
    } else if (stuck.current) el.scrollTop = el.scrollHeight;
    before.current = { height: el.scrollHeight, top: el.scrollTop, first: firstKey };
  }, [snapshot, firstKey, ownNew, remember, scroller]);

  // Stable, so the memoised message items do not render again for it.
  const onImageLoad = useCallback(() => {
    if (stuck.current && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
  }, [scroller]);

  return {
    atBottom,
    highlight,
    onScroll: () => scroller.current && remember(scroller.current),
    /** A picture that loaded (and grew) while you were at the bottom keeps you there. */
    onImageLoad,
    /** To the newest message; from a window in the past, once the newest page is in. */
    toBottom: () => {
      const el = scroller.current;
      if (snapshot.hasNewer) wantBottom.current = true;
      else if (el) {
        el.scrollTop = el.scrollHeight;
        remember(el);
      }
    },
  };
}

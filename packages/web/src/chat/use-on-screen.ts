import { type RefObject, useEffect, useRef, useState } from 'react';

const THRESHOLDS = [0, 0.25, 0.5, 0.75, 1];

/** At least half of the row is in view, or it fills half the view (a row taller than the view). */
function counts(e: IntersectionObserverEntry): boolean {
  if (!e.isIntersecting) return false;
  return e.intersectionRatio >= 0.5 || e.intersectionRect.height >= (e.rootBounds?.height ?? Number.POSITIVE_INFINITY) / 2;
}

/**
 * The ids of the messages on screen now in the scrolling `root` (rows marked `data-message-id`), watched
 * with an IntersectionObserver: a row that only peeks in at the edge does not count. `rows` changes
 * when rows come and go, so new ones are watched too.
 */
export function useOnScreen(root: RefObject<HTMLElement | null>, rows: unknown): ReadonlySet<string> {
  const [onScreen, setOnScreen] = useState<ReadonlySet<string>>(() => new Set());
  const observer = useRef<IntersectionObserver>(undefined);

  useEffect(() => {
    const visible = new Set<string>();
    const io = new IntersectionObserver(
      (entries) => {
        let changed = false;
        for (const e of entries) {
          const id = (e.target as HTMLElement).dataset.messageId;
          if (!id || counts(e) === visible.has(id)) continue;
          changed = true;
          if (visible.has(id)) visible.delete(id);
          else visible.add(id);
        }
        if (changed) setOnScreen(new Set(visible));
      },
      { root: root.current, threshold: THRESHOLDS },
    );
    observer.current = io;
    return () => io.disconnect();
  }, [root]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: new rows are in the DOM after each change of `rows`
  useEffect(() => {
    // Observing a row again is a no-op; rows that left the DOM are reported out of view.
    for (const row of root.current?.querySelectorAll<HTMLElement>('[data-message-id]') ?? []) observer.current?.observe(row);
  }, [root, rows]);

  return onScreen;
}

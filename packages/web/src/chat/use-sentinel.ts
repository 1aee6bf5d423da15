import { type RefObject, useEffect, useRef, useState } from 'react';

/** Calls `load` whenever the sentinel scrolls into view (again after each load, while it stays in view). */
export function useSentinel(enabled: boolean, load: () => Promise<void>, root: RefObject<HTMLElement | null>) {
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

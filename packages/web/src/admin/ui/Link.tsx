import type { ReactNode } from 'react';
import { pathOf, type Route, useLinkClick } from '../route';

/** A real link (it opens in a new tab, it can be copied) that navigates in place on an ordinary click. */
export function Link({ to, children, current, className }: { to: Route; children: ReactNode; current?: boolean; className?: string }) {
  const onClick = useLinkClick(to);
  return (
    <a href={pathOf(to)} onClick={onClick} aria-current={current ? 'page' : undefined} className={className}>
      {children}
    </a>
  );
}

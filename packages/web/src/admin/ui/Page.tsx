import { type ReactNode, useEffect, useId, useRef } from 'react';

let firstPage = true;

/** The next page is the first after sign-in: it leaves the focus alone. */
export function resetPageFocus(): void {
  firstPage = true;
}

/**
 * One screen of the console: a region named by its heading. After a navigation the heading takes the
 * focus, so keyboard and screen reader users start at the new screen (the first screen after sign-in
 * leaves the focus where the browser put it).
 */
export function Page({ title, actions, children }: { title: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus();
  }, []);
  return (
    <section className="admin-page" aria-labelledby={id}>
      <div className="admin-page-head">
        <h1 id={id} ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Where a failed call says why, read out at once. */
export function ErrorText({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error}
    </p>
  );
}

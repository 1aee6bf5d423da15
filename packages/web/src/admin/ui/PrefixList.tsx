import { type ReactNode, useEffect, useRef, useState } from 'react';
import { messageOf } from './format';
import { ErrorText, Page } from './Page';
import { PrefixSearch } from './PrefixSearch';

/** One page of a keyset-paged admin list: its items and the cursor of the next page (null: the last). */
export interface ListPage<T> {
  items: T[];
  cursor: string | null;
}

export interface PrefixListProps<T> {
  /** The page's title and the table's caption ("Users"). */
  title: string;
  /** What one item is, in the status line ("user" -> "3 users starting with …"). */
  noun: string;
  searchLabel: string;
  hint: string;
  prefix: string;
  onSearch: (prefix: string) => void;
  load: (prefix: string, cursor?: string) => Promise<ListPage<T>>;
  columns: readonly string[];
  /** One `<tr>`, its first cell a row header. */
  row: (item: T) => ReactNode;
}

/** Things found by id prefix (case-sensitive), a page at a time in id order, with "Show more". */
export function PrefixList<T>(props: PrefixListProps<T>) {
  const { prefix } = props;
  // The latest loader, without making it a dependency: callers pass a new function on every render.
  const load = useRef(props.load);
  load.current = props.load;
  const [items, setItems] = useState<T[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setItems(undefined);
    setError(undefined);
    load.current(prefix).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setCursor(page.cursor);
      },
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [prefix]);

  async function more() {
    if (!cursor) return;
    setBusy(true);
    try {
      const page = await load.current(prefix, cursor);
      setItems((shown) => [...(shown ?? []), ...page.items]);
      setCursor(page.cursor);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const { noun } = props;
  return (
    <Page title={props.title}>
      <PrefixSearch label={props.searchLabel} initial={prefix} hint={props.hint} onSearch={props.onSearch} />
      <ErrorText error={error} />
      {!items && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {items && (
        <>
          <p className="muted" role="status">
            {items.length === 0
              ? prefix
                ? `No ${noun} id starts with “${prefix}”.`
                : `No ${noun}s yet.`
              : `${items.length}${cursor ? '+' : ''} ${noun}${items.length === 1 && !cursor ? '' : 's'}${prefix ? ` starting with “${prefix}”` : ''}`}
          </p>
          {items.length > 0 && (
            <table className="admin-table">
              <caption className="visually-hidden">{props.title}</caption>
              <thead>
                <tr>
                  {props.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{items.map(props.row)}</tbody>
            </table>
          )}
          {cursor && (
            <button type="button" onClick={more} disabled={busy}>
              Show more
            </button>
          )}
        </>
      )}
    </Page>
  );
}

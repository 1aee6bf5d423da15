import type { User } from '@parley/protocol';
import { useEffect, useState } from 'react';
import type { AdminApi } from '../api';
import { navigate } from '../route';
import { dateTime, messageOf } from '../ui/format';
import { Link } from '../ui/Link';
import { ErrorText, Page } from '../ui/Page';
import { PrefixSearch } from '../ui/PrefixSearch';

/** Users found by uid prefix (case-sensitive), 50 at a time in uid order. */
export function UsersPage({ api, prefix }: { api: AdminApi; prefix: string }) {
  const [users, setUsers] = useState<User[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setUsers(undefined);
    setError(undefined);
    api.users(prefix).then(
      (page) => {
        if (!live) return;
        setUsers(page.users);
        setCursor(page.cursor);
      },
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [api, prefix]);

  async function more() {
    if (!cursor) return;
    setBusy(true);
    try {
      const page = await api.users(prefix, cursor);
      setUsers((u) => [...(u ?? []), ...page.users]);
      setCursor(page.cursor);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Users">
      <PrefixSearch
        label="Uid prefix"
        initial={prefix}
        hint="Case-sensitive. Empty lists every user."
        onSearch={(p) => navigate({ page: 'users', prefix: p })}
      />
      <ErrorText error={error} />
      {!users && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {users && (
        <>
          <p className="muted" role="status">
            {users.length === 0
              ? prefix
                ? `No user id starts with “${prefix}”.`
                : 'No users yet.'
              : `${users.length}${cursor ? '+' : ''} user${users.length === 1 && !cursor ? '' : 's'}${prefix ? ` starting with “${prefix}”` : ''}`}
          </p>
          {users.length > 0 && (
            <table className="admin-table">
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Uid</th>
                  <th scope="col">Name</th>
                  <th scope="col">Registered</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.uid} data-uid={u.uid}>
                    <th scope="row">
                      <Link to={{ page: 'user', uid: u.uid }}>{u.uid}</Link>
                    </th>
                    <td>{u.name}</td>
                    <td>{dateTime(u.createdAt)}</td>
                    <td>{dateTime(u.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
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

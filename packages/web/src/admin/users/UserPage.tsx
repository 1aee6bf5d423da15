import type { User, UserGroupsResult } from '@parley/protocol';
import { useEffect, useState } from 'react';
import type { AdminApi } from '../api';
import { dateTime, messageOf, muteText, roleName } from '../ui/format';
import { Link } from '../ui/Link';
import { ErrorText, Page } from '../ui/Page';
import { BanUser } from './BanUser';
import { EraseDialog } from './EraseDialog';
import { IssueToken } from './IssueToken';

interface Loaded {
  user: User;
  blacklist: string[];
  groups: UserGroupsResult;
}

/** One user: profile, blacklist, groups; a token for them; banned or not; their data exported or erased. */
export function UserPage({ api, uid }: { api: AdminApi; uid: string }) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [erasing, setErasing] = useState(false);
  const [erased, setErased] = useState(false);
  const [exportError, setExportError] = useState<string>();
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([api.user(uid), api.blacklist(uid), api.userGroups(uid)]).then(
      ([user, blacklist, groups]) => live && setLoaded({ user, blacklist, groups }),
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [api, uid]);

  async function exportData() {
    setExporting(true);
    setExportError(undefined);
    try {
      const blob = await api.exportUser(uid);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `parley-user-${uid}.json`;
      document.body.append(a);
      a.click();
      a.remove();
      // The download has its own copy by now; the page need not keep this one.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(`Export failed: ${messageOf(err)}`);
    } finally {
      setExporting(false);
    }
  }

  if (erased)
    return (
      <Page title={uid}>
        <p role="status">
          {uid} was erased: the account, tokens, devices and conversations are gone, and their messages are erased placeholders.
        </p>
        <Link to={{ page: 'users', prefix: '' }}>Back to the users</Link>
      </Page>
    );

  return (
    <Page title={uid}>
      <ErrorText error={error} />
      {!loaded && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {loaded && (
        <>
          <section className="admin-card" aria-labelledby="user-profile">
            <h2 id="user-profile">Profile</h2>
            <dl className="admin-facts">
              <dt>Uid</dt>
              <dd>
                <code>{loaded.user.uid}</code>
              </dd>
              <dt>Name</dt>
              <dd>{loaded.user.name || <span className="muted">none</span>}</dd>
              <dt>Avatar</dt>
              <dd className="wrap">{loaded.user.avatar || <span className="muted">none</span>}</dd>
              <dt>Ext</dt>
              <dd className="wrap">{loaded.user.ext ? <code>{loaded.user.ext}</code> : <span className="muted">none</span>}</dd>
              <dt>Registered</dt>
              <dd>{dateTime(loaded.user.createdAt)}</dd>
              <dt>Updated</dt>
              <dd>{dateTime(loaded.user.updatedAt)}</dd>
            </dl>
          </section>

          <IssueToken api={api} uid={uid} />

          <BanUser api={api} user={loaded.user} onChanged={(user) => setLoaded({ ...loaded, user })} />

          <section className="admin-card" aria-labelledby="user-groups">
            <h2 id="user-groups">Groups</h2>
            {loaded.groups.groups.length === 0 ? (
              <p className="muted">Not a member of any group.</p>
            ) : (
              <table className="admin-table">
                <caption className="visually-hidden">Groups of {uid}</caption>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Role</th>
                    <th scope="col">Muted</th>
                  </tr>
                </thead>
                <tbody>
                  {loaded.groups.groups.map((g) => (
                    <tr key={g.groupId}>
                      <th scope="row">
                        <Link to={{ page: 'group', groupId: g.groupId }}>{g.groupId}</Link>
                      </th>
                      <td>{g.name}</td>
                      <td>{g.channelType === 3 ? 'Super group' : 'Group'}</td>
                      <td>{roleName(g.role)}</td>
                      <td>{muteText(g.mutedUntil)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {loaded.groups.hasMore && <p className="muted small">The first {loaded.groups.groups.length} groups, by id.</p>}
          </section>

          <section className="admin-card" aria-labelledby="user-blacklist">
            <h2 id="user-blacklist">Blacklist</h2>
            {loaded.blacklist.length === 0 ? (
              <p className="muted">Blocks nobody.</p>
            ) : (
              <ul className="admin-chips" aria-label={`Users ${uid} blocks`}>
                {loaded.blacklist.map((b) => (
                  <li key={b}>
                    <Link to={{ page: 'user', uid: b }}>{b}</Link>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="admin-card" aria-labelledby="user-data">
            <h2 id="user-data">Their data</h2>
            <p className="muted small">
              Export downloads their profile, conversations and the messages they sent as one JSON file. Erase deletes the account, tokens,
              devices and conversation state, and replaces their messages with an erased placeholder everywhere.
            </p>
            <div className="admin-actions">
              <button type="button" onClick={exportData} disabled={exporting}>
                {exporting ? 'Exporting…' : 'Export data'}
              </button>
              <button type="button" className="danger" onClick={() => setErasing(true)}>
                Erase user…
              </button>
            </div>
            <ErrorText error={exportError} />
          </section>
        </>
      )}
      {erasing && (
        <EraseDialog
          api={api}
          uid={uid}
          onClose={() => setErasing(false)}
          onErased={() => {
            setErasing(false);
            setErased(true);
          }}
        />
      )}
    </Page>
  );
}

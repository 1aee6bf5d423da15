import type { Group } from '@parley/protocol';
import { useEffect, useState } from 'react';
import type { AdminApi } from '../api';
import { navigate } from '../route';
import { dateTime, messageOf } from '../ui/format';
import { Link } from '../ui/Link';
import { ErrorText, Page } from '../ui/Page';
import { PrefixSearch } from '../ui/PrefixSearch';

export const kindOf = (g: Pick<Group, 'channelType'>): string => (g.channelType === 3 ? 'Super group' : 'Group');

export function groupState(g: Group): string {
  const flags = [g.dismissed && 'dismissed', g.banned && 'banned', g.muteAll && 'everyone muted'].filter(Boolean);
  return flags.length ? flags.join(', ') : 'active';
}

/** Groups and super groups found by id prefix, 50 at a time in id order. */
export function GroupsPage({ api, prefix }: { api: AdminApi; prefix: string }) {
  const [groups, setGroups] = useState<Group[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setGroups(undefined);
    setError(undefined);
    api.groups(prefix).then(
      (page) => {
        if (!live) return;
        setGroups(page.groups);
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
      const page = await api.groups(prefix, cursor);
      setGroups((g) => [...(g ?? []), ...page.groups]);
      setCursor(page.cursor);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Groups">
      <PrefixSearch
        label="Group id prefix"
        initial={prefix}
        hint="Case-sensitive. Empty lists every group and super group."
        onSearch={(p) => navigate({ page: 'groups', prefix: p })}
      />
      <ErrorText error={error} />
      {!groups && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {groups && (
        <>
          <p className="muted" role="status">
            {groups.length === 0
              ? prefix
                ? `No group id starts with “${prefix}”.`
                : 'No groups yet.'
              : `${groups.length}${cursor ? '+' : ''} group${groups.length === 1 && !cursor ? '' : 's'}${prefix ? ` starting with “${prefix}”` : ''}`}
          </p>
          {groups.length > 0 && (
            <table className="admin-table">
              <caption className="visually-hidden">Groups</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Members</th>
                  <th scope="col">State</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.groupId} data-group-id={g.groupId}>
                    <th scope="row">
                      <Link to={{ page: 'group', groupId: g.groupId }}>{g.groupId}</Link>
                    </th>
                    <td>{g.name}</td>
                    <td>{kindOf(g)}</td>
                    <td>{g.ownerUid}</td>
                    <td>{g.memberCount}</td>
                    <td>{groupState(g)}</td>
                    <td>{dateTime(g.createdAt)}</td>
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

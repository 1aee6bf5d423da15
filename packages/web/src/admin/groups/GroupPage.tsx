import type { Group, GroupMember } from '@parley/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { parseUids } from '../../users/uids';
import type { AdminApi } from '../api';
import { dateTime, isMuted, messageOf, muteText, roleName } from '../ui/format';
import { Link } from '../ui/Link';
import { ErrorText, Page } from '../ui/Page';
import { groupState, kindOf } from './GroupsPage';

/** A super group may have far more members than a table can show at once. */
const SHOWN = 1000;

/** One group: its facts, and its members with roles and mutes, each changeable here. */
export function GroupPage({ api, groupId }: { api: AdminApi; groupId: string }) {
  const [group, setGroup] = useState<Group>();
  const [members, setMembers] = useState<GroupMember[]>();
  const [error, setError] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [pending, setPending] = useState<string>();
  const [adding, setAdding] = useState('');
  const [done, setDone] = useState('');

  const load = useCallback(async () => {
    const [g, m] = await Promise.all([api.group(groupId), api.members(groupId)]);
    setGroup(g);
    setMembers(m);
  }, [api, groupId]);

  useEffect(() => {
    load().catch((err) => setError(messageOf(err)));
  }, [load]);

  /** Runs one change, then reads the group again, so the page shows what the server now holds. */
  async function act(key: string, what: string, change: () => Promise<unknown>): Promise<boolean> {
    setPending(key);
    setActionError(undefined);
    setDone('');
    try {
      await change();
      await load();
      setDone(what);
      return true;
    } catch (err) {
      setActionError(`${what} failed: ${messageOf(err)}`);
      return false;
    } finally {
      setPending(undefined);
    }
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    const uids = parseUids(adding);
    if (typeof uids === 'string') return setActionError(uids);
    if (await act('add', `Added ${uids.join(', ')}`, () => api.addMembers(groupId, uids))) setAdding('');
  }

  const live = group && !group.dismissed;

  return (
    <Page title={group?.name ? `${group.name} (${groupId})` : groupId}>
      <ErrorText error={error} />
      {!group && !error && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {group && members && (
        <>
          <section className="admin-card" aria-labelledby="group-facts">
            <h2 id="group-facts">Group</h2>
            <dl className="admin-facts">
              <dt>Id</dt>
              <dd>
                <code>{group.groupId}</code>
              </dd>
              <dt>Name</dt>
              <dd>{group.name || <span className="muted">none</span>}</dd>
              <dt>Kind</dt>
              <dd>{kindOf(group)}</dd>
              <dt>Owner</dt>
              <dd>
                <Link to={{ page: 'user', uid: group.ownerUid }}>{group.ownerUid}</Link>
              </dd>
              <dt>Members</dt>
              <dd>{group.memberCount}</dd>
              <dt>State</dt>
              <dd>{groupState(group)}</dd>
              <dt>History for newcomers</dt>
              <dd>{group.allowHistory ? 'Yes' : 'No'}</dd>
              <dt>Created</dt>
              <dd>{dateTime(group.createdAt)}</dd>
            </dl>
            {live && (
              <div className="admin-actions">
                <button
                  type="button"
                  disabled={pending !== undefined}
                  onClick={() =>
                    act('mute-all', group.muteAll ? 'Unmuted everyone' : 'Muted everyone', () => api.muteAll(groupId, !group.muteAll))
                  }
                >
                  {group.muteAll ? 'Unmute everyone' : 'Mute everyone'}
                </button>
                <span className="muted small">Owner, admins and whitelisted members may always send.</span>
              </div>
            )}
          </section>

          <section className="admin-card" aria-labelledby="group-members">
            <h2 id="group-members">Members</h2>
            <div role="status" className="admin-done">
              {done}
            </div>
            <ErrorText error={actionError} />
            <table className="admin-table">
              <caption className="visually-hidden">Members of {groupId}</caption>
              <thead>
                <tr>
                  <th scope="col">Uid</th>
                  <th scope="col">Role</th>
                  <th scope="col">Muted</th>
                  <th scope="col">Joined</th>
                  {live && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {members.slice(0, SHOWN).map((m) => {
                  const muted = isMuted(m.mutedUntil);
                  return (
                    <tr key={m.uid} data-member={m.uid}>
                      <th scope="row">
                        <Link to={{ page: 'user', uid: m.uid }}>{m.uid}</Link>
                      </th>
                      <td className="member-role">{roleName(m.role)}</td>
                      <td className="member-muted">{muteText(m.mutedUntil)}</td>
                      <td>{dateTime(m.joinedAt)}</td>
                      {live && (
                        <td className="admin-row-actions">
                          {m.role !== 2 && (
                            <button
                              type="button"
                              aria-label={m.role === 1 ? `Remove admin role of ${m.uid}` : `Make ${m.uid} an admin`}
                              disabled={pending !== undefined}
                              onClick={() =>
                                act(m.uid, m.role === 1 ? `${m.uid} is a member again` : `${m.uid} is an admin`, () =>
                                  api.setAdmin(groupId, m.uid, m.role !== 1),
                                )
                              }
                            >
                              {m.role === 1 ? 'Remove admin' : 'Make admin'}
                            </button>
                          )}
                          <button
                            type="button"
                            aria-label={muted ? `Unmute ${m.uid}` : `Mute ${m.uid}`}
                            disabled={pending !== undefined}
                            onClick={() =>
                              act(m.uid, muted ? `Unmuted ${m.uid}` : `Muted ${m.uid}`, () => api.muteMember(groupId, m.uid, !muted))
                            }
                          >
                            {muted ? 'Unmute' : 'Mute'}
                          </button>
                          {m.role !== 2 && (
                            <button
                              type="button"
                              className="quiet danger-text"
                              aria-label={`Remove ${m.uid} from the group`}
                              disabled={pending !== undefined}
                              onClick={() => act(m.uid, `Removed ${m.uid}`, () => api.removeMembers(groupId, [m.uid]))}
                            >
                              Remove
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {members.length > SHOWN && (
              <p className="muted small">
                The first {SHOWN} of {members.length} members, in joining order.
              </p>
            )}
            {live && (
              <form className="admin-inline-form" onSubmit={add}>
                <label htmlFor="add-members">Add members (user ids, separated by spaces or commas)</label>
                <div className="admin-search-row">
                  <input
                    id="add-members"
                    value={adding}
                    onChange={(e) => setAdding(e.target.value)}
                    spellCheck={false}
                    autoComplete="off"
                  />
                  <button type="submit" className="primary" disabled={pending !== undefined}>
                    Add
                  </button>
                </div>
              </form>
            )}
          </section>
        </>
      )}
    </Page>
  );
}

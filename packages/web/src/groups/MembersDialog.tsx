import type { GroupMember } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { useApp } from '../app-context';
import { Avatar } from '../ui/Avatar';
import { Dialog } from '../ui/Modal';
import { useDisplayName } from './group-directory';
import { LeaveGroupDialog } from './LeaveGroupDialog';
import { getGroupMembers } from './member-api';

const roleNames: Record<number, string> = { 2: 'Owner', 1: 'Admin' };

/** The owner first, then the admins, then everyone else, each in joining order (as the server lists them). */
const byRole = (members: GroupMember[]) => [...members].sort((a, b) => b.role - a.role);

const isMuted = (m: GroupMember) => m.mutedUntil === -1 || m.mutedUntil > Date.now();

/** Who is in the group and their role, read when opened; "Leave group" below it (development mode). */
export function MembersDialog({ group, onClose }: { group: { channelType: number; channelId: string }; onClose: () => void }) {
  const { token, me, groups, mode } = useApp();
  const name = useDisplayName(groups, group);
  const total = groups.info(group.channelId)?.memberCount;
  const [members, setMembers] = useState<GroupMember[]>();
  const [error, setError] = useState('');
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    let live = true;
    getGroupMembers(token(), group.channelId).then(
      (list) => live && setMembers(byRole(list)),
      (err) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [token, group.channelId]);

  const owner = members?.find((m) => m.role === 2)?.uid;
  return (
    <Dialog title={`Members of ${name}`} onClose={onClose} className="members-dialog">
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!members && !error && (
        <p className="muted" role="status">
          Loading members…
        </p>
      )}
      {members && (
        <>
          <p className="muted">
            {members.length} {members.length === 1 ? 'member' : 'members'}
            {total !== undefined && total > members.length && ` shown of ${total}: the first to join`}
          </p>
          <ul className="member-list" aria-label="Members">
            {members.map((m) => (
              <li key={m.uid} className="member" data-uid={m.uid}>
                <Avatar id={`p2p|${m.uid}`} label={m.uid} size={32} />
                <span className="member-name">
                  {m.uid}
                  {m.uid === me && <span className="muted"> (you)</span>}
                </span>
                {isMuted(m) && <span className="member-tag muted">Muted</span>}
                {roleNames[m.role] && <span className="member-tag role">{roleNames[m.role]}</span>}
              </li>
            ))}
          </ul>
          {owner === me && <p className="muted">You own this group: its owner cannot leave it.</p>}
        </>
      )}
      <div className="modal-actions">
        {mode === 'development' && members && owner !== me && (
          <button type="button" className="danger" onClick={() => setLeaving(true)}>
            Leave group
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {leaving && <LeaveGroupDialog group={group} name={name} onClose={() => setLeaving(false)} onLeft={onClose} />}
    </Dialog>
  );
}

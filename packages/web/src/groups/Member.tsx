import type { GroupMember } from '@parley/protocol';
import { useApp } from '../app-context';
import { PersonAvatar } from '../users/PersonAvatar';
import { useName } from '../users/use-people';

const roleNames: Record<number, string> = { 2: 'Owner', 1: 'Admin' };

const isMuted = (m: GroupMember) => m.mutedUntil === -1 || m.mutedUntil > Date.now();

/** One row of the member list: avatar, name (else uid), muted and role tags. */
export function Member({ member: m }: { member: GroupMember }) {
  const { me } = useApp();
  const name = useName(m.uid);
  return (
    <li className="member" data-uid={m.uid}>
      <PersonAvatar uid={m.uid} label={name} size={32} />
      <span className="member-name">
        {name}
        {m.uid === me && <span className="muted"> (you)</span>}
      </span>
      {isMuted(m) && <span className="member-tag muted">Muted</span>}
      {roleNames[m.role] && <span className="member-tag role">{roleNames[m.role]}</span>}
    </li>
  );
}

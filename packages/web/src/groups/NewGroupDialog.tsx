import { useState } from 'react';
import { useApp } from '../app-context';
import { conversationIdOf } from '../conversations/address';
import { createGroup } from '../session/api';
import { Modal } from '../ui/Modal';
import { parseUids } from '../users/uids';

/** Development-mode admin action: creates a group owned by you; its members see it at once (a notice is posted). */
export function NewGroupDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (conversationId: string) => void }) {
  const { token, groups, me } = useApp();
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const create = async () => {
    const uids = parseUids(members);
    if (typeof uids === 'string') return setError(uids);
    setBusy(true);
    try {
      const group = await createGroup(token(), { ...(name.trim() && { name: name.trim() }), members: uids.filter((u) => u !== me) });
      groups.set(group);
      onCreated(conversationIdOf({ channelType: 2, channelId: group.groupId }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="New group" submitLabel="Create group" busy={busy} error={error} onSubmit={create} onClose={onClose}>
      <label htmlFor="group-name">Name</label>
      <input id="group-name" autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Weekend plans" />
      <label htmlFor="group-members">Members: user ids, separated by commas or spaces</label>
      <input id="group-members" value={members} onChange={(e) => setMembers(e.target.value)} placeholder="bob, carol" />
    </Modal>
  );
}

import { useState } from 'react';
import { useApp } from '../app-context';
import { addGroupMembers } from '../session/api';
import { Modal } from '../ui/Modal';
import { parseUids } from '../users/uids';

/** Development mode: any member may add people (a production app does this through its own backend and the admin API). */
export function AddMembersDialog({ groupId, onClose }: { groupId: string; onClose: () => void }) {
  const { token, groups } = useApp();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const add = async () => {
    const uids = parseUids(text);
    if (typeof uids === 'string') return setError(uids);
    setBusy(true);
    try {
      const { group } = await addGroupMembers(token(), groupId, uids);
      groups.set(group);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Add members" submitLabel="Add" busy={busy} error={error} onSubmit={add} onClose={onClose}>
      <label htmlFor="members-input">User ids, separated by commas or spaces</label>
      <input id="members-input" autoFocus value={text} onChange={(e) => setText(e.target.value)} placeholder="carol, dave" />
    </Modal>
  );
}

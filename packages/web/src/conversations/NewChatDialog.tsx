import { useState } from 'react';
import { useApp } from '../app-context';
import { Modal } from '../ui/Modal';
import { isUid, UID_RULE } from '../users/uids';
import { conversationIdOf } from './address';

/** Opens a 1:1 chat; it enters both lists with the first message. */
export function NewChatDialog({ onClose, onOpen }: { onClose: () => void; onOpen: (conversationId: string) => void }) {
  const { me } = useApp();
  const [uid, setUid] = useState('');
  const [error, setError] = useState('');
  const open = () => {
    const peer = uid.trim();
    if (!isUid(peer)) return setError(UID_RULE);
    if (peer === me) return setError('That is you');
    onOpen(conversationIdOf({ channelType: 1, channelId: peer }));
  };
  return (
    <Modal title="New chat" submitLabel="Open chat" error={error} onSubmit={open} onClose={onClose}>
      <label htmlFor="peer-input">User id</label>
      <input id="peer-input" autoFocus value={uid} onChange={(e) => setUid(e.target.value)} placeholder="bob" />
    </Modal>
  );
}

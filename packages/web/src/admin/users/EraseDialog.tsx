import { useState } from 'react';
import { Modal } from '../../ui/Modal';
import type { AdminApi } from '../api';
import { messageOf } from '../ui/format';

/** Erasure cannot be undone: the operator types the uid before the button does anything. */
export function EraseDialog({ api, uid, onClose, onErased }: { api: AdminApi; uid: string; onClose: () => void; onErased: () => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirmed = typed === uid;

  async function erase() {
    if (!confirmed) return setError(`Type ${uid} exactly to confirm`);
    setBusy(true);
    setError(undefined);
    try {
      await api.eraseUser(uid);
      onErased();
    } catch (err) {
      setError(`Erase failed: ${messageOf(err)}`);
      setBusy(false);
    }
  }

  return (
    <Modal
      title={`Erase ${uid}?`}
      submitLabel="Erase for good"
      danger
      busy={busy || !confirmed}
      error={error}
      onSubmit={erase}
      onClose={onClose}
    >
      <p>
        This deletes the account, its tokens, devices and conversation state, and replaces every message {uid} sent with an erased
        placeholder. It cannot be undone.
      </p>
      <label htmlFor="erase-confirm">Type the uid to confirm</label>
      <input id="erase-confirm" autoFocus autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
    </Modal>
  );
}

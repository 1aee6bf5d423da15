import type { Conversation } from '@parley/protocol';
import { useState } from 'react';
import { useApp } from '../app-context';
import { Modal } from '../ui/Modal';

const MAX_BYTES = 1024;

/** The conversation's `ext`: a note only its owner sees, kept on the server and on every device. */
export function NoteDialog({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const { client } = useApp();
  const [note, setNote] = useState(conversation.ext);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const bytes = new TextEncoder().encode(note).length;
  const save = async () => {
    setBusy(true);
    try {
      await client.conversations.updateExt({ conversationId: conversation.conversationId }, note.trim());
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Private note" submitLabel="Save note" busy={busy || bytes > MAX_BYTES} error={error} onSubmit={save} onClose={onClose}>
      <label htmlFor="note-input">Only you see this note, on every device.</label>
      <textarea id="note-input" rows={4} autoFocus value={note} onChange={(e) => setNote(e.target.value)} />
      <p className={bytes > MAX_BYTES ? 'error' : 'muted'}>
        {bytes} / {MAX_BYTES} bytes
      </p>
    </Modal>
  );
}

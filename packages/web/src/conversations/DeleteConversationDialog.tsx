import type { Conversation } from '@parley/protocol';
import { useState } from 'react';
import { useApp } from '../app-context';
import { Modal } from '../ui/Modal';
import { useOpenConversation } from '../ui/route';

/** Easemob's deleteConversation: the conversation leaves the list until a new message; deleteRoam also clears its history for you. */
export function DeleteConversationDialog({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const { client } = useApp();
  const [open, setOpen] = useOpenConversation();
  const [roam, setRoam] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      const { results } = await client.conversations.delete([conversation.conversationId], roam);
      const failed = results.find((r) => !r.ok);
      if (failed) throw new Error(failed.error?.message ?? 'not deleted');
      if (open === conversation.conversationId) setOpen(undefined);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Delete conversation" submitLabel="Delete" danger busy={busy} error={error} onSubmit={remove} onClose={onClose}>
      <p>It disappears from your list on every device, and comes back when a new message arrives.</p>
      <label className="check">
        <input type="checkbox" checked={roam} onChange={(e) => setRoam(e.target.checked)} />
        Also delete its message history for me
      </label>
    </Modal>
  );
}

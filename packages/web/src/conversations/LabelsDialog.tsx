import type { Conversation } from '@parley/protocol';
import { useState } from 'react';
import { useApp } from '../app-context';
import { Modal } from '../ui/Modal';

/** Label names as typed: comma-separated, trimmed, 1..64 characters each (the server's rule). */
export const parseLabels = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l.length > 0),
  ),
];

/** The conversation's labels, edited as one comma-separated line; saved as the labels added and removed. */
export function LabelsDialog({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const { client } = useApp();
  const before = conversation.labels ?? [];
  const [text, setText] = useState(before.join(', '));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const next = parseLabels(text);
  const tooLong = next.some((l) => [...l].length > 64);
  const save = async () => {
    setBusy(true);
    try {
      const add = next.filter((l) => !before.includes(l));
      const remove = before.filter((l) => !next.includes(l));
      if (add.length || remove.length)
        await client.conversations.updateLabels({ conversationId: conversation.conversationId }, { add, remove });
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Labels" submitLabel="Save labels" busy={busy || tooLong} error={error} onSubmit={save} onClose={onClose}>
      <label htmlFor="labels-input">Labels, separated by commas (only you see them, on every device).</label>
      <input id="labels-input" autoFocus value={text} onChange={(e) => setText(e.target.value)} placeholder="work, family" />
      {tooLong && <p className="error">A label is at most 64 characters.</p>}
    </Modal>
  );
}

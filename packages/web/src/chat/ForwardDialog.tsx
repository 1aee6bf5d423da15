import type { LocalMessage } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { useApp } from '../app-context';
import { addressOf, isReadOnly } from '../conversations/address';
import { useDisplayName } from '../groups/group-directory';
import { Modal } from '../ui/Modal';
import { useToast } from '../ui/toast';
import { shownPayload } from './content';

/** Forward: pick a conversation; the message's current content goes there as your new message. */
export function ForwardDialog({ message, onClose }: { message: LocalMessage; onClose: () => void }) {
  const { client } = useApp();
  const toast = useToast();
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [chosen, setChosen] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    void Promise.all([client.conversations.pinned(), client.conversations.list()]).then(([pinned, all]) =>
      setConversations([...pinned, ...all.filter((c) => !c.isPinned)].filter((c) => !isReadOnly(c))),
    );
  }, [client]);

  const forward = async () => {
    const to = chosen ? addressOf(chosen) : undefined;
    if (!to) return setError('Pick a conversation.');
    onClose();
    const { kind: _notice, ...payload } = shownPayload(message);
    const result = await client.messages.send(to, payload as LocalMessage['payload'], { setting: { receipt: true } });
    toast(result.status === 'success' ? 'Forwarded' : 'Forwarding failed');
  };

  return (
    <Modal title="Forward to…" submitLabel="Forward" error={error} onSubmit={() => void forward()} onClose={onClose}>
      <fieldset className="forward-list">
        <legend className="muted">Conversations</legend>
        {conversations.length === 0 && <p className="muted">No conversations yet.</p>}
        {conversations.map((c) => (
          <ForwardTarget key={c.conversationId} conversation={c} checked={chosen === c.conversationId} onChoose={setChosen} />
        ))}
      </fieldset>
    </Modal>
  );
}

function ForwardTarget(props: { conversation: Conversation; checked: boolean; onChoose: (id: string) => void }) {
  const { groups } = useApp();
  const name = useDisplayName(groups, props.conversation);
  return (
    <label className="check">
      <input
        type="radio"
        name="forward-to"
        value={props.conversation.conversationId}
        checked={props.checked}
        onChange={() => props.onChoose(props.conversation.conversationId)}
      />
      {name}
    </label>
  );
}

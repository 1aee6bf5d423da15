import { useState } from 'react';
import { useApp } from '../app-context';
import { conversationIdOf } from '../conversations/address';
import { Modal } from '../ui/Modal';
import { useOpenConversation } from '../ui/route';
import { leaveGroup } from './member-api';

/**
 * Asks first, then leaves (the others see "<you> left the group") and deletes the conversation
 * from your list on every device, keeping its history, as "Delete conversation" would.
 */
export function LeaveGroupDialog(props: {
  group: { channelType: number; channelId: string };
  name: string;
  onClose: () => void;
  onLeft: () => void;
}) {
  const { client, token, groups } = useApp();
  const [open, setOpen] = useOpenConversation();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const conversationId = conversationIdOf({ channelType: props.group.channelType as 2 | 3, channelId: props.group.channelId });
  const leave = async () => {
    setBusy(true);
    // The notice that you left arrives while you leave: it must not make the app read the group again.
    groups.setLeft(props.group.channelId, true);
    try {
      await leaveGroup(token(), props.group.channelId);
      // You have left by now: if the list cannot be tidied (the connection dropped), the conversation
      // stays, its last line saying that you left.
      await client.conversations.delete([conversationId], false).catch(() => undefined);
      if (open === conversationId) setOpen(undefined);
      props.onLeft();
    } catch (err) {
      groups.setLeft(props.group.channelId, false);
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Leave ${props.name}?`}
      submitLabel="Leave group"
      danger
      busy={busy}
      error={error}
      onSubmit={leave}
      onClose={props.onClose}
    >
      <p>You will no longer receive its messages, and it leaves your conversation list. The others see that you left.</p>
    </Modal>
  );
}

import { isMuted } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useState } from 'react';
import { useApp } from '../app-context';
import { AddMembersDialog } from '../groups/AddMembersDialog';
import { MembersDialog } from '../groups/MembersDialog';
import { Menu, type MenuItem } from '../ui/Menu';
import { useAction } from '../ui/toast';
import { isGroup } from './address';
import { DeleteConversationDialog } from './DeleteConversationDialog';
import { LabelsDialog } from './LabelsDialog';
import { NoteDialog } from './NoteDialog';

type Dialog = 'note' | 'labels' | 'delete' | 'members' | 'add-members' | undefined;

const HOUR = 3_600_000;
/** A mute ends by itself after these, as in the messengers people know; plain "Mute" lasts until unmuted. */
const MUTE_FOR: Array<{ label: string; ms?: number }> = [
  { label: 'Mute for 8 hours', ms: 8 * HOUR },
  { label: 'Mute for a week', ms: 7 * 24 * HOUR },
  { label: 'Mute' },
];

/**
 * Pin, mark read, mute, archive, labels, the private note, members (groups: the list, add in development mode, leave) and
 * delete: the same menu in the list and the chat header.
 */
export function ConversationMenu({ conversation: c, tabIndex }: { conversation: Conversation; tabIndex?: number }) {
  const { client, mode } = useApp();
  const act = useAction();
  const [dialog, setDialog] = useState<Dialog>();
  const ref = { conversationId: c.conversationId };
  const items: MenuItem[] = [
    { label: c.isPinned ? 'Unpin' : 'Pin to top', onSelect: () => act('Pin', () => client.conversations.pin(ref, !c.isPinned)) },
    { label: 'Mark as read', onSelect: () => act('Mark as read', () => client.conversations.markRead(ref)) },
    ...(isMuted(c)
      ? [{ label: 'Unmute', onSelect: () => act('Unmute', () => client.conversations.mute(ref, false)) }]
      : MUTE_FOR.map(({ label, ms }) => ({
          label,
          onSelect: () => act('Mute', () => client.conversations.mute(ref, true, ms === undefined ? undefined : Date.now() + ms)),
        }))),
    {
      label: c.isArchived ? 'Unarchive' : 'Archive',
      onSelect: () => act(c.isArchived ? 'Unarchive' : 'Archive', () => client.conversations.archive(ref, !c.isArchived)),
    },
    { label: 'Labels…', onSelect: () => setDialog('labels') },
    { label: c.ext ? 'Edit private note' : 'Add private note', onSelect: () => setDialog('note') },
    ...(isGroup(c) ? [{ label: 'Members', onSelect: () => setDialog('members') }] : []),
    ...(c.channelType === 2 && mode === 'development' ? [{ label: 'Add members', onSelect: () => setDialog('add-members') }] : []),
    { label: 'Delete conversation', danger: true, onSelect: () => setDialog('delete') },
  ];
  const close = () => setDialog(undefined);
  return (
    <>
      <Menu label="Conversation actions" items={items} tabIndex={tabIndex} />
      {dialog === 'note' && <NoteDialog conversation={c} onClose={close} />}
      {dialog === 'labels' && <LabelsDialog conversation={c} onClose={close} />}
      {dialog === 'delete' && <DeleteConversationDialog conversation={c} onClose={close} />}
      {dialog === 'members' && <MembersDialog group={c} onClose={close} />}
      {dialog === 'add-members' && <AddMembersDialog groupId={c.channelId} onClose={close} />}
    </>
  );
}

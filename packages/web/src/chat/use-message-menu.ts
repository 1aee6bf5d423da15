import type { ChannelAddress, LocalMessage } from '@parley/client';
import { useApp } from '../app-context';
import { isReadOnly } from '../conversations/address';
import type { MenuItem } from '../ui/Menu';
import { useAction, useToast } from '../ui/toast';
import { type ShownPayload, shownPayload } from './content';

export interface MessageHandlers {
  onReply: (m: LocalMessage) => void;
  onEdit: (m: LocalMessage) => void;
  onForward: (m: LocalMessage) => void;
  /** The message left this device's view: deleted for me, or a failed send given up. */
  onRemoved: (m: LocalMessage) => void;
}

const channelOf = (m: LocalMessage): ChannelAddress => ({
  channelId: m.channelId,
  channelType: m.channelType as ChannelAddress['channelType'],
});

/** What "Copy" puts on the clipboard: the text, or a picture's or file's full address. */
const copyable = (p: ShownPayload): string | undefined =>
  p.type === 1 ? p.content : p.url ? new URL(p.url, location.origin).href : undefined;

/** The actions on a delivered message: reply, copy, forward, edit and revoke (your own), delete for me. */
export function useMessageMenu(m: LocalMessage, handlers: MessageHandlers): MenuItem[] {
  const { client, me } = useApp();
  const act = useAction();
  const toast = useToast();
  const mine = m.fromUid === me;
  const payload = shownPayload(m);
  const text = copyable(payload);
  const item = (label: string, onSelect: () => void, when = true, danger = false): MenuItem[] =>
    when ? [{ label, onSelect, danger }] : [];
  return [
    ...item('Reply', () => handlers.onReply(m), !isReadOnly(m)),
    ...item(
      'Copy',
      () => void act('Copy', () => navigator.clipboard.writeText(text as string)).then((ok) => ok && toast('Copied')),
      text !== undefined,
    ),
    ...item('Forward', () => handlers.onForward(m)),
    ...item('Edit', () => handlers.onEdit(m), mine && payload.type === 1),
    ...item('Revoke', () => void act('Revoke', () => client.messages.revoke(m.messageId)), mine),
    ...item(
      'Delete for me',
      () =>
        void act('Delete', () => client.messages.removeHistory(channelOf(m), { messageIds: [m.messageId] })).then(
          (ok) => ok && handlers.onRemoved(m),
        ),
      true,
      true,
    ),
  ];
}

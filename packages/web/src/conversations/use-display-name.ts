import { useSyncExternalStore } from 'react';
import { useApp } from '../app-context';
import { useProfile } from '../users/use-people';

/** The name to show for a conversation: the peer's name (else uid), or the group's name once known. */
export function useDisplayName(conversation: { channelType: number; channelId: string }): string {
  const { groups } = useApp();
  useSyncExternalStore(groups.subscribe, groups.snapshot);
  const peer = useProfile(conversation.channelType === 1 ? conversation.channelId : undefined);
  if (conversation.channelType === 1) return peer?.name || conversation.channelId;
  if (conversation.channelType === 4) return 'System notices';
  return groups.info(conversation.channelId)?.name || conversation.channelId;
}

import { useSyncExternalStore } from 'react';
import { type GroupInfo, getGroup } from '../session/api';

/** Group names and sizes, fetched once per group when first shown; refreshed after the app changes a group. */
export class GroupDirectory {
  private readonly known = new Map<string, GroupInfo | 'loading' | 'unknown'>();
  private readonly listeners = new Set<() => void>();
  /** Groups you are leaving or left: a read would be refused (403), so none is made. */
  private readonly left = new Set<string>();
  private version = 0;

  constructor(private readonly token: () => string) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): number => this.version;

  info(groupId: string): GroupInfo | undefined {
    const entry = this.known.get(groupId);
    if (entry === undefined) void this.refresh(groupId);
    return typeof entry === 'object' ? entry : undefined;
  }

  set(group: GroupInfo): void {
    this.known.set(group.groupId, group);
    this.changed();
  }

  setLeft(groupId: string, left: boolean): void {
    if (left) this.left.add(groupId);
    else this.left.delete(groupId);
  }

  async refresh(groupId: string): Promise<void> {
    if (this.left.has(groupId)) return;
    this.known.set(groupId, 'loading');
    try {
      this.known.set(groupId, await getGroup(this.token(), groupId));
    } catch {
      this.known.set(groupId, 'unknown');
    }
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

/** The name to show for a conversation: the peer's uid, or the group's name once known. */
export function useDisplayName(directory: GroupDirectory, conversation: { channelType: number; channelId: string }): string {
  useSyncExternalStore(directory.subscribe, directory.snapshot);
  if (conversation.channelType === 1) return conversation.channelId;
  if (conversation.channelType === 4) return 'System notices';
  return directory.info(conversation.channelId)?.name || conversation.channelId;
}

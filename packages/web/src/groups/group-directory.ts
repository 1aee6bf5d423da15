import { type GroupInfo, getGroup } from '../session/api';
import { ChangeSignal } from '../users/change-signal';

/** Group names and sizes, fetched once per group when first shown; refreshed after the app changes a group. */
export class GroupDirectory extends ChangeSignal {
  private readonly known = new Map<string, GroupInfo | 'loading' | 'unknown'>();
  /** Groups you are leaving or left: a read would be refused (403), so none is made. */
  private readonly left = new Set<string>();

  constructor(private readonly token: () => string) {
    super();
  }

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
}

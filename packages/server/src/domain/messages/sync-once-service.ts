import type { AckOnceResult, SyncOnceResult } from '@parley/protocol';
import type { SyncOnceStore } from '../../ports/storage/index.js';
import { toWireMessage, untouched } from './message-view.js';

/** The page a device gets when it asks without a limit: the schema's maximum. */
export const SYNC_ONCE_PAGE = 100;

/**
 * What waits for a user among the messages sent with `header.syncOnce`, and its removal once a
 * device of theirs has it ("once" is per user: any device's ack removes it for all of them).
 */
export class SyncOnceService {
  constructor(private readonly queues: SyncOnceStore) {}

  /** The oldest waiting messages, as the user sees them; nothing is removed until `ack`. */
  async pending(uid: string, limit = SYNC_ONCE_PAGE): Promise<SyncOnceResult> {
    const page = await this.queues.pending(uid, limit);
    return { messages: page.messages.map((m) => toWireMessage({ ...m, ...untouched }, uid)), hasMore: page.hasMore };
  }

  async ack(uid: string, messageIds: readonly string[]): Promise<AckOnceResult> {
    return { removed: await this.queues.ack(uid, messageIds) };
  }
}

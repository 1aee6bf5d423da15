import type { ParleyClient } from '../client.js';
import { KeyedListeners } from '../listeners.js';
import { bareIdOf } from './chat-type.js';
import type { EventHandlers, MultiDeviceEvent } from './types.js';

let nextKey = 0;

/**
 * Easemob's `onMultiDeviceEvent`, fed by the SDK's `conversations.onMultiDevice`. Easemob raises
 * these on the user's other devices only; Parley pushes pin and delete events to the acting device
 * too, so the echo of a change made through this facade is dropped here.
 */
export class MultiDeviceEvents {
  private readonly handlers = new KeyedListeners<[MultiDeviceEvent]>();
  private readonly ownChanges = new Map<string, number>();
  private readonly key = `easemob.multiDevice.${++nextKey}`;

  constructor(private readonly client: ParleyClient) {
    client.conversations.onMultiDevice.add(this.key, (event, data) => this.translate(event, data));
  }

  add(id: string, handlers: EventHandlers): void {
    const handler = handlers.onMultiDeviceEvent;
    if (handler) this.handlers.add(id, handler);
    else this.handlers.remove(id);
  }

  remove(id: string): void {
    this.handlers.remove(id);
  }

  close(): void {
    this.client.conversations.onMultiDevice.remove(this.key);
  }

  /**
   * Marks the events a change made here will echo (`pinnedConversation|p2p|bob`) for the time it runs.
   * The server pushes them before it answers, so they are gone by the time `run` settles.
   */
  async own<T>(echoes: string[], run: () => Promise<T>): Promise<T> {
    for (const e of echoes) this.ownChanges.set(e, (this.ownChanges.get(e) ?? 0) + 1);
    try {
      return await run();
    } finally {
      for (const e of echoes) {
        const left = (this.ownChanges.get(e) ?? 1) - 1;
        if (left > 0) this.ownChanges.set(e, left);
        else this.ownChanges.delete(e);
      }
    }
  }

  private translate(event: string, data: unknown): void {
    const timestamp = Date.now();
    const d = data as {
      conversationId?: string;
      conversationIds?: string[];
      deleteRoam?: boolean;
      messageIds?: string[];
      beforeTimestamp?: number | null;
    };
    if (event === 'multiDevice.pinnedConversation' || event === 'multiDevice.unpinnedConversation') {
      const operation = event === 'multiDevice.pinnedConversation' ? 'pinnedConversation' : 'unpinnedConversation';
      const { id, chatType } = bareIdOf(d.conversationId ?? '');
      this.emit(`${operation}|${d.conversationId}`, { operation, conversationId: id, conversationType: chatType, timestamp });
    } else if (event === 'multiDevice.deleteRoaming' && d.conversationIds) {
      // A conversation deleted: Easemob's deleteConversation, and deleteRoaming when its messages went too.
      for (const conversationId of d.conversationIds) {
        const { id, chatType } = bareIdOf(conversationId);
        const echo = `deleteConversation|${conversationId}`;
        const deleteRoam = d.deleteRoam === true;
        this.emit(echo, { operation: 'deleteConversation', conversationId: id, conversationType: chatType, deleteRoam, timestamp });
        if (deleteRoam) this.emit(echo, { operation: 'deleteRoaming', conversationId: id, chatType, timestamp });
      }
    } else if (event === 'multiDevice.deleteRoaming' && d.conversationId) {
      // Messages removed for this user (the server does not echo these to the acting device).
      const { id, chatType } = bareIdOf(d.conversationId);
      this.emit('', {
        operation: 'deleteRoaming',
        conversationId: id,
        chatType,
        ...(d.messageIds?.length ? { messageIds: d.messageIds } : {}),
        ...(typeof d.beforeTimestamp === 'number' ? { beforeTimeStamp: d.beforeTimestamp } : {}),
        timestamp,
      });
    }
  }

  private emit(echo: string, event: MultiDeviceEvent): void {
    if (echo && this.ownChanges.has(echo)) return;
    this.handlers.emit(event);
  }
}

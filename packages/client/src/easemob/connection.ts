import type { ListResult } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import { ParleyClientError } from '../errors.js';
import { channelOf, conversationIdOf } from './chat-type.js';
import { toConversationItem } from './conversation-item.js';
import { easemobCall, parameterError } from './errors.js';
import { type GetHistoryMessagesOptions, getHistoryMessages } from './history.js';
import { MultiDeviceEvents } from './multi-device.js';
import type {
  AsyncResult,
  ChatType,
  DeleteSessionResult,
  EventHandlers,
  HistoryMessages,
  PinConversation,
  ServerConversations,
} from './types.js';

export const CONVERSATION_PAGE_MAX = 50;
export const REMOVE_BY_IDS_MAX = 50;

const pageSizeOf = (pageSize: unknown = 20): number => {
  if (!Number.isInteger(pageSize) || (pageSize as number) < 1 || (pageSize as number) > CONVERSATION_PAGE_MAX)
    throw parameterError(`pageSize is 1..${CONVERSATION_PAGE_MAX}, not ${String(pageSize)}`);
  return pageSize as number;
};

const cursorOf = (cursor: unknown = ''): string => {
  if (cursor === null) return '';
  if (typeof cursor !== 'string') throw parameterError('cursor is a string');
  return cursor;
};

/**
 * The Easemob Web SDK connection's server conversation and roaming calls (seed 003) over a signed-in
 * Parley client: `EasemobConnection.over(client)` stands where `new WebIM.connection(...)` and
 * `open()` stood. Calls answer Easemob's shapes and reject with an `EasemobError` (`type`, `message`).
 */
export class EasemobConnection {
  private readonly multiDevice: MultiDeviceEvents;

  private constructor(private readonly client: ParleyClient) {
    this.multiDevice = new MultiDeviceEvents(client);
  }

  static over(client: ParleyClient): EasemobConnection {
    return new EasemobConnection(client);
  }

  /** Registers handlers under an id (a second call with the same id replaces them): `onMultiDeviceEvent`. */
  addEventHandler(id: string, handlers: EventHandlers): void {
    this.multiDevice.add(id, handlers);
  }

  removeEventHandler(id: string): void {
    this.multiDevice.remove(id);
  }

  /** Stops listening to the client (the client itself stays open). */
  close(): void {
    this.multiDevice.close();
  }

  /**
   * Conversations by last activity, newest first, with their last message. `pageSize` 1..50
   * (default 20, also when only a cursor is given); the last page's cursor is `''`. Unlike Easemob,
   * every conversation is kept (no 100 or 500 cap) and the list shows a message as soon as it is sent.
   */
  getServerConversations(params: { pageSize?: number; cursor?: string } = {}): Promise<AsyncResult<ServerConversations>> {
    return easemobCall(async () => {
      const pageSize = pageSizeOf(params.pageSize);
      const cursor = cursorOf(params.cursor);
      const page = await this.client.request<ListResult>('conversation.list', { limit: pageSize, ...(cursor ? { cursor } : {}) });
      const conversations = page.conversations.map((c) => toConversationItem(c, this.client.uid));
      return { type: 0, data: { conversations, cursor: page.cursor ?? '' } };
    });
  }

  /** Pinned conversations, newest pin first, `pageSize` (1..50, default 20) at a time; the last cursor is `''`. */
  getServerPinnedConversations(params: { pageSize?: number; cursor?: string } = {}): Promise<AsyncResult<ServerConversations>> {
    return easemobCall(async () => {
      const cursor = cursorOf(params.cursor);
      const page = await this.client.request<ListResult>('conversation.listPinned', {
        limit: pageSizeOf(params.pageSize),
        ...(cursor ? { cursor } : {}),
      });
      const conversations = page.conversations.map((c) => toConversationItem(c, this.client.uid));
      return { type: 0, data: { conversations, cursor: page.cursor ?? '' } };
    });
  }

  /** Pins or unpins (at most 50 pinned by default); the user's other devices get `onMultiDeviceEvent`. */
  pinConversation(params: {
    conversationId: string;
    conversationType: ChatType;
    isPinned: boolean;
  }): Promise<AsyncResult<PinConversation>> {
    return easemobCall(async () => {
      if (typeof params?.isPinned !== 'boolean') throw parameterError('isPinned is true or false');
      const conversationId = await conversationIdOf(this.client, params.conversationId, params.conversationType);
      const echo = `${params.isPinned ? 'pinnedConversation' : 'unpinnedConversation'}|${conversationId}`;
      const c = await this.multiDevice.own([echo], () => this.client.conversations.pin({ conversationId }, params.isPinned));
      return { type: 0, data: { isPinned: c.isPinned, pinnedTime: c.pinnedTime } };
    });
  }

  /**
   * Roaming history: `up` (default) newest first, `down` oldest first; `pageSize` 1..50 (default 20)
   * messages you can see: deleted and recalled ones leave no hole in a page.
   */
  getHistoryMessages(options: GetHistoryMessagesOptions): Promise<HistoryMessages> {
    return easemobCall(() => getHistoryMessages(this.client, options));
  }

  /** Deletes messages for this user only: everything before a time, or up to 50 by id. */
  removeHistoryMessages(
    options: { targetId: string; chatType: ChatType } & ({ beforeTimeStamp: number } | { messageIds: string[] }),
  ): Promise<void> {
    return easemobCall(async () => {
      const by = options as { beforeTimeStamp?: unknown; messageIds?: unknown };
      const byTime = by.beforeTimeStamp !== undefined;
      if (byTime === (by.messageIds !== undefined)) throw parameterError('give either beforeTimeStamp or messageIds');
      if (byTime && (!Number.isSafeInteger(by.beforeTimeStamp) || (by.beforeTimeStamp as number) < 0))
        throw parameterError('beforeTimeStamp is a time in ms');
      const ids = by.messageIds as string[];
      if (!byTime && (!Array.isArray(ids) || ids.length === 0 || ids.length > REMOVE_BY_IDS_MAX))
        throw parameterError(`messageIds holds 1..${REMOVE_BY_IDS_MAX} ids`);
      const channel = channelOf(await conversationIdOf(this.client, options.targetId, options.chatType));
      await this.client.messages.removeHistory(channel, byTime ? { beforeTimestamp: by.beforeTimeStamp as number } : { messageIds: ids });
    });
  }

  /** Deletes the conversation for this user, and with `deleteRoam` its roaming messages too. */
  deleteConversation(options: { channel: string; chatType: ChatType; deleteRoam: boolean }): Promise<AsyncResult<DeleteSessionResult>> {
    return easemobCall(async () => {
      const conversationId = await conversationIdOf(this.client, options?.channel, options?.chatType);
      const deleteRoam = options.deleteRoam === true;
      const echo = `deleteConversation|${conversationId}`;
      const { results } = await this.multiDevice.own([echo], () => this.client.conversations.delete([conversationId], deleteRoam));
      const error = results[0]?.error;
      if (error) throw new ParleyClientError(error.code as ParleyClientError['code'], error.message);
      return { type: 0, data: { result: 'ok' } };
    });
  }
}

import type { ChannelKey, ConversationRow, EventsOf } from '../../ports/storage/index.js';
import { viewedChannelId } from '../messages/message-view.js';
import { channelOrderKey, type WebhookEvents } from './webhook-events.js';

/** `conversation.deleted`: a user deleted a conversation (with `deleteRoam`, its history too), on every device. */
export function conversationDeleted(
  events: WebhookEvents,
  uid: string,
  key: ChannelKey & { conversationId: string },
  deleteRoam: boolean,
): EventsOf<ConversationRow> | undefined {
  return events.sink(() => [
    events.event('conversation.deleted', channelOrderKey(key.channelType, key.channelId), {
      uid,
      conversationId: key.conversationId,
      channelType: key.channelType,
      channelId: viewedChannelId(key.channelType, key.channelId, uid),
      deleteRoam,
    }),
  ]);
}

import type { Message } from '@parley/protocol';
import { chatTypeOf } from './chat-type.js';
import type { MessageBody } from './types.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const count = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * A Parley message in the Easemob form apps render (`type` 'txt', 'img', 'file', 'audio', 'video',
 * 'loc' or 'custom'). An edit shows as the edited content, as Easemob's modifyMessage replaces it.
 */
export function toMessageBody(m: Message, viewer: string): MessageBody {
  const chatType = chatTypeOf(m.channelType);
  const to = chatType === 'groupChat' ? m.channelId : m.fromUid === viewer ? m.channelId : viewer;
  const base = { id: m.messageId, chatType, from: m.fromUid, to, time: m.timestamp, ext: {} };
  const p = (m.extra.editedPayload ?? m.payload) as Record<string, unknown>;
  switch (m.contentType) {
    case 1:
      return { ...base, type: 'txt', msg: text(p.content) };
    case 2:
      return {
        ...base,
        type: 'img',
        url: text(p.url),
        width: count(p.width) ?? 0,
        height: count(p.height) ?? 0,
        file_length: count(p.size),
      };
    case 3:
      return { ...base, type: 'file', url: text(p.url), filename: text(p.name), file_length: count(p.size) };
    case 4:
      return { ...base, type: 'audio', url: text(p.url), length: count(p.duration) };
    case 5:
      return { ...base, type: 'video', url: text(p.url), length: count(p.duration) };
    case 6:
      return { ...base, type: 'loc', lat: count(p.latitude) ?? 0, lng: count(p.longitude) ?? 0, addr: text(p.address) };
    default: {
      // Custom content: Easemob's customEvent/customExts when the payload has them, else the payload itself.
      const { type, customEvent, customExts, ...rest } = p;
      const exts = customExts && typeof customExts === 'object' ? (customExts as Record<string, unknown>) : rest;
      return { ...base, type: 'custom', customEvent: typeof customEvent === 'string' ? customEvent : String(type), customExts: exts };
    }
  }
}

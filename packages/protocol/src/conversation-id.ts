import { ChannelType, isValidId } from './ids.js';

/** The NIM-style conversation id, as its owner sees it: `p2p|bob`, `team|g1`, `super_team|g2`, and `system|<own uid>` for system notices. */
const prefixes = {
  p2p: ChannelType.Person,
  team: ChannelType.Group,
  super_team: ChannelType.SuperGroup,
  system: ChannelType.System,
} as const;

export interface ChannelRef {
  channelId: string;
  channelType: ChannelType;
}

export const CONVERSATION_PREFIXES = 'p2p|team|super_team|system';
export const CONVERSATION_ID_PATTERN = `^(${CONVERSATION_PREFIXES})\\|[A-Za-z0-9_.@-]{1,64}$`;

export function parseConversationId(id: string): ChannelRef | undefined {
  const bar = id.indexOf('|');
  if (bar < 0) return undefined;
  const prefix = id.slice(0, bar);
  const channelId = id.slice(bar + 1);
  if (!Object.hasOwn(prefixes, prefix) || !isValidId(channelId)) return undefined;
  return { channelId, channelType: prefixes[prefix as keyof typeof prefixes] };
}

export function formatConversationId(ref: ChannelRef): string | undefined {
  switch (ref.channelType) {
    case ChannelType.Person:
      return `p2p|${ref.channelId}`;
    case ChannelType.Group:
      return `team|${ref.channelId}`;
    case ChannelType.SuperGroup:
      return `super_team|${ref.channelId}`;
    case ChannelType.System:
      return `system|${ref.channelId}`;
    default:
      return undefined;
  }
}

import type { ParleyClient } from '../client.js';
import type { ChannelAddress } from '../messages.js';
import { parameterError } from './errors.js';
import type { ChatType } from './types.js';

const channelTypeOfPrefix: Record<string, ChannelAddress['channelType']> = { p2p: 1, team: 2, super_team: 3, system: 4 };

/** Easemob's type of a Parley conversation: groups and super groups are both `groupChat`. */
export const chatTypeOf = (channelType: number): ChatType => (channelType === 2 || channelType === 3 ? 'groupChat' : 'singleChat');

/** `p2p|bob` → `{channelId: 'bob', channelType: 1}`. */
export function channelOf(conversationId: string): ChannelAddress {
  const bar = conversationId.indexOf('|');
  return { channelId: conversationId.slice(bar + 1), channelType: channelTypeOfPrefix[conversationId.slice(0, bar)] ?? 1 };
}

export function bareIdOf(conversationId: string): { id: string; chatType: ChatType } {
  const channel = channelOf(conversationId);
  return { id: channel.channelId, chatType: chatTypeOf(channel.channelType) };
}

/**
 * The Parley conversation id of an Easemob `(id, chatType)`. A `groupChat` is a group, unless the
 * user's conversation list knows it as a super group (Easemob has one kind of group, Parley two).
 */
export async function conversationIdOf(client: ParleyClient, id: unknown, chatType: unknown = 'singleChat'): Promise<string> {
  if (typeof id !== 'string' || id === '') throw parameterError('the peer or group id is required');
  if (chatType === 'singleChat') return `p2p|${id}`;
  if (chatType !== 'groupChat') throw parameterError(`chatType is 'singleChat' or 'groupChat', not ${String(chatType)}`);
  const superGroup = `super_team|${id}`;
  return (await client.conversations.list()).some((c) => c.conversationId === superGroup) ? superGroup : `team|${id}`;
}

import type { ChannelAddress } from '@parley/client';
import { isUid } from '../users/uids';

// The protocol's own parser lives beside its schemas; the app keeps this table to stay out of them at run time.
const typeOf = { p2p: 1, team: 2, super_team: 3, system: 4 } as const;
const prefixOf = { 1: 'p2p', 2: 'team', 3: 'super_team', 4: 'system' } as const;

/** The channel a conversation id names, or undefined for an id that names none. */
export function addressOf(conversationId: string): ChannelAddress | undefined {
  const bar = conversationId.indexOf('|');
  const prefix = conversationId.slice(0, bar) as keyof typeof typeOf;
  const channelId = conversationId.slice(bar + 1);
  if (bar < 1 || !Object.hasOwn(typeOf, prefix) || !isUid(channelId)) return undefined;
  return { channelType: typeOf[prefix], channelId };
}

export const conversationIdOf = (address: ChannelAddress): string => `${prefixOf[address.channelType]}|${address.channelId}`;

export const isGroup = (address: { channelType: number }): boolean => address.channelType === 2 || address.channelType === 3;

/** System notices are read, never answered. */
export const isReadOnly = (address: { channelType: number }): boolean => address.channelType === 4;

export const sameChannel = (a: ChannelAddress, b: { channelType: number; channelId: string }): boolean =>
  a.channelType === b.channelType && a.channelId === b.channelId;

import type { LoadSender } from './crash-load.js';
import type { ChannelSpec } from './history-audit.js';
import { p2pChannel, targetOf } from './send-ledger.js';

export interface RingLoad {
  senders: LoadSender[];
  channels: ChannelSpec[];
  /** Every sender: the members of the group and of the super group. */
  everyone: string[];
}

/**
 * The crash test's shape of load, for the cluster tests: each WebSocket user writes to both of its
 * ring neighbours (so every 1:1 chat has two concurrent senders), to a group and to a super group of
 * everyone; each REST user writes to one peer and both groups. Channels are named as the audits
 * name them (`group:<id>`, `super:<id>`, `p2p:<a>|<b>`).
 */
export function ringLoad(options: {
  wsUsers: readonly string[];
  rest?: ReadonlyArray<{ uid: string; peer: string }>;
  group: string;
  superGroup: string;
}): RingLoad {
  const { wsUsers, rest = [], group, superGroup } = options;
  const ring = (i: number) => wsUsers[(i + wsUsers.length) % wsUsers.length] as string;
  const senders: LoadSender[] = [
    ...wsUsers.map((uid, i) => ({
      uid,
      via: 'ws' as const,
      channels: [p2pChannel(uid, ring(i + 1)), group, superGroup, p2pChannel(uid, ring(i - 1))],
    })),
    ...rest.map(({ uid, peer }) => ({ uid, via: 'rest' as const, channels: [p2pChannel(uid, peer), group, superGroup] })),
  ];
  const everyone = senders.map((s) => s.uid);
  const channels: ChannelSpec[] = [...new Set(senders.flatMap((s) => s.channels.filter((c) => c.startsWith('p2p:'))))].map((name) => ({
    name,
    members: name.slice('p2p:'.length).split('|'),
  }));
  channels.push({ name: group, members: everyone }, { name: superGroup, members: everyone });
  return { senders, channels, everyone };
}

/** The id of a `group:<id>` or `super:<id>` channel name. */
export const groupIdOf = (name: string): string => name.slice(name.indexOf(':') + 1);

/** The channels of `uid` among `channels`, with the address `uid` uses for each (for the SDK). */
export function addressesOf(channels: readonly ChannelSpec[], uid: string) {
  return channels
    .filter((c) => c.members.includes(uid))
    .map((c) => {
      const [channelId, channelType] = targetOf(c.name, uid);
      return { name: c.name, address: { channelId, channelType: channelType as 1 | 2 | 3 } };
    });
}

/** A problem list fit for a failure message: the first 40, and how many more. */
export const firstOf = (problems: string[]): string[] =>
  problems.length > 40 ? [...problems.slice(0, 40), `and ${problems.length - 40} more`] : problems;

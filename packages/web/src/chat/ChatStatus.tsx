import type { ChannelAddress } from '@parley/client';
import { lastSeenText } from '../ui/time';
import { PersonName } from '../users/PersonAvatar';
import { usePresence } from '../users/use-people';
import { useTyping } from './use-typing';

/** The chat header's second line: who is typing, else the peer's "online" or "last seen", else `fallback`. */
export function ChatStatus({ address, fallback }: { address: ChannelAddress; fallback: string }) {
  const typing = useTyping(address);
  const presence = usePresence(address.channelType === 1 ? address.channelId : undefined);
  if (typing.length > 0) return <TypingLine uids={typing} />;
  if (presence?.online) return 'online';
  if (presence?.lastSeen) return lastSeenText(presence.lastSeen);
  return fallback;
}

function TypingLine({ uids }: { uids: string[] }) {
  const [first, ...others] = uids as [string, ...string[]];
  return (
    <span className="typing">
      <PersonName uid={first} />
      {others.length > 0 ? ` and ${others.length} more are typing…` : ' is typing…'}
    </span>
  );
}

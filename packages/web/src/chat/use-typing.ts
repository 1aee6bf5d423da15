import type { ChannelAddress } from '@parley/client';
import { useEffect, useId, useState } from 'react';
import { useApp } from '../app-context';
import { sameChannel } from '../conversations/address';

/**
 * Who is typing in this chat now, in the order they started. Each `typing` push says for how long;
 * it ends sooner on "stopped" (0) or when a message of theirs arrives.
 */
export function useTyping(address: ChannelAddress): string[] {
  const { client } = useApp();
  const key = `typing-${useId()}`;
  const [typing, setTyping] = useState<string[]>([]);
  const { channelType, channelId } = address;

  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const here = { channelType, channelId };
    const stop = (uid: string) => {
      clearTimeout(timers.get(uid));
      if (!timers.delete(uid)) return;
      setTyping((list) => list.filter((u) => u !== uid));
    };
    client.people.onTyping.add(key, (e) => {
      if (!sameChannel(here, e)) return;
      if (e.expiresInMs <= 0) return stop(e.uid);
      clearTimeout(timers.get(e.uid));
      timers.set(
        e.uid,
        setTimeout(() => stop(e.uid), e.expiresInMs),
      );
      setTyping((list) => (list.includes(e.uid) ? list : [...list, e.uid]));
    });
    client.messages.onNewMessage.add(key, (m) => {
      if (sameChannel(here, m)) stop(m.fromUid);
    });
    return () => {
      client.people.onTyping.remove(key);
      client.messages.onNewMessage.remove(key);
      for (const t of timers.values()) clearTimeout(t);
      setTyping([]);
    };
  }, [client, key, channelType, channelId]);
  return typing;
}

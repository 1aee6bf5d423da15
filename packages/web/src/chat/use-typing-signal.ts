import type { ChannelAddress } from '@parley/client';
import { useCallback, useEffect, useRef } from 'react';
import { useApp } from '../app-context';

/** The server forwards one `typing.start` per this long (PARLEY_TYPING_INTERVAL_SECONDS' default); repeats sooner are dropped. */
const INTERVAL_MS = 3000;

/**
 * Tells the chat's others while you type: `typing(text)` on every change of the input sends
 * `typing.start` at most every 3 s while there is text, and `typing.stop` once it is emptied (a
 * send empties it). Typing is a hint: a failed call is not worth a word to the user.
 */
export function useTypingSignal(address: ChannelAddress): (text: string) => void {
  const { client } = useApp();
  const lastStart = useRef<number>(undefined);
  const { channelType, channelId } = address;

  const stop = useCallback(() => {
    if (lastStart.current === undefined || channelType === 4) return;
    lastStart.current = undefined;
    void client.people.stopTyping({ channelType, channelId }).catch(() => {});
  }, [client, channelType, channelId]);

  // Leaving the chat stops it too.
  useEffect(() => stop, [stop]);

  return useCallback(
    (text: string) => {
      // System notices have no composer, and nobody to tell.
      if (channelType === 4) return;
      if (!text.trim()) return stop();
      const now = Date.now();
      if (lastStart.current !== undefined && now - lastStart.current < INTERVAL_MS) return;
      lastStart.current = now;
      void client.people.startTyping({ channelType, channelId }).catch(() => {});
    },
    [client, channelType, channelId, stop],
  );
}

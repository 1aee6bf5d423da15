import type { PresenceState, Profile } from '@parley/protocol';
import { useEffect, useSyncExternalStore } from 'react';
import { useApp } from '../app-context';

/** A user's profile once the server has shown it (undefined while asked, or when it is not yours to see). */
export function useProfile(uid: string | undefined): Profile | undefined {
  const { profiles } = useApp();
  useSyncExternalStore(profiles.subscribe, profiles.snapshot);
  return uid === undefined ? undefined : profiles.get(uid);
}

/** The name to show for a user: their profile's name, else the uid. */
export function useName(uid: string): string {
  return useProfile(uid)?.name || uid;
}

/** Follows `uid` (when given) and answers their presence once known. */
export function usePresence(uid: string | undefined): PresenceState | undefined {
  const { presence } = useApp();
  useSyncExternalStore(presence.subscribe, presence.snapshot);
  useEffect(() => {
    if (uid !== undefined) presence.follow(uid);
  }, [presence, uid]);
  return uid === undefined ? undefined : presence.state(uid);
}

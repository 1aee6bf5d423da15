import { Avatar } from '../ui/Avatar';
import { useName, usePresence, useProfile } from './use-people';

/**
 * A user's avatar (`label`, by default their name, names the picture and gives the initials) (their picture, else initials), with a green dot while they are online when
 * `presence` is set: that follows them.
 */
export function PersonAvatar({ uid, label, size, presence }: { uid: string; label?: string; size?: number; presence?: boolean }) {
  const profile = useProfile(uid);
  const shown = label ?? (profile?.name || uid);
  const state = usePresence(presence ? uid : undefined);
  return (
    <span className="avatar-frame">
      <Avatar id={`p2p|${uid}`} label={shown} size={size} src={profile?.avatar || undefined} />
      {state?.online && <span className="presence-dot" role="img" aria-label="Online" title="Online" />}
    </span>
  );
}

/** A user's name (else their uid), kept current. */
export function PersonName({ uid }: { uid: string }) {
  return useName(uid);
}

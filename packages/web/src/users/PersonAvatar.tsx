import { Avatar } from '../ui/Avatar';
import { useName, usePresence, useProfile } from './use-people';

/**
 * A user's avatar: their picture, else initials (`label`, by default their name, is the picture's alt
 * text and gives the initials); with `presence`, the user is followed and a green dot shows while online.
 */
export function PersonAvatar({ uid, label, size, presence }: { uid: string; label?: string; size?: number; presence?: boolean }) {
  const profile = useProfile(uid);
  const shown = label ?? (profile?.name || uid);
  const state = usePresence(presence ? uid : undefined);
  return (
    <span className="avatar-frame">
      <Avatar id={`p2p|${uid}`} label={shown} size={size} src={profile?.avatar || undefined} />
      {state?.online && (
        // Drawn by CSS; the word is for screen readers (the app's role="img" elements are its SVG icons).
        <span className="presence-dot" title="Online">
          <span className="visually-hidden">Online</span>
        </span>
      )}
    </span>
  );
}

/** A user's name (else their uid), kept current. */
export function PersonName({ uid }: { uid: string }) {
  return useName(uid);
}

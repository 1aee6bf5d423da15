import { useState } from 'react';

/**
 * A picture when `src` is one the page may load, else initials on a colour picked from the id, so a
 * person or group looks the same everywhere. A picture that fails to load falls back to the initials.
 */
export function Avatar({ id, label, size = 40, src }: { id: string; label: string; size?: number; src?: string }) {
  const [failed, setFailed] = useState<string>();
  const picture = src && loadable(src) && failed !== src ? src : undefined;
  if (picture) return <img className="avatar" src={picture} alt={label} width={size} height={size} onError={() => setFailed(picture)} />;
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  const initials =
    label
      .replace(/[^\p{L}\p{N}]/gu, '')
      .slice(0, 2)
      .toUpperCase() || '#';
  return (
    // OKLCH: one lightness for every hue, dark enough for white initials (4.5:1), where HSL's yellows and greens were too light.
    <span className="avatar" aria-hidden="true" style={{ width: size, height: size, background: `oklch(50% 0.13 ${hash % 360})` }}>
      {initials}
    </span>
  );
}

/**
 * The server's content security policy lets the page show images from itself, `data:` and `blob:`
 * only (`img-src 'self' blob: data:`): an avatar elsewhere would be refused, so it gets initials.
 */
function loadable(src: string): boolean {
  try {
    const url = new URL(src, location.href);
    return url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === location.origin;
  } catch {
    return false;
  }
}

/** Initials on a colour picked from the id, so a person or group looks the same everywhere. */
export function Avatar({ id, label, size = 40 }: { id: string; label: string; size?: number }) {
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

const day = 86_400_000;

const startOfDay = (ms: number): number => {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};

/** As chat apps show it in a list: the time today, the weekday this week, the date before that. */
export function listTime(ms: number, now = Date.now()): string {
  if (!ms) return '';
  const today = startOfDay(now);
  if (ms >= today) return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (ms >= today - day) return 'Yesterday';
  if (ms >= today - 6 * day) return new Date(ms).toLocaleDateString([], { weekday: 'short' });
  return new Date(ms).toLocaleDateString([], { year: 'numeric', month: '2-digit', day: '2-digit' });
}

export function messageTime(ms: number, now = Date.now()): string {
  const time = new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return ms >= startOfDay(now) ? time : `${new Date(ms).toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', day],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "last seen just now", "last seen 5 minutes ago", "last seen yesterday"; a week on, the date. */
export function lastSeenText(ms: number, now = Date.now()): string {
  const ago = Math.max(0, now - ms);
  if (ago < 60_000) return 'last seen just now';
  if (ago >= 7 * day) return `last seen ${new Date(ms).toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' })}`;
  const [unit, size] = units.find(([, size]) => ago >= size) ?? ['minute', 60_000];
  return `last seen ${new Intl.RelativeTimeFormat([], { numeric: 'auto' }).format(-Math.floor(ago / size), unit)}`;
}

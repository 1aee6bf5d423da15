import { ApiError } from '../../session/api';

export const dateTime = (ms: number): string => (ms ? new Date(ms).toLocaleString() : '–');

export const messageOf = (err: unknown): string => (err instanceof ApiError || err instanceof Error ? err.message : String(err));

/** Role numbers of group members, as the admin API gives them. */
export const roleName = (role: number): string => (role === 2 ? 'Owner' : role === 1 ? 'Admin' : 'Member');

/** `mutedUntil`: 0 not muted, -1 until unmuted, else ms since the epoch. */
export function muteText(mutedUntil: number, now = Date.now()): string {
  if (mutedUntil === -1) return 'Muted';
  if (mutedUntil > now) return `Muted until ${dateTime(mutedUntil)}`;
  return 'No';
}

export const isMuted = (mutedUntil: number, now = Date.now()): boolean => mutedUntil === -1 || mutedUntil > now;

export function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

export function duration(seconds: number): string {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

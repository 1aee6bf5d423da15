import type { LocalMessage } from '@parley/client';
import { isNotice } from './content';

/** What the message list shows, in order: a line for each new day, the unread line, and the messages. */
export type TimelineEntry =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: LocalMessage };

const DAY_MS = 86_400_000;
const dayStart = (t: number) => new Date(t).setHours(0, 0, 0, 0);

/** "Today", "Yesterday", the weekday within a week, else the date (with the year when it is not this one). */
export function dayLabel(timestamp: number, now: number): string {
  const days = Math.round((dayStart(now) - dayStart(timestamp)) / DAY_MS);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const date = new Date(timestamp);
  if (days > 1 && days < 7) return date.toLocaleDateString(undefined, { weekday: 'long' });
  const year = date.getFullYear() === new Date(now).getFullYear() ? undefined : 'numeric';
  return date.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'long', year });
}

/** Unread: a message from someone else after the seq the reader had read when the chat opened. */
const isUnread = (m: LocalMessage, me: string, readSeq: number) => m.messageSeq > readSeq && m.fromUid !== me && !isNotice(m);

/**
 * The entries for `items` (in seq order): a day line before the first message of each day, and the
 * "New messages" line before the first unread one, `readSeq` being where the reader was when the chat
 * opened (undefined: nothing was unread then).
 */
export function timeline(items: LocalMessage[], me: string, readSeq: number | undefined, now: number): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let day = Number.NaN;
  let unreadShown = readSeq === undefined;
  for (const m of items) {
    const start = dayStart(m.timestamp);
    if (start !== day) {
      day = start;
      entries.push({ kind: 'day', key: `day-${start}`, label: dayLabel(m.timestamp, now) });
    }
    if (!unreadShown && isUnread(m, me, readSeq as number)) {
      unreadShown = true;
      entries.push({ kind: 'unread', key: 'unread' });
    }
    entries.push({ kind: 'message', key: m.clientMsgNo || m.messageId, message: m });
  }
  return entries;
}

/** Messages from others below the newest one the reader has seen: what the "new messages" button counts. */
export const countUnseen = (items: LocalMessage[], me: string, seenSeq: number): number =>
  items.filter((m) => isUnread(m, me, seenSeq)).length;

import type { StoredEvent } from '../../ports/storage/index.js';

/** A user's unread total now (ConversationService.totalUnread). */
export type UnreadTotal = (uid: string) => Promise<number>;

/**
 * One POST's body: `{"events":[…]}`, each event `{"id", "type", "createdAt", "data"}` with `data` as
 * it was stored (never parsed and serialized again: what was signed is what was written). A
 * `message.offline` gets its recipient's unread total here, as it is when the POST is made, so a
 * push's badge is current even for an event delivered late (each recipient read once per body).
 */
export async function renderBody(events: readonly StoredEvent[], unreadTotal: UnreadTotal): Promise<string> {
  const totals = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'message.offline') continue;
    const { uid } = JSON.parse(e.dataJson) as { uid: string };
    if (!totals.has(uid)) totals.set(uid, 0);
  }
  await Promise.all([...totals.keys()].map(async (uid) => totals.set(uid, await unreadTotal(uid))));
  let body = '{"events":[';
  events.forEach((e, i) => {
    let data = e.dataJson;
    if (e.type === 'message.offline') data = `${data.slice(0, -1)},"unreadTotal":${totals.get((JSON.parse(data) as { uid: string }).uid)}}`;
    body += `${i ? ',' : ''}{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"createdAt":${e.createdAt},"data":${data}}`;
  });
  return `${body}]}`;
}

/** The events that fit one POST: at most `maxBytes` of stored data (at least one event), in order. */
export function fitting<T extends { dataJson: string }>(events: readonly T[], maxBytes: number): T[] {
  let bytes = 0;
  let n = 0;
  for (const e of events) {
    bytes += Buffer.byteLength(e.dataJson) + 100;
    if (n > 0 && bytes > maxBytes) break;
    n++;
  }
  return events.slice(0, n);
}

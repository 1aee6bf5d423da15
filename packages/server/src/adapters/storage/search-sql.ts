/**
 * The channels a user may read, with their window, as SQL both backends share (`SearchStore`): one
 * row per channel: `channel_type, channel_id, floor, ceiling, days`. A message is readable when
 * `floor < seq <= ceiling`, its timestamp is at or above `now - days` (when days > 0), it is not
 * revoked and the user has not deleted it. This is `MessageVisibility`'s rule (domain/messages/
 * visibility.ts) as a set, so that a search filters inside its query, before its LIMIT:
 * - groups and super groups the user is a member of: above their clear point, their join point
 *   (unless the group shows history to newcomers) and the purge point, up to the channel's end;
 * - groups they left: their conversation row, up to where it stopped (former members keep what they saw);
 * - their 1:1 chats and their own system channel: above their clear point and the purge point.
 */
export interface ReadableParams {
  uid: string;
  defaultDays: string;
  greatest: 'MAX' | 'GREATEST';
  /** Placeholders of a channel to keep alone, when the search names one. */
  channel?: { type: string; id: string };
}

export function readableSql(p: ReadableParams): string {
  const only = (alias: string) =>
    p.channel ? `AND ${alias}.channel_type = ${p.channel.type} AND ${alias}.channel_id = ${p.channel.id}` : '';
  return `
    SELECT m.channel_type, m.channel_id,
      ${p.greatest}(COALESCE(v.clear_seq, 0), CASE WHEN ch.allow_history THEN 0 ELSE m.join_seq END, ch.purged_seq) AS floor,
      ch.max_seq AS ceiling, COALESCE(ch.retention_days, ${p.defaultDays}) AS days
    FROM members m
    JOIN channels ch ON ch.channel_type = m.channel_type AND ch.channel_id = m.channel_id
    LEFT JOIN conversations v ON v.uid = m.uid
      AND v.conversation_id = (CASE m.channel_type WHEN 2 THEN 'team|' ELSE 'super_team|' END) || m.channel_id
    WHERE m.uid = ${p.uid} AND m.channel_type IN (2, 3) ${only('m')}
    UNION ALL
    SELECT c.channel_type, c.channel_id, ${p.greatest}(c.clear_seq, ch.purged_seq) AS floor,
      CASE WHEN c.channel_type = 2 THEN c.last_seq ELSE ch.max_seq END AS ceiling, COALESCE(ch.retention_days, ${p.defaultDays}) AS days
    FROM conversations c
    JOIN channels ch ON ch.channel_type = c.channel_type AND ch.channel_id = c.channel_id
    WHERE c.uid = ${p.uid} ${only('c')} AND (
      c.channel_type = 1 OR (c.channel_type = 4 AND c.channel_id = ${p.uid})
      OR (c.channel_type = 2 AND NOT EXISTS (
        SELECT 1 FROM members x WHERE x.channel_type = 2 AND x.channel_id = c.channel_id AND x.uid = ${p.uid})))`;
}

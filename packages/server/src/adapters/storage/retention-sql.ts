import { DAY_MS } from '../../ports/storage/retention.js';

/**
 * The countable-message ordinal at a seq, as SQL for both adapters: the stored message's `red_ord`
 * or, for a seq that retention removed (at or below the channel's `purged_seq`), the channel's
 * `purged_ord`. Counting unread from the purge point is what a read position inside the removed
 * range means: nothing there exists to be unread any more. `message` is a LEFT JOINed `messages`
 * alias, `channel` a `channels` alias, `seq` the seq's SQL expression.
 */
export const ordinalSql = (message: string, channel: string, seq: string): string =>
  `COALESCE(${message}.red_ord, CASE WHEN ${seq} <= ${channel}.purged_seq THEN ${channel}.purged_ord ELSE 0 END)`;

/**
 * `ConversationStore.unreadTotal`'s retention rule as SQL for both adapters: whether the
 * conversation row `c` has unread that may count expired or removed messages (see the port).
 * The arguments are the SQL of the policy's values (placeholders); `greatest` is the dialect's
 * two-argument maximum.
 */
export const mayCountExpiredSql = (p: { defaultDays: string; now: string; margin: string; greatest: 'MAX' | 'GREATEST' }): string => {
  const days = `CAST(COALESCE(ch.retention_days, ${p.defaultDays}) AS BIGINT)`;
  return `(c.last_ord > c.read_ord AND EXISTS (
    SELECT 1 FROM channels ch
    LEFT JOIN messages f ON f.channel_type = ch.channel_type AND f.channel_id = ch.channel_id
      AND f.seq = ${p.greatest}(c.read_seq, ch.purged_seq) + 1
    WHERE ch.channel_type = c.channel_type AND ch.channel_id = c.channel_id
      AND (c.read_seq < ch.purged_seq OR (${days} > 0 AND f.ts < CAST(${p.now} AS BIGINT) - ${days} * ${DAY_MS} + ${p.margin}))))`;
};

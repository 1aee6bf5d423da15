import type { Pool } from 'pg';
import type { ChannelKey, GroupSendFacts } from '../../../ports/storage/index.js';
import { type GroupSendFactsRow, groupSendFactsColumns, toGroupSendFacts } from '../group-send-facts-row.js';

/** What a group send asks: is the channel there, and may this sender write in it. */
export interface GroupSendQuestion {
  key: ChannelKey;
  senderUid: string;
}

/**
 * The permission check of every group and super-group send, for all the sends of one event-loop
 * turn in one statement (a `CoalescedReads` reader; answers in question order, by ordinality).
 * Asked one round trip per send, these reads outnumbered a group's commits 29 to 1 in the fan-out
 * bench (5,864 against 201); sharing them raised its super group of 100 from 1.6-1.7 k to 1.9-2.4 k
 * messages a second (BENCHMARKS.md, 2026-12-04).
 */
export const readGroupSendFacts =
  (pool: Pool, channelColumns: string) =>
  async (questions: readonly GroupSendQuestion[]): Promise<GroupSendFacts[]> => {
    const { rows } = await pool.query<GroupSendFactsRow>({
      name: 'parley_group_send_facts',
      text: `SELECT ${channelColumns}, ${groupSendFactsColumns('k.sender')}
       FROM unnest($1::int[], $2::text[], $3::text[]) WITH ORDINALITY AS k(channel_type, channel_id, sender, ord)
       LEFT JOIN channels c ON c.channel_type = k.channel_type AND c.channel_id = k.channel_id
       LEFT JOIN members m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.uid = k.sender
       ORDER BY k.ord`,
      values: [questions.map((q) => q.key.channelType), questions.map((q) => q.key.channelId), questions.map((q) => q.senderUid)],
    });
    return rows.map(toGroupSendFacts);
  };

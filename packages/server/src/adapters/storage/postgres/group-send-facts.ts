import type { Pool } from 'pg';
import type { ChannelKey, GroupSendFacts } from '../../../ports/storage/index.js';
import { type ChannelRow, toChannel, toMember } from '../rows.js';

/** What a group send asks: is the channel there, and may this sender write in it. */
export interface GroupSendQuestion {
  key: ChannelKey;
  senderUid: string;
}

/** A channel joined with the sender's member row (all null when not a member) and whitelist facts; channel columns null when there is no channel. */
interface SendFactsRow extends ChannelRow {
  member_uid: string | null;
  member_role: number;
  member_muted_until: number;
  member_join_seq: number;
  member_joined_at: number;
  whitelist_size: number;
  sender_whitelisted: boolean;
  sender_banned: boolean;
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
    const { rows } = await pool.query<SendFactsRow>({
      name: 'parley_group_send_facts',
      text: `SELECT ${channelColumns},
         m.uid AS member_uid, m.role AS member_role, m.muted_until AS member_muted_until,
         m.join_seq AS member_join_seq, m.joined_at AS member_joined_at,
         (SELECT COUNT(*) FROM whitelist w WHERE w.channel_type = c.channel_type AND w.channel_id = c.channel_id) AS whitelist_size,
         EXISTS (SELECT 1 FROM whitelist w WHERE w.channel_type = c.channel_type AND w.channel_id = c.channel_id AND w.uid = k.sender)
           AS sender_whitelisted,
         EXISTS (SELECT 1 FROM users u WHERE u.uid = k.sender AND u.banned_at > 0) AS sender_banned
       FROM unnest($1::int[], $2::text[], $3::text[]) WITH ORDINALITY AS k(channel_type, channel_id, sender, ord)
       LEFT JOIN channels c ON c.channel_type = k.channel_type AND c.channel_id = k.channel_id
       LEFT JOIN members m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.uid = k.sender
       ORDER BY k.ord`,
      values: [questions.map((q) => q.key.channelType), questions.map((q) => q.key.channelId), questions.map((q) => q.senderUid)],
    });
    return rows.map(toFacts);
  };

function toFacts(row: SendFactsRow): GroupSendFacts {
  // No channel: nothing about the sender is answered either.
  if ((row.channel_id as string | null) === null)
    return { channel: undefined, member: undefined, whitelistSize: 0, senderWhitelisted: false, senderBanned: false };
  const member =
    row.member_uid === null
      ? undefined
      : toMember({
          uid: row.member_uid,
          role: row.member_role,
          muted_until: row.member_muted_until,
          join_seq: row.member_join_seq,
          joined_at: row.member_joined_at,
        });
  return {
    channel: toChannel(row),
    member,
    whitelistSize: row.whitelist_size,
    senderWhitelisted: row.sender_whitelisted,
    senderBanned: row.sender_banned,
  };
}

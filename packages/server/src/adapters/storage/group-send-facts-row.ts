import type { GroupSendFacts } from '../../ports/storage/index.js';
import { type ChannelRow, toChannel, toMember } from './rows.js';

/**
 * A group send's permission facts as one row: the channel (`c`) joined with the sender's member row
 * (`m`, all null when not a member) and the whitelist and ban facts. Both stores read it in one
 * statement; booleans come back as booleans from PostgreSQL and as 0 or 1 from SQLite.
 */
export interface GroupSendFactsRow extends ChannelRow {
  member_uid: string | null;
  member_role: number;
  member_muted_until: number;
  member_join_seq: number;
  member_joined_at: number;
  whitelist_size: number;
  sender_whitelisted: boolean | number;
  sender_banned: boolean | number;
}

/** The select list after the channel's columns, for channels `c` left-joined with members `m`; `sender` is the sender's uid in SQL. */
export const groupSendFactsColumns = (sender: string): string => `
  m.uid AS member_uid, m.role AS member_role, m.muted_until AS member_muted_until,
  m.join_seq AS member_join_seq, m.joined_at AS member_joined_at,
  (SELECT COUNT(*) FROM whitelist w WHERE w.channel_type = c.channel_type AND w.channel_id = c.channel_id) AS whitelist_size,
  EXISTS (SELECT 1 FROM whitelist w WHERE w.channel_type = c.channel_type AND w.channel_id = c.channel_id AND w.uid = ${sender})
    AS sender_whitelisted,
  EXISTS (SELECT 1 FROM users u WHERE u.uid = ${sender} AND u.banned_at > 0) AS sender_banned`;

/** No channel (no row, or its columns null): nothing about the sender is answered either. */
const NO_GROUP: GroupSendFacts = {
  channel: undefined,
  member: undefined,
  whitelistSize: 0,
  senderWhitelisted: false,
  senderBanned: false,
};

export function toGroupSendFacts(row: GroupSendFactsRow | undefined): GroupSendFacts {
  if (!row || (row.channel_id as string | null) === null) return { ...NO_GROUP };
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
    whitelistSize: Number(row.whitelist_size),
    senderWhitelisted: Boolean(row.sender_whitelisted),
    senderBanned: Boolean(row.sender_banned),
  };
}

import type { StoredMessage } from '../../../ports/storage/index.js';
import { type MessageRow, toStoredMessage } from '../rows.js';

/** What a send writes (commit-batch.ts inserts these, and `red_ord`). */
const INSERTED_COLUMN_NAMES = [
  'channel_type',
  'channel_id',
  'seq',
  'message_id',
  'client_msg_no',
  'from_uid',
  'ts',
  'content_type',
  'red_dot',
  'payload',
  'meta',
] as const satisfies ReadonlyArray<keyof MessageRow>;
/** What a read returns: the sent message and what happened to it since. */
const MESSAGE_COLUMN_NAMES = [
  ...INSERTED_COLUMN_NAMES,
  'revoked_at',
  'revoker',
  'edited_at',
  'edit_count',
  'edited_payload',
  'annotated',
  'stream_state',
  'stream_chunk',
  'stream_status',
  'stream_at',
] as const satisfies ReadonlyArray<keyof MessageRow>;
export const messageColumns = (table?: string): string => MESSAGE_COLUMN_NAMES.map((c) => (table ? `${table}.${c}` : c)).join(', ');
export const MESSAGE_COLUMNS = messageColumns();

/** The columns of `table`'s message renamed `<prefix><column>`: a message read beside another table's row. */
export const prefixedMessageColumns = (table: string, prefix: string): string =>
  MESSAGE_COLUMN_NAMES.map((c) => `${table}.${c} AS ${prefix}${c}`).join(', ');

/** The message a row read with `prefixedMessageColumns` carries; undefined where an outer join found none. */
export function prefixedMessage(row: Record<string, unknown>, prefix: string): StoredMessage | undefined {
  if (row[`${prefix}seq`] === null || row[`${prefix}seq`] === undefined) return undefined;
  const message: Record<string, unknown> = {};
  for (const c of MESSAGE_COLUMN_NAMES) message[c] = row[prefix + c];
  return toStoredMessage(message as unknown as MessageRow);
}

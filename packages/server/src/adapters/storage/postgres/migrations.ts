import type { Pool } from 'pg';
import { NewerSchemaError } from '../newer-schema.js';
import { inTransaction } from './transaction.js';

/**
 * Ordered, append-only: a released migration is never edited, a change is a new entry.
 * The SQL schema the shared row mappings read (../rows.ts; what each table holds: docs/architecture.md,
 * "Data model"), in PostgreSQL types: BIGINT for ms timestamps, seqs and versions, BOOLEAN for flags.
 * Ids are `COLLATE "C"` so that they compare and sort by code point (bytewise UTF-8), as the ports
 * require, whatever the database's default collation; that also lets the sorted reads use the
 * primary keys.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE users (
    uid TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    avatar TEXT NOT NULL DEFAULT '',
    ext TEXT NOT NULL DEFAULT '',
    conv_version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE TABLE blacklist (
    owner_uid TEXT COLLATE "C" NOT NULL,
    blocked_uid TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner_uid, blocked_uid)
  );
  CREATE TABLE channels (
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    owner_uid TEXT COLLATE "C" NOT NULL DEFAULT '',
    allow_history BOOLEAN NOT NULL DEFAULT FALSE,
    banned BOOLEAN NOT NULL DEFAULT FALSE,
    mute_all BOOLEAN NOT NULL DEFAULT FALSE,
    dismissed BOOLEAN NOT NULL DEFAULT FALSE,
    member_count INTEGER NOT NULL DEFAULT 0,
    max_seq BIGINT NOT NULL DEFAULT 0,
    last_msg_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (channel_type, channel_id)
  );
  CREATE UNIQUE INDEX channels_group_id ON channels (channel_id) WHERE channel_type IN (2, 3);
  CREATE TABLE members (
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    uid TEXT COLLATE "C" NOT NULL,
    role INTEGER NOT NULL DEFAULT 0,
    muted_until BIGINT NOT NULL DEFAULT 0,
    join_seq BIGINT NOT NULL DEFAULT 0,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (channel_type, channel_id, uid)
  );
  CREATE INDEX members_by_uid ON members (uid, channel_type);
  CREATE TABLE whitelist (
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    uid TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (channel_type, channel_id, uid)
  );
  CREATE TABLE messages (
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    message_id TEXT COLLATE "C" NOT NULL,
    client_msg_no TEXT COLLATE "C" NOT NULL,
    from_uid TEXT COLLATE "C" NOT NULL,
    ts BIGINT NOT NULL,
    content_type INTEGER NOT NULL,
    red_dot BOOLEAN NOT NULL,
    payload TEXT NOT NULL,
    meta TEXT NOT NULL,
    PRIMARY KEY (channel_type, channel_id, seq)
  );
  CREATE UNIQUE INDEX messages_client_no ON messages (from_uid, client_msg_no);
  CREATE UNIQUE INDEX messages_id ON messages (message_id);
  -- One user's view of one channel. For super groups only the owner's own state lives here
  -- (read position, ext, pin, delete); order and last message come from channels at read time.
  CREATE TABLE conversations (
    uid TEXT COLLATE "C" NOT NULL,
    conversation_id TEXT COLLATE "C" NOT NULL,
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    sort_ts BIGINT NOT NULL DEFAULT 0,
    last_seq BIGINT NOT NULL DEFAULT 0,
    read_seq BIGINT NOT NULL DEFAULT 0,
    hidden_seq BIGINT NOT NULL DEFAULT -1,
    clear_seq BIGINT NOT NULL DEFAULT 0,
    ext TEXT NOT NULL DEFAULT '',
    pinned_at BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (uid, conversation_id)
  );
  CREATE INDEX conversations_by_time ON conversations (uid, sort_ts DESC, conversation_id);
  CREATE INDEX conversations_by_version ON conversations (uid, version);
  `,
  // The conversation service: exact unread by subtraction of ordinals, mentions, super-group sync.
  // Nothing is backfilled: messages stored before it count as ordinal 0.
  // The epoch is any random positive value below 2^53, so that it is also exact as a JS number.
  `
  ALTER TABLE messages ADD COLUMN red_ord BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE channels
    ADD COLUMN red_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN all_mention_seq BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN sg_clock BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE conversations
    ADD COLUMN last_ord BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN read_ord BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN mention_seq BIGINT NOT NULL DEFAULT 0;
  CREATE TABLE counters (name TEXT COLLATE "C" PRIMARY KEY, value BIGINT NOT NULL);
  INSERT INTO counters (name, value) VALUES ('supergroup_clock', 0), ('epoch', 1 + floor(random() * 9007199254740990)::bigint);
  `,
  // Message operations: revoke, edit, reactions, read receipts, one-way deletes.
  // Conversations by channel: a revoke finds and flags the rows of its channel while it holds the
  // channel row (and, for a super group, the database-wide clock row); without the index that would
  // be a scan of every user's conversations under those locks.
  `
  ALTER TABLE messages
    ADD COLUMN revoked_at BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN revoker TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN edited_at BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN edited_payload TEXT NOT NULL DEFAULT '',
    -- TRUE once the message has a reaction or a read receipt: only then are those read back with it.
    ADD COLUMN annotated BOOLEAN NOT NULL DEFAULT FALSE;
  ALTER TABLE channels ADD COLUMN revoke_count BIGINT NOT NULL DEFAULT 0;
  -- TRUE once a revoke or a one-way delete may hide counted messages: unread is then recounted exactly.
  ALTER TABLE conversations ADD COLUMN may_hide BOOLEAN NOT NULL DEFAULT FALSE;
  CREATE INDEX conversations_by_channel ON conversations (channel_type, channel_id);
  -- Revoked countable messages: unread recounts read this, not the unread range.
  CREATE INDEX messages_revoked ON messages (channel_type, channel_id, seq) WHERE revoked_at > 0 AND red_dot;
  CREATE TABLE deleted_messages (
    uid TEXT COLLATE "C" NOT NULL,
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (uid, channel_type, channel_id, seq)
  );
  CREATE TABLE reactions (
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    emoji TEXT COLLATE "C" NOT NULL,
    uid TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (channel_type, channel_id, seq, emoji, uid)
  );
  CREATE TABLE receipts (
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    uid TEXT COLLATE "C" NOT NULL,
    read_at BIGINT NOT NULL,
    PRIMARY KEY (channel_type, channel_id, seq, uid)
  );
  `,
  `
  -- The user's newest conversation updateTime: each new one is at least 2 ms above it (NIM paging).
  ALTER TABLE users ADD COLUMN last_sort_ts BIGINT NOT NULL DEFAULT 0;
  UPDATE users SET last_sort_ts = COALESCE((SELECT MAX(sort_ts) FROM conversations c WHERE c.uid = users.uid), 0);
  `,
  // header.syncOnce: messages outside the channel log, queued per recipient until they acknowledge.
  // The message row stays after the last ack: it answers a resent clientMsgNo as a duplicate.
  `
  CREATE TABLE sync_once_messages (
    message_id TEXT COLLATE "C" PRIMARY KEY,
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    client_msg_no TEXT COLLATE "C" NOT NULL,
    from_uid TEXT COLLATE "C" NOT NULL,
    ts BIGINT NOT NULL,
    content_type INTEGER NOT NULL,
    payload TEXT NOT NULL,
    meta TEXT NOT NULL
  );
  CREATE UNIQUE INDEX sync_once_client_no ON sync_once_messages (from_uid, client_msg_no);
  -- pos: queue order (commit order on one node), so a user's page is one index range.
  CREATE TABLE sync_once_queue (
    uid TEXT COLLATE "C" NOT NULL,
    message_id TEXT COLLATE "C" NOT NULL,
    pos BIGINT GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (uid, message_id)
  );
  CREATE INDEX sync_once_queue_order ON sync_once_queue (uid, pos);
  `,
  // Retention: a group's own setting (NULL: the server's default, 0: keep forever) and how far the
  // background job has removed the channel's messages (every seq at or below purged_seq is gone;
  // purged_ord counts the countable ones among them, where unread counting resumes).
  `
  ALTER TABLE channels
    ADD COLUMN retention_days INTEGER,
    ADD COLUMN purged_seq BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN purged_ord BIGINT NOT NULL DEFAULT 0;
  -- With no server default, the job visits only the channels that have a setting of their own.
  CREATE INDEX channels_with_retention ON channels (channel_type, channel_id) WHERE retention_days > 0;
  -- The job removes a channel's one-way deletes below its purge point without scanning every user's.
  CREATE INDEX deleted_messages_by_channel ON deleted_messages (channel_type, channel_id, seq);
  `,
  // Users' data, exported and erased. An erasure's record stays after it finished (tokens issued
  // before it stay refused); erasure_replies is its work list of channels whose replies may quote
  // the user. The indexes find a user's rows without scanning everyone's.
  `
  CREATE TABLE user_erasures (
    uid TEXT COLLATE "C" PRIMARY KEY,
    erased_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0
  );
  CREATE TABLE erasure_replies (
    uid TEXT COLLATE "C" NOT NULL,
    channel_type INTEGER NOT NULL,
    channel_id TEXT COLLATE "C" NOT NULL,
    next_seq BIGINT NOT NULL,
    PRIMARY KEY (uid, channel_type, channel_id)
  );
  CREATE INDEX reactions_by_uid ON reactions (uid, channel_type, channel_id, seq, emoji);
  CREATE INDEX receipts_by_uid ON receipts (uid);
  CREATE INDEX blacklist_by_blocked ON blacklist (blocked_uid);
  CREATE INDEX whitelist_by_uid ON whitelist (uid);
  CREATE INDEX sync_once_queue_by_message ON sync_once_queue (message_id);
  `, // A ban (ms; 0: none): tokens and sends of a banned user are refused, read with what is read anyway.
  // A constant default: PostgreSQL adds the column without rewriting the table.
  `
  ALTER TABLE users ADD COLUMN banned_at BIGINT NOT NULL DEFAULT 0;
  `, // Presence: when the user's last device left (ms; 0: never seen), and whether they hide their presence.
  `
  ALTER TABLE users ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN presence_hidden BOOLEAN NOT NULL DEFAULT FALSE;
  `, // Every token issued at or before it is refused (POST /v1/admin/users/{uid}/tokens/revoke); 0: never.
  `
  ALTER TABLE users ADD COLUMN tokens_revoked_at BIGINT NOT NULL DEFAULT 0;
  `,
  // Webhooks (docs/webhooks.md): events wait in the outbox, written in the transaction of what they
  // report, until delivered (then deleted) or given up on (moved to the dead letters). position is
  // the write order within a lane (taken while the channel's row is locked, for a channel's events),
  // never reused (a replayed dead letter takes its old one back); age_start is when its age, which
  // decides when it dies, began. A lane row exists while the lane is leased or failing.
  `
  CREATE TABLE webhook_outbox (
    position BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    event_id TEXT COLLATE "C" NOT NULL,
    lane INTEGER NOT NULL,
    type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    age_start BIGINT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX webhook_outbox_by_lane ON webhook_outbox (lane, position);
  CREATE TABLE webhook_dead_letters (
    position BIGINT PRIMARY KEY,
    event_id TEXT COLLATE "C" NOT NULL,
    lane INTEGER NOT NULL,
    type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    age_start BIGINT NOT NULL,
    data TEXT NOT NULL,
    died_at BIGINT NOT NULL,
    last_error TEXT NOT NULL
  );
  CREATE INDEX webhook_dead_letters_by_event ON webhook_dead_letters (event_id);
  CREATE TABLE webhook_lanes (
    lane INTEGER PRIMARY KEY,
    owner TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
  );
  CREATE TABLE webhook_endpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  `,
  // Mute, archive, labels and drafts: see the SQLite migration of the same number for the design.
  // A constant default: the columns are added without rewriting the table.
  `
  ALTER TABLE conversations
    ADD COLUMN muted_until BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN archived_seq BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN labels TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN draft_text TEXT NOT NULL DEFAULT '',
    ADD COLUMN draft_ext TEXT NOT NULL DEFAULT '',
    ADD COLUMN draft_at BIGINT NOT NULL DEFAULT 0;
  DROP INDEX conversations_by_time;
  CREATE INDEX conversations_by_time ON conversations (uid, archived, sort_ts DESC, conversation_id);
  CREATE TABLE conversation_labels (
    uid TEXT COLLATE "C" NOT NULL,
    label TEXT COLLATE "C" NOT NULL,
    conversation_id TEXT COLLATE "C" NOT NULL,
    channel_type INTEGER NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    sort_ts BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (uid, label, conversation_id)
  );
  CREATE INDEX conversation_labels_by_time ON conversation_labels (uid, label, archived, sort_ts DESC, conversation_id);
  CREATE INDEX conversation_labels_by_conversation ON conversation_labels (uid, conversation_id);
  CREATE FUNCTION parley_conversation_labels_follow() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    UPDATE conversation_labels SET sort_ts = NEW.sort_ts, archived = NEW.archived
    WHERE uid = NEW.uid AND conversation_id = NEW.conversation_id;
    RETURN NULL;
  END $fn$;
  CREATE TRIGGER conversation_labels_follow AFTER UPDATE OF sort_ts, archived ON conversations FOR EACH ROW
    WHEN (NEW.labels <> '[]' AND (NEW.sort_ts <> OLD.sort_ts OR NEW.archived <> OLD.archived))
    EXECUTE FUNCTION parley_conversation_labels_follow();
  CREATE FUNCTION parley_conversation_labels_gone() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    DELETE FROM conversation_labels WHERE uid = OLD.uid AND conversation_id = OLD.conversation_id;
    RETURN NULL;
  END $fn$;
  CREATE TRIGGER conversation_labels_gone AFTER DELETE ON conversations FOR EACH ROW WHEN (OLD.labels <> '[]')
    EXECUTE FUNCTION parley_conversation_labels_gone();
  `,
  // Message search (search.ts): the tokens of the message's current text (search-text.ts) as a
  // tsvector written verbatim by the statements that write a message (no parser, no extension, no
  // locale; weight C: the channel's token, which scoped searches intersect with), NULL when it has no
  // text or is revoked; a GIN index over it. Messages stored before it
  // are indexed after the migration, in bounded batches in key order (search_backfill: where the
  // last batch stopped; done once it reached the end).
  `
  ALTER TABLE messages ADD COLUMN search_tsv tsvector;
  CREATE INDEX messages_search ON messages USING GIN (search_tsv);
  CREATE TABLE search_backfill (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    done BOOLEAN NOT NULL,
    channel_type INTEGER NOT NULL DEFAULT 0,
    channel_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    seq BIGINT NOT NULL DEFAULT 0
  );
  INSERT INTO search_backfill (id, done) SELECT 1, NOT EXISTS (SELECT 1 FROM messages);
  `,
  // Streamed messages (docs/protocol.md, Streaming messages): the text so far is the payload itself;
  // stream_state 0 not a stream, 1 open, 2 ended; stream_chunk the last chunk applied; stream_status
  // how it ended; stream_at its last activity (the idle close reads it). The partial indexes hold
  // only the open streams: the per-sender count and the idle sweep read nothing else.
  `
  ALTER TABLE messages
    ADD COLUMN stream_state SMALLINT NOT NULL DEFAULT 0,
    ADD COLUMN stream_chunk INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN stream_status TEXT NOT NULL DEFAULT '',
    ADD COLUMN stream_at BIGINT NOT NULL DEFAULT 0;
  CREATE INDEX messages_open_streams_by_sender ON messages (from_uid) WHERE stream_state = 1;
  CREATE INDEX messages_open_streams_by_time ON messages (stream_at) WHERE stream_state = 1;
  `,
];

/** The unique index whose violation means a concurrent node stored the same (from_uid, client_msg_no). */
export const CLIENT_MSG_NO_INDEX = 'messages_client_no';
/** The same for a sync-once message (header.syncOnce), kept outside the channel log. */
export const SYNC_ONCE_CLIENT_MSG_NO_INDEX = 'sync_once_client_no';

/** The schema version this code writes (its own count: SQLite's migrations are numbered apart). */
export const SCHEMA_VERSION = migrations.length;

/**
 * Brings the schema up to date in one transaction. Nodes starting at once against the same schema
 * queue on an advisory lock keyed by the schema name, so exactly one applies each migration and the
 * others then find it recorded; different schemas (test isolation) do not wait for each other.
 * `schema`, when given, is created here under the same lock, because concurrent
 * `CREATE SCHEMA IF NOT EXISTS` can itself fail on a unique violation.
 */
export async function migrate(pool: Pool, schema: string | undefined): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('parley.migrations'), hashtext(COALESCE($1::text, current_schema())))", [
      schema ?? null,
    ]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const { rows } = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    if ((rows[0]?.v ?? 0) > migrations.length) throw new NewerSchemaError(rows[0]?.v ?? 0, migrations.length);
    for (let i = rows[0]?.v ?? 0; i < migrations.length; i++) {
      await client.query(migrations[i] as string);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [i + 1, Date.now()]);
    }
  });
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

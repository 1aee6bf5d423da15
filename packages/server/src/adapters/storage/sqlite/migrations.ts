import type { Database } from 'better-sqlite3';
import { NewerSchemaError } from '../newer-schema.js';

/**
 * Ordered, append-only: a released migration is never edited, a change is a new entry.
 * The data model keeps channel state (one row per channel, written once per message) apart from
 * per-user conversation state (written per member only for small channels), so a super-group
 * send costs O(1) rows; see docs/architecture.md.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE users (
    uid TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    avatar TEXT NOT NULL DEFAULT '',
    ext TEXT NOT NULL DEFAULT '',
    conv_version INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE blacklist (
    owner_uid TEXT NOT NULL,
    blocked_uid TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (owner_uid, blocked_uid)
  ) WITHOUT ROWID;
  CREATE TABLE channels (
    channel_type INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    owner_uid TEXT NOT NULL DEFAULT '',
    allow_history INTEGER NOT NULL DEFAULT 0,
    banned INTEGER NOT NULL DEFAULT 0,
    mute_all INTEGER NOT NULL DEFAULT 0,
    dismissed INTEGER NOT NULL DEFAULT 0,
    member_count INTEGER NOT NULL DEFAULT 0,
    max_seq INTEGER NOT NULL DEFAULT 0,
    last_msg_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel_type, channel_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX channels_group_id ON channels (channel_id) WHERE channel_type IN (2, 3);
  CREATE TABLE members (
    channel_type INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    role INTEGER NOT NULL DEFAULT 0,
    muted_until INTEGER NOT NULL DEFAULT 0,
    join_seq INTEGER NOT NULL DEFAULT 0,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (channel_type, channel_id, uid)
  ) WITHOUT ROWID;
  CREATE INDEX members_by_uid ON members (uid, channel_type);
  CREATE TABLE whitelist (
    channel_type INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    PRIMARY KEY (channel_type, channel_id, uid)
  ) WITHOUT ROWID;
  CREATE TABLE messages (
    channel_type INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    client_msg_no TEXT NOT NULL,
    from_uid TEXT NOT NULL,
    ts INTEGER NOT NULL,
    content_type INTEGER NOT NULL,
    red_dot INTEGER NOT NULL,
    payload TEXT NOT NULL,
    meta TEXT NOT NULL,
    PRIMARY KEY (channel_type, channel_id, seq)
  );
  CREATE UNIQUE INDEX messages_client_no ON messages (from_uid, client_msg_no);
  CREATE UNIQUE INDEX messages_id ON messages (message_id);
  -- One user's view of one channel. For super groups only the owner's own state lives here
  -- (read position, ext, pin, delete); order and last message come from channels at read time.
  CREATE TABLE conversations (
    uid TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    channel_type INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    sort_ts INTEGER NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL DEFAULT 0,
    read_seq INTEGER NOT NULL DEFAULT 0,
    hidden_seq INTEGER NOT NULL DEFAULT -1,
    clear_seq INTEGER NOT NULL DEFAULT 0,
    ext TEXT NOT NULL DEFAULT '',
    pinned_at INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (uid, conversation_id)
  ) WITHOUT ROWID;
  CREATE INDEX conversations_by_time ON conversations (uid, sort_ts DESC, conversation_id);
  CREATE INDEX conversations_by_version ON conversations (uid, version);
  `,
  // The conversation service: exact unread by subtraction of ordinals, mentions, super-group sync.
  `
  ALTER TABLE messages ADD COLUMN red_ord INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE channels ADD COLUMN red_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE channels ADD COLUMN all_mention_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE channels ADD COLUMN sg_clock INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN last_ord INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN read_ord INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN mention_seq INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO counters (name, value) VALUES ('supergroup_clock', 0), ('epoch', abs(random()) % 9007199254740991);
  `,
  // Message operations: revoke, edit, reactions, read receipts, one-way deletes.
  `
  ALTER TABLE messages ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN revoker TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN edited_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN edited_payload TEXT NOT NULL DEFAULT '';
  -- 1 once the message has a reaction or a read receipt: only then are those read back with it.
  ALTER TABLE messages ADD COLUMN annotated INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE channels ADD COLUMN revoke_count INTEGER NOT NULL DEFAULT 0;
  -- 1 once a revoke or a one-way delete may hide counted messages: unread is then recounted exactly.
  ALTER TABLE conversations ADD COLUMN may_hide INTEGER NOT NULL DEFAULT 0;
  -- A revoke finds the channel's conversation rows without scanning every user's.
  CREATE INDEX conversations_by_channel ON conversations (channel_type, channel_id);
  -- Revoked countable messages: unread recounts read this, not the unread range.
  CREATE INDEX messages_revoked ON messages (channel_type, channel_id, seq) WHERE revoked_at > 0 AND red_dot = 1;
  CREATE TABLE deleted_messages (
    uid TEXT NOT NULL, channel_type INTEGER NOT NULL, channel_id TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (uid, channel_type, channel_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE reactions (
    channel_type INTEGER NOT NULL, channel_id TEXT NOT NULL, seq INTEGER NOT NULL, emoji TEXT NOT NULL, uid TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel_type, channel_id, seq, emoji, uid)
  ) WITHOUT ROWID;
  CREATE TABLE receipts (
    channel_type INTEGER NOT NULL, channel_id TEXT NOT NULL, seq INTEGER NOT NULL, uid TEXT NOT NULL, read_at INTEGER NOT NULL,
    PRIMARY KEY (channel_type, channel_id, seq, uid)
  ) WITHOUT ROWID;
  `,
  `
  -- The user's newest conversation updateTime: each new one is at least 2 ms above it (NIM paging).
  ALTER TABLE users ADD COLUMN last_sort_ts INTEGER NOT NULL DEFAULT 0;
  UPDATE users SET last_sort_ts = COALESCE((SELECT MAX(sort_ts) FROM conversations c WHERE c.uid = users.uid), 0);
  `,
  // header.syncOnce: messages outside the channel log, queued per recipient until they acknowledge.
  // The message row stays after the last ack: it answers a resent clientMsgNo as a duplicate.
  `
  CREATE TABLE sync_once_messages (
    message_id TEXT PRIMARY KEY,
    channel_type INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    client_msg_no TEXT NOT NULL,
    from_uid TEXT NOT NULL,
    ts INTEGER NOT NULL,
    content_type INTEGER NOT NULL,
    payload TEXT NOT NULL,
    meta TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX sync_once_client_no ON sync_once_messages (from_uid, client_msg_no);
  -- pos: queue order (commit order), so a user's page is one index range.
  CREATE TABLE sync_once_queue (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL,
    message_id TEXT NOT NULL
  );
  CREATE UNIQUE INDEX sync_once_queue_entry ON sync_once_queue (uid, message_id);
  CREATE INDEX sync_once_queue_order ON sync_once_queue (uid, pos);
  `,
  // Retention: a group's own setting (NULL: the server's default, 0: keep forever) and how far the
  // background job has removed the channel's messages (every seq at or below purged_seq is gone;
  // purged_ord counts the countable ones among them, where unread counting resumes).
  `
  ALTER TABLE channels ADD COLUMN retention_days INTEGER;
  ALTER TABLE channels ADD COLUMN purged_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE channels ADD COLUMN purged_ord INTEGER NOT NULL DEFAULT 0;
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
    uid TEXT PRIMARY KEY,
    erased_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE TABLE erasure_replies (
    uid TEXT NOT NULL, channel_type INTEGER NOT NULL, channel_id TEXT NOT NULL, next_seq INTEGER NOT NULL,
    PRIMARY KEY (uid, channel_type, channel_id)
  ) WITHOUT ROWID;
  CREATE INDEX reactions_by_uid ON reactions (uid, channel_type, channel_id, seq, emoji);
  CREATE INDEX receipts_by_uid ON receipts (uid);
  CREATE INDEX blacklist_by_blocked ON blacklist (blocked_uid);
  CREATE INDEX whitelist_by_uid ON whitelist (uid);
  CREATE INDEX sync_once_queue_by_message ON sync_once_queue (message_id);
  `, // A ban (ms; 0: none): tokens and sends of a banned user are refused, read with what is read anyway.
  `
  ALTER TABLE users ADD COLUMN banned_at INTEGER NOT NULL DEFAULT 0;
  `, // Presence: when the user's last device left (ms; 0: never seen), and whether they hide their presence.
  `
  ALTER TABLE users ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN presence_hidden INTEGER NOT NULL DEFAULT 0;
  `, // Every token issued at or before it is refused (POST /v1/admin/users/{uid}/tokens/revoke); 0: never.
  `
  ALTER TABLE users ADD COLUMN tokens_revoked_at INTEGER NOT NULL DEFAULT 0;
  `,
  // Webhooks (docs/webhooks.md): events wait in the outbox, written in the transaction of what they
  // report, until delivered (then deleted) or given up on (moved to the dead letters). position is
  // the write order, never reused (a replayed dead letter takes its old one back); age_start is when
  // its age, which decides when it dies, began. A lane row exists while the lane is leased or failing.
  `
  CREATE TABLE webhook_outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    lane INTEGER NOT NULL,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    age_start INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX webhook_outbox_by_lane ON webhook_outbox (lane, position);
  CREATE TABLE webhook_dead_letters (
    position INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    lane INTEGER NOT NULL,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    age_start INTEGER NOT NULL,
    data TEXT NOT NULL,
    died_at INTEGER NOT NULL,
    last_error TEXT NOT NULL
  );
  CREATE INDEX webhook_dead_letters_by_event ON webhook_dead_letters (event_id);
  CREATE TABLE webhook_lanes (
    lane INTEGER PRIMARY KEY,
    owner TEXT NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
  );
  CREATE TABLE webhook_endpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // Mute, archive, labels and drafts (docs/protocol.md, Conversations). The list index leads with
  // archived so that the default list and ?archived=true are each one ordered range. Labels live
  // twice: on the row (labels, a sorted JSON array, rendered with it) and one row per (label,
  // conversation) in conversation_labels, which carries a copy of the conversation's sort_ts and
  // archived so that a label's list is one ordered index range too (O(page), no scan of the user's
  // conversations). The triggers keep the copies in step with every write of those two columns
  // (a commit's fan-out included), and only run for labelled rows.
  `
  ALTER TABLE conversations ADD COLUMN muted_until INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN archived_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE conversations ADD COLUMN draft_text TEXT NOT NULL DEFAULT '';
  ALTER TABLE conversations ADD COLUMN draft_ext TEXT NOT NULL DEFAULT '';
  ALTER TABLE conversations ADD COLUMN draft_at INTEGER NOT NULL DEFAULT 0;
  DROP INDEX conversations_by_time;
  CREATE INDEX conversations_by_time ON conversations (uid, archived, sort_ts DESC, conversation_id);
  CREATE TABLE conversation_labels (
    uid TEXT NOT NULL,
    label TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    channel_type INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    sort_ts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (uid, label, conversation_id)
  ) WITHOUT ROWID;
  CREATE INDEX conversation_labels_by_time ON conversation_labels (uid, label, archived, sort_ts DESC, conversation_id);
  CREATE INDEX conversation_labels_by_conversation ON conversation_labels (uid, conversation_id);
  CREATE TRIGGER conversation_labels_follow AFTER UPDATE OF sort_ts, archived ON conversations
    WHEN NEW.labels <> '[]' AND (NEW.sort_ts <> OLD.sort_ts OR NEW.archived <> OLD.archived)
  BEGIN
    UPDATE conversation_labels SET sort_ts = NEW.sort_ts, archived = NEW.archived
    WHERE uid = NEW.uid AND conversation_id = NEW.conversation_id;
  END;
  CREATE TRIGGER conversation_labels_gone AFTER DELETE ON conversations WHEN OLD.labels <> '[]'
  BEGIN
    DELETE FROM conversation_labels WHERE uid = OLD.uid AND conversation_id = OLD.conversation_id;
  END;
  `,
  // Message search (search.ts): a contentless FTS5 index whose rowid is the message's rowid, kept by
  // triggers in the transaction of every write to a message (insert, edit, revoke, erasure, delete);
  // the tokens come from parley_search(), the TypeScript tokenizer registered on the connection; ch is
  // the channel's token (parley_search_channel), which scoped searches intersect with.
  // Messages stored before it are indexed after the migration, in bounded batches (backfillSearch):
  // counters.search_backfill is the last rowid done, search_backfill_end the last one to do.
  `
  CREATE VIRTUAL TABLE message_search USING fts5(bi, uni, ch, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
  CREATE TRIGGER message_search_insert AFTER INSERT ON messages
  WHEN parley_search(new.payload, new.edited_payload, new.revoked_at, 0) IS NOT NULL BEGIN
    INSERT INTO message_search (rowid, bi, uni, ch)
    VALUES (new.rowid, parley_search(new.payload, new.edited_payload, new.revoked_at, 0), parley_search(new.payload, new.edited_payload, new.revoked_at, 1),
      parley_search_channel(new.channel_type, new.channel_id));
  END;
  CREATE TRIGGER message_search_update AFTER UPDATE OF payload, edited_payload, revoked_at ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.rowid;
    INSERT INTO message_search (rowid, bi, uni, ch)
    SELECT new.rowid, parley_search(new.payload, new.edited_payload, new.revoked_at, 0), parley_search(new.payload, new.edited_payload, new.revoked_at, 1),
      parley_search_channel(new.channel_type, new.channel_id)
    WHERE parley_search(new.payload, new.edited_payload, new.revoked_at, 0) IS NOT NULL;
  END;
  CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.rowid;
  END;
  INSERT INTO counters (name, value) VALUES ('search_backfill', 0), ('search_backfill_end', (SELECT COALESCE(MAX(rowid), 0) FROM messages));
  `,
  // Streamed messages (docs/protocol.md, Streaming messages): the text so far is the payload itself;
  // stream_state 0 not a stream, 1 open, 2 ended; stream_chunk the last chunk applied; stream_status
  // how it ended; stream_at its last activity (the idle close reads it). The partial indexes hold
  // only the open streams: the per-sender count and the idle sweep read nothing else.
  // Search indexes an open stream's text once (at open; later, the indexer) and again when it ends (or is revoked), not
  // on every chunk: reindexing the whole text so far per chunk would cost a long stream's CPU
  // quadratically in its length.
  `
  ALTER TABLE messages ADD COLUMN stream_state INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN stream_chunk INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN stream_status TEXT NOT NULL DEFAULT '';
  ALTER TABLE messages ADD COLUMN stream_at INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX messages_open_streams_by_sender ON messages (from_uid) WHERE stream_state = 1;
  CREATE INDEX messages_open_streams_by_time ON messages (stream_at) WHERE stream_state = 1;
  DROP TRIGGER message_search_update;
  CREATE TRIGGER message_search_update AFTER UPDATE OF payload, edited_payload, revoked_at, stream_state ON messages
  WHEN new.stream_state <> 1 OR new.revoked_at <> old.revoked_at BEGIN
    DELETE FROM message_search WHERE rowid = old.rowid;
    INSERT INTO message_search (rowid, bi, uni, ch)
    SELECT new.rowid, parley_search(new.payload, new.edited_payload, new.revoked_at, 0), parley_search(new.payload, new.edited_payload, new.revoked_at, 1),
      parley_search_channel(new.channel_type, new.channel_id)
    WHERE parley_search(new.payload, new.edited_payload, new.revoked_at, 0) IS NOT NULL;
  END;
  `,
  // Search indexes new messages after their commit, not in it (search.ts, SearchIndexer): indexing
  // in the send's transaction tokenized each row through three function calls inside the commit, and
  // batches cost less (1:1 send 80-91 -> 68-74 us of server CPU a message, BENCHMARKS.md). An insert only queues the message's rowid; a search indexes
  // what is queued before it reads, so it finds what was just sent. A change to a queued message
  // leaves it to the indexer, which reads the current text; a delete unqueues it. Messages stored
  // before this migration are indexed already (by the trigger it drops, or by the backfill).
  `
  CREATE TABLE message_search_pending (message_rowid INTEGER PRIMARY KEY);
  DROP TRIGGER message_search_insert;
  CREATE TRIGGER message_search_queue AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO message_search_pending (message_rowid) VALUES (new.rowid);
  END;
  DROP TRIGGER message_search_update;
  CREATE TRIGGER message_search_update AFTER UPDATE OF payload, edited_payload, revoked_at, stream_state ON messages
  WHEN (new.stream_state <> 1 OR new.revoked_at <> old.revoked_at)
    AND NOT EXISTS (SELECT 1 FROM message_search_pending WHERE message_rowid = new.rowid) BEGIN
    DELETE FROM message_search WHERE rowid = old.rowid;
    INSERT INTO message_search (rowid, bi, uni, ch)
    SELECT new.rowid, parley_search(new.payload, new.edited_payload, new.revoked_at, 0), parley_search(new.payload, new.edited_payload, new.revoked_at, 1),
      parley_search_channel(new.channel_type, new.channel_id)
    WHERE parley_search(new.payload, new.edited_payload, new.revoked_at, 0) IS NOT NULL;
  END;
  DROP TRIGGER message_search_delete;
  CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search_pending WHERE message_rowid = old.rowid;
    DELETE FROM message_search WHERE rowid = old.rowid;
  END;
  `,
  // The search index moves to a file of its own, written by a worker thread in the server
  // (search-index.ts, search-indexer.ts): FTS5 in this file took the send's commit lock for its writes,
  // and the indexing was about a tenth of a 1:1 send's time on the thread that serves every send.
  // Every write that can change what a message puts in the index now only appends its rowid to the
  // log; the indexer applies the log to the index file. message_search_source names this database
  // to its index file: an index made for another one (or for this one before a restore) is rebuilt.
  // The old index is dropped; the first open after this migration indexes every message again.
  `
  DROP TRIGGER message_search_queue;
  DROP TRIGGER message_search_update;
  DROP TRIGGER message_search_delete;
  DROP TABLE message_search_pending;
  DROP TABLE message_search;
  DELETE FROM counters WHERE name IN ('search_backfill', 'search_backfill_end');
  CREATE TABLE message_search_log (id INTEGER PRIMARY KEY, message_rowid INTEGER NOT NULL);
  CREATE TABLE message_search_source (id INTEGER NOT NULL);
  INSERT INTO message_search_source (id) VALUES (abs(random() % 9007199254740991));
  CREATE TRIGGER message_search_log_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search_log (message_rowid) VALUES (new.rowid);
  END;
  CREATE TRIGGER message_search_log_update AFTER UPDATE OF payload, edited_payload, revoked_at, stream_state ON messages
  WHEN new.stream_state <> 1 OR new.revoked_at <> old.revoked_at BEGIN
    INSERT INTO message_search_log (message_rowid) VALUES (new.rowid);
  END;
  CREATE TRIGGER message_search_log_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search_log (message_rowid) VALUES (old.rowid);
  END;
  `,
  // Inserts are logged by the commit, one statement a batch (search-index.ts, messageInsertLog): the
  // trigger's program, run once a row, cost more than the log row it wrote.
  `DROP TRIGGER message_search_log_insert;`,
  // Counts the changes, by any connection, to what a 1:1 send is checked against (a user made, renamed
  // or deleted, a ban put on or lifted, a blacklist row): the store's cache of those facts
  // (send-facts-cache.ts) empties itself when another connection moved it, and only then, so commits
  // of other tables (the webhook worker's) leave it alone. Sends write none of these.
  `
  CREATE TABLE send_facts_version (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
  INSERT INTO send_facts_version (id, value) VALUES (1, 0);
  CREATE TRIGGER send_facts_user_insert AFTER INSERT ON users BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_user_delete AFTER DELETE ON users BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_user_update AFTER UPDATE OF uid, banned_at ON users
  WHEN old.uid IS NOT new.uid OR (old.banned_at > 0) <> (new.banned_at > 0) BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_block AFTER INSERT ON blacklist BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_unblock AFTER DELETE ON blacklist BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_block_update AFTER UPDATE ON blacklist BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  `,
  // The same count for what a group send is checked against (send-facts-cache.ts keeps those facts
  // too): groups made or changed, members, roles and mutes, whitelists, retention. A commit's bump of
  // a channel's message counters changes none of the columns named, and person channels (type 1,
  // made by their first message) are no group.
  `
  CREATE TRIGGER send_facts_group_insert AFTER INSERT ON channels WHEN NEW.channel_type IN (2, 3) BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_group_delete AFTER DELETE ON channels WHEN OLD.channel_type IN (2, 3) BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_group_update AFTER UPDATE OF channel_type, channel_id, name, owner_uid, allow_history, banned, mute_all,
    dismissed, member_count, retention_days, purged_seq, purged_ord ON channels WHEN NEW.channel_type IN (2, 3) OR OLD.channel_type IN (2, 3) BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_member_insert AFTER INSERT ON members BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_member_delete AFTER DELETE ON members BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_member_update AFTER UPDATE ON members BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_whitelist_insert AFTER INSERT ON whitelist BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_whitelist_delete AFTER DELETE ON whitelist BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  CREATE TRIGGER send_facts_whitelist_update AFTER UPDATE ON whitelist BEGIN
    UPDATE send_facts_version SET value = value + 1;
  END;
  `,
];

/** The schema version this code writes: a database whose version is higher was made by a newer Parley. */
export const SCHEMA_VERSION = migrations.length;

export function migrate(db: Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number };
  if (row.v > migrations.length) throw new NewerSchemaError(row.v, migrations.length);
  db.transaction(() => {
    for (let i = row.v; i < migrations.length; i++) {
      db.exec(migrations[i] as string);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(i + 1, Date.now());
    }
  })();
}

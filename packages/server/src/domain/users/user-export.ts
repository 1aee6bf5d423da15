import { type ExportedConversation, type ExportedMessage, ParleyError, type User, type UserExport } from '@parley/protocol';
import type { FileStore, StoredFile } from '../../ports/files.js';
import type { ChannelKey, ConversationRow, QueuedMessage, Storage, StoredMessage, UserReaction } from '../../ports/storage/index.js';
import { type MessageMeta, parseStoredPayload, viewedChannelId } from '../messages/message-view.js';

/** Records read per storage call: what an export holds in memory at a time. */
const PAGE = 500;

/**
 * A user's data as one JSON document (`UserExport`), produced in pieces: each storage page is
 * rendered and handed on before the next is read, so a user with a million messages costs the
 * memory of one page. Pages follow keyset cursors; the document is not a snapshot.
 */
export class UserExporter {
  constructor(
    private readonly storage: Storage,
    private readonly files: FileStore,
    private readonly clock: () => number = Date.now,
    private readonly pageSize = PAGE,
  ) {}

  /** Fails with `user.not_found` before anything is produced; the document's text, in pieces. */
  async open(uid: string): Promise<AsyncGenerator<string>> {
    const profile = await this.storage.users.get(uid);
    if (!profile) throw new ParleyError('user.not_found', `No user "${uid}"`);
    return this.document(uid, profile);
  }

  private async *document(uid: string, profile: User): AsyncGenerator<string> {
    const head: Pick<UserExport, 'uid' | 'exportedAt' | 'profile' | 'blacklist'> = {
      uid,
      exportedAt: this.clock(),
      profile,
      blacklist: await this.storage.users.blacklist(uid),
    };
    yield JSON.stringify(head).slice(0, -1);
    yield* this.array('groups', this.groups(uid));
    yield* this.array('conversations', this.conversations(uid));
    yield* this.array('messages', this.messages(uid));
    yield* this.array('reactions', this.reactions(uid));
    yield* this.array('files', this.uploads(uid));
    yield '}';
  }

  /** `,"name":[...]` from pages of rendered items, one piece per page. */
  private async *array(name: keyof UserExport, pages: AsyncIterable<unknown[]>): AsyncGenerator<string> {
    yield `,"${name}":[`;
    let first = true;
    for await (const page of pages) {
      if (!page.length) continue;
      yield `${first ? '' : ','}${page.map((item) => JSON.stringify(item)).join(',')}`;
      first = false;
    }
    yield ']';
  }

  private async *groups(uid: string) {
    let after: ChannelKey | undefined;
    for (;;) {
      const page = await this.storage.userData.memberships(uid, after, this.pageSize);
      yield page.map((m) => ({
        groupId: m.channelId,
        channelType: m.channelType,
        role: m.role,
        mutedUntil: m.mutedUntil,
        joinedAt: m.joinedAt,
      }));
      const last = page[page.length - 1];
      if (!last || page.length < this.pageSize) return;
      after = { channelType: last.channelType, channelId: last.channelId };
    }
  }

  private async *conversations(uid: string) {
    let after = '';
    for (;;) {
      const page = await this.storage.userData.conversations(uid, after, this.pageSize);
      yield page.map(exportedConversation);
      const last = page[page.length - 1];
      if (!last || page.length < this.pageSize) return;
      after = last.conversationId;
    }
  }

  /** Channel messages, then sync-once commands: each by clientMsgNo. */
  private async *messages(uid: string) {
    let after = '';
    for (;;) {
      const page = await this.storage.userData.sentMessages(uid, after, this.pageSize);
      yield page.map((m) => exportedMessage(m, uid));
      const last = page[page.length - 1];
      if (!last || page.length < this.pageSize) break;
      after = last.clientMsgNo;
    }
    after = '';
    for (;;) {
      const page = await this.storage.userData.sentOnce(uid, after, this.pageSize);
      yield page.map((m) => exportedMessage(m, uid));
      const last = page[page.length - 1];
      if (!last || page.length < this.pageSize) return;
      after = last.clientMsgNo;
    }
  }

  private async *reactions(uid: string) {
    let after: UserReaction | undefined;
    for (;;) {
      const page = await this.storage.userData.reactions(uid, after, this.pageSize);
      yield page.map((r) => ({
        channelType: r.channelType,
        channelId: viewedChannelId(r.channelType, r.channelId, uid),
        messageSeq: r.seq,
        emoji: r.emoji,
        createdAt: r.createdAt,
      }));
      after = page[page.length - 1];
      if (!after || page.length < this.pageSize) return;
    }
  }

  private async *uploads(uid: string) {
    let page: StoredFile[] = [];
    const render = (f: StoredFile) => ({
      fileId: f.fileId,
      url: `/v1/files/${f.fileId}`,
      contentType: f.contentType,
      size: f.size,
      name: f.name,
      createdAt: f.createdAt,
    });
    for await (const file of this.files.ownedBy(uid)) {
      page.push(file);
      if (page.length < this.pageSize) continue;
      yield page.map(render);
      page = [];
    }
    yield page.map(render);
  }
}

function exportedConversation(r: ConversationRow): ExportedConversation {
  return {
    conversationId: r.conversationId,
    channelType: r.channelType,
    channelId: r.conversationId.slice(r.conversationId.indexOf('|') + 1),
    updateTime: r.sortTs,
    lastMsgSeq: r.lastSeq,
    readSeq: r.readSeq,
    clearedUpToSeq: r.clearSeq,
    deleted: r.hiddenSeq >= r.lastSeq && r.hiddenSeq >= 0,
    ext: r.ext,
    pinnedTime: r.pinnedAt,
  };
}

/** A message as its sender's export shows it: as shown now (the last edit applied; revoked: only its type). */
function exportedMessage(m: StoredMessage | QueuedMessage, uid: string): ExportedMessage {
  const stored = 'revokedAt' in m ? m : undefined;
  const revoked = (stored?.revokedAt ?? 0) > 0;
  const edited = !revoked && (stored?.editedAt ?? 0) > 0;
  const meta = JSON.parse(m.metaJson) as MessageMeta;
  let payload = revoked ? { type: m.contentType } : parseStoredPayload(m.payloadJson, m.contentType);
  if (edited && stored) payload = parseStoredPayload(stored.editedPayloadJson, m.contentType);
  return {
    channelType: m.channelType,
    channelId: viewedChannelId(m.channelType, m.channelId, uid),
    messageSeq: m.messageSeq,
    messageId: m.messageId,
    clientMsgNo: m.clientMsgNo,
    timestamp: m.timestamp,
    contentType: m.contentType,
    payload,
    editedAt: edited && stored ? stored.editedAt : null,
    revokedAt: revoked && stored ? stored.revokedAt : null,
    ...meta,
  };
}

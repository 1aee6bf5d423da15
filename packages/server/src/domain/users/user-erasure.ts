import { setImmediate as nextTurn } from 'node:timers/promises';
import { CloseCode, ContentType, ParleyError, type UserErasure } from '@parley/protocol';
import type { Logger } from 'pino';
import type { FileStore } from '../../ports/files.js';
import type { ChannelKey, ErasedMessage, Storage, StoredMessage } from '../../ports/storage/index.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { fromRow } from '../conversations/conversation-state.js';
import type { DeliveryRouter } from '../delivery/router.js';
import type { MessageActions } from '../messages/message-actions.js';
import type { MessageMeta } from '../messages/message-view.js';

/** How much one step touches: each is one short transaction, so no lock is held for long. */
export interface ErasureBatches {
  messages: number;
  rows: number;
  groups: number;
  replySeqs: number;
  /** Webhook events (pending and dead) looked at per step. */
  webhookEvents: number;
}

const BATCHES: ErasureBatches = { messages: 200, rows: 1000, groups: 50, replySeqs: 2000, webhookEvents: 5000 };

/**
 * Erased messages this close to their channel's newest are pushed to the members online as
 * `message.updated`: what an open chat shows (a history page is 20). Older ones show the
 * placeholder at the next history read, which is where a user scrolling back meets them.
 */
const PUSHED_WINDOW = 20;

/** An erased message's stored form: `{type: 999}`, its header (unread keeps counting it) and whether it asked for receipts. */
export function erasedPlaceholder(m: StoredMessage): ErasedMessage {
  const meta = JSON.parse(m.metaJson) as Partial<MessageMeta>;
  const header = meta.header ?? { noPersist: false, redDot: m.redDot, syncOnce: false };
  const setting = meta.setting?.receipt === true ? { receipt: true } : {};
  return {
    channelType: m.channelType,
    channelId: m.channelId,
    seq: m.messageSeq,
    contentType: ContentType.Erased,
    payloadJson: JSON.stringify({ type: ContentType.Erased }),
    metaJson: JSON.stringify({ header, setting }),
  };
}

export interface UserErasureDeps {
  storage: Storage;
  files: FileStore;
  router: DeliveryRouter;
  conversations: ConversationService;
  messageActions: MessageActions;
  log: Logger;
  batches?: Partial<ErasureBatches>;
}

/**
 * Erases a user (GDPR's right to erasure): their account, tokens, connections, conversation state,
 * memberships, reactions, receipts, files and webhook events of theirs go; every message they sent stays at its seq as an
 * erased placeholder, so everyone else's history keeps its shape. Runs as a series of bounded steps
 * (storage's `UserDataStore`), each idempotent: calling `erase` again after an interruption (a
 * crash, a restart) redoes what is left and finds the rest done. Two calls on one node share one run.
 */
export class UserErasureService {
  private readonly running = new Map<string, Promise<UserErasure>>();
  private readonly batches: ErasureBatches;

  constructor(private readonly deps: UserErasureDeps) {
    this.batches = { ...BATCHES, ...deps.batches };
  }

  /** `user.not_found` for a uid that is neither a user nor was ever erased. */
  async erase(uid: string): Promise<UserErasure> {
    const current = this.running.get(uid);
    if (current) return current;
    // Registered before any await, so a second call arriving meanwhile joins this one.
    const run = this.run(uid).finally(() => this.running.delete(uid));
    this.running.set(uid, run);
    return run;
  }

  private async run(uid: string): Promise<UserErasure> {
    const { storage, router, log } = this.deps;
    if (!(await storage.users.get(uid)) && !(await storage.userData.erasure(uid))) {
      throw new ParleyError('user.not_found', `No user "${uid}"`);
    }
    // Real time, as tokens carry it: from here their tokens are refused, and the account is gone.
    const { erasedAt } = await storage.userData.beginErasure(uid, Date.now());
    router.disconnectUser(uid, CloseCode.Kicked, 'account erased');
    const done = { messages: 0, groups: 0, files: 0 };

    while ((await storage.userData.removeOwnRows(uid, this.batches.rows)) > 0) await nextTurn();
    for (;;) {
      const left = await storage.userData.leaveGroups(uid, this.batches.groups);
      if (!left.length) break;
      done.groups += left.length;
      await nextTurn();
    }
    done.messages += await this.eraseMessages(uid);
    for (;;) {
      const removed = await storage.userData.eraseSentOnce(uid, this.batches.messages);
      if (!removed) break;
      done.messages += removed;
      await nextTurn();
    }
    while (await storage.userData.scrubReplies(uid, this.batches.replySeqs)) await nextTurn();
    // Last, after their messages: events of theirs still waiting for the receiver (or dead) go too.
    for (let after: number | undefined = 0; after !== undefined; await nextTurn()) {
      after = await storage.webhookOutbox.forgetUser(uid, after, this.batches.webhookEvents);
    }
    done.files = await this.deleteFiles(uid);
    const finishedAt = Date.now();
    await storage.userData.finishErasure(uid, finishedAt);
    // A connection that authenticated while the erasure began may have missed the first call.
    router.disconnectUser(uid, CloseCode.Kicked, 'account erased');
    // The uid stays out of the log: it may itself be personal data (an email address).
    log.info({ ...done, seconds: (finishedAt - erasedAt) / 1000 }, 'user erasure finished');
    return { uid, erasedAt, finishedAt, ...done };
  }

  /**
   * Their channel messages, a batch at a time, by clientMsgNo. The cursor only saves walking past
   * what this run erased (the old index entries stay until the database cleans them up); the run
   * ends with a pass from the start that finds nothing, so a message stored meanwhile below the
   * cursor is not left behind, and nothing needs to survive an interruption. Members online learn
   * of recent ones and of changed conversation previews at once.
   */
  private async eraseMessages(uid: string): Promise<number> {
    const { storage, conversations, messageActions } = this.deps;
    const maxSeqs = new Map<string, number>();
    const maxSeqOf = async (key: ChannelKey): Promise<number> => {
      const k = `${key.channelType}|${key.channelId}`;
      let seq = maxSeqs.get(k);
      if (seq === undefined) {
        seq = (await storage.channels.get(key))?.maxSeq ?? 0;
        maxSeqs.set(k, seq);
      }
      return seq;
    };
    let erased = 0;
    let after = '';
    for (;;) {
      const batch = await storage.userData.sentMessages(uid, after, this.batches.messages);
      if (!batch.length) {
        if (after === '') return erased;
        after = '';
        continue;
      }
      after = (batch[batch.length - 1] as StoredMessage).clientMsgNo;
      const rows = await storage.userData.eraseSent(uid, batch.map(erasedPlaceholder));
      erased += batch.length;
      for (const row of rows) void conversations.pushUpdated(row.uid, fromRow(row)).catch(() => {});
      for (const m of batch) {
        if (m.messageSeq <= (await maxSeqOf(m)) - PUSHED_WINDOW) continue;
        void messageActions.publishCurrent({ channelType: m.channelType, channelId: m.channelId, seq: m.messageSeq }).catch(() => {});
      }
      await nextTurn();
    }
  }

  private async deleteFiles(uid: string): Promise<number> {
    let deleted = 0;
    for await (const file of this.deps.files.ownedBy(uid)) if (await this.deps.files.delete(file.fileId)) deleted++;
    return deleted;
  }
}

import type { SoakClient } from './soak-client.js';
import { codeOf } from './soak-connection.js';
import type { Observation, SendLedger } from './soak-ledger.js';

/** One channel of the run and the member whose history the final check reads. */
export interface SoakChannel {
  index: number;
  name: string;
  reader: SoakClient;
  conversationId: string;
}

interface HistoryMessage {
  messageSeq: number;
  deleted?: true;
  messageId?: string;
  clientMsgNo?: string;
  extra?: { revoked: boolean };
}

export interface Verification {
  messagesRead: number;
  /** Seqs history skipped, or answered with a `deleted` placeholder (the soak deletes nothing). */
  seqGaps: number;
  /** Stored messages whose clientMsgNo was never acked (a send whose ack the run never saw). */
  storedNotAcked: number;
  /** Found under its clientMsgNo but with another seq, messageId or channel than acked, or revoked when it should not be. */
  mismatches: number;
  notOurs: number;
  /** Seqs of a conversation one of its members never got, pushed or by catching up. */
  deliveryGaps: number;
  historyPages: number;
  /** Channels whose history could not be read to the end (then nothing can be said about their losses). */
  unreadable: string[];
  seconds: number;
}

const PARALLEL = 4;

/** A page request that fails (a timeout under load, say) is asked again, up to three times. */
async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * Reads every channel's whole history with message.history (pages of 100, oldest first) and checks
 * each message against the ledger: seqs contiguous from 1, each acked clientMsgNo present with the
 * acked seq and messageId, revoked ones present as revoke notices. The ledger then knows what was
 * lost (never found) and duplicated (found twice).
 */
export async function verify(channels: SoakChannel[], clients: SoakClient[], ledger: SendLedger): Promise<Verification> {
  const started = performance.now();
  const userIndex = new Map(clients.map((c) => [c.uid, c.index]));
  const v: Verification = {
    messagesRead: 0,
    seqGaps: 0,
    storedNotAcked: 0,
    mismatches: 0,
    notOurs: 0,
    deliveryGaps: 0,
    historyPages: 0,
    unreadable: [],
    seconds: 0,
  };
  const lastSeq = new Map<number, number>();
  const tally = (o: Observation) => {
    if (o === 'never-acked') v.storedNotAcked++;
    else if (o === 'mismatch') v.mismatches++;
    else if (o === 'not-ours') v.notOurs++;
  };

  const readChannel = async (ch: SoakChannel) => {
    let expected = 1;
    for (;;) {
      const from = expected - 1;
      const page = await withRetries(() =>
        ch.reader.conn.request<{ messages: HistoryMessage[]; hasMoreAfter: boolean }>('message.history', {
          conversationId: ch.conversationId,
          startSeq: Math.max(1, from),
          contain: from === 0,
          direction: 'down',
          limit: 100,
        }),
      );
      v.historyPages++;
      for (const m of page.messages) {
        if (m.messageSeq < expected)
          v.mismatches++; // repeated or out of order
        else v.seqGaps += m.messageSeq - expected;
        expected = Math.max(expected, m.messageSeq + 1);
        if (m.deleted || !m.clientMsgNo || !m.messageId) {
          v.seqGaps++;
          continue;
        }
        v.messagesRead++;
        const at = m.clientMsgNo.lastIndexOf(':');
        const user = userIndex.get(m.clientMsgNo.slice(0, at));
        const n = Number(m.clientMsgNo.slice(at + 1));
        tally(user === undefined ? 'not-ours' : ledger.observe(user, n, ch.index, m.messageSeq, m.messageId, m.extra?.revoked === true));
      }
      if (!page.hasMoreAfter || page.messages.length === 0) break;
    }
    lastSeq.set(ch.index, expected - 1);
  };

  const queue = [...channels];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let ch = queue.shift(); ch; ch = queue.shift()) {
        await readChannel(ch).catch((err) => v.unreadable.push(`${ch.name}: ${codeOf(err)}`));
      }
    }),
  );
  for (const c of clients) for (const conv of c.conversations) v.deliveryGaps += conv.coverage.missing(lastSeq.get(conv.channel) ?? 0);
  v.seconds = (performance.now() - started) / 1000;
  return v;
}

import type { ClientSessions } from './client-sessions.js';
import { type SendLedger, targetOf } from './send-ledger.js';

/** A channel of the test and its members; `members[0]` reads its history. */
export interface ChannelSpec {
  name: string;
  members: readonly string[];
}

/** What one member sees of a message in history. */
export interface HistoryEntry {
  messageSeq: number;
  messageId?: string;
  clientMsgNo?: string;
  fromUid?: string;
  timestamp?: number;
  payload?: { content?: string };
  deleted?: true;
}

const PAGE = 100;
const MAX_PAGES = 10_000;

/** The conversation id of `channel` as `uid` sees it. */
export function conversationIdOf(channel: string, uid: string): string {
  const [id, type] = targetOf(channel, uid);
  return `${type === 1 ? 'p2p' : type === 2 ? 'team' : 'super_team'}|${id}`;
}

/** A channel's whole history as its first member reads it through the REST API, page by page. */
export async function readHistory(sessions: ClientSessions, channel: ChannelSpec): Promise<HistoryEntry[]> {
  const reader = channel.members[0] as string;
  const path = `/v1/conversations/${encodeURIComponent(conversationIdOf(channel.name, reader))}/messages`;
  const all: HistoryEntry[] = [];
  for (let page = 0, from = 1; page < MAX_PAGES; page++) {
    const result = await sessions.get(reader, `${path}?startSeq=${from}&direction=down&contain=true&limit=${PAGE}`);
    all.push(...result.messages);
    const last = all[all.length - 1];
    if (!result.hasMoreAfter || !last) return all;
    from = last.messageSeq + 1;
  }
  throw new Error(`${channel.name}: history did not end within ${MAX_PAGES} pages`);
}

/**
 * Checks stored history against the ledger: each channel's seqs run 1..n with no gap (a missing
 * seq reads as `deleted`) and no repeat; every stored message is a send of the ledger, in its
 * channel, stored once; every send is stored with the seq, id and time of its ack. Returns the
 * problems found and each channel's history.
 */
export async function auditHistory(
  sessions: ClientSessions,
  ledger: SendLedger,
  channels: readonly ChannelSpec[],
): Promise<{ problems: string[]; histories: Map<string, HistoryEntry[]> }> {
  const problems: string[] = [];
  const histories = new Map<string, HistoryEntry[]>();
  const seen = new Map<string, string>();
  for (const channel of channels) {
    const history = await readHistory(sessions, channel);
    histories.set(channel.name, history);
    history.forEach((m, i) => {
      if (m.messageSeq !== i + 1) problems.push(`${channel.name}: entry ${i + 1} has seq ${m.messageSeq} (gap or repeat)`);
      problems.push(...checkMessage(m, channel.name, ledger, seen));
    });
  }
  for (const send of ledger.all()) {
    const key = `${send.fromUid}/${send.clientMsgNo}`;
    if (!send.ack) problems.push(`${key} (${send.via}, round ${send.round}) was never acked`);
    else if (!seen.has(key)) problems.push(`${key} acked as ${JSON.stringify(send.ack)} but not in ${send.channel}'s history`);
  }
  return { problems, histories };
}

/** One stored message against its send; `seen` (sender/clientMsgNo -> where) catches a second copy. */
function checkMessage(m: HistoryEntry, channel: string, ledger: SendLedger, seen: Map<string, string>): string[] {
  const where = `${channel} seq ${m.messageSeq}`;
  if (m.deleted || !m.clientMsgNo) return [`${where}: no message stored (gap)`];
  const problems: string[] = [];
  const key = `${m.fromUid}/${m.clientMsgNo}`;
  const first = seen.get(key);
  if (first) problems.push(`${where}: ${key} stored again (first at ${first})`);
  seen.set(key, where);
  const send = ledger.get(m.clientMsgNo);
  if (!send || send.fromUid !== m.fromUid) return [...problems, `${where}: ${key} was never sent`];
  if (send.channel !== channel) problems.push(`${where}: ${key} was sent to ${send.channel}`);
  if (m.payload?.content !== send.clientMsgNo) problems.push(`${where}: ${key} has content ${JSON.stringify(m.payload)}`);
  const ack = send.ack;
  if (ack && (ack.messageSeq !== m.messageSeq || ack.messageId !== m.messageId || ack.timestamp !== m.timestamp)) {
    problems.push(`${where}: ${key} is ${JSON.stringify([m.messageId, m.timestamp])}, acked as ${JSON.stringify(ack)}`);
  }
  return problems;
}

/**
 * One WebSocket's sends reach the server in order and are stored in that order, and a crash keeps
 * a prefix of them (resent in order afterwards): so within a round, each WebSocket sender's
 * messages in each channel have seqs that grow with the order it sent them.
 */
export function auditSenderOrder(ledger: SendLedger, round: number): string[] {
  const problems: string[] = [];
  const lastSeq = new Map<string, { index: number; seq: number }>();
  const sends = ledger.all().filter((s) => s.round === round && s.via === 'ws' && s.ack);
  for (const send of sends.sort((a, b) => a.index - b.index)) {
    const key = `${send.fromUid} in ${send.channel}`;
    const seq = send.ack?.messageSeq as number;
    const before = lastSeq.get(key);
    if (before && before.seq >= seq) {
      problems.push(`round ${round}: ${key}: send ${send.index} has seq ${seq}, after send ${before.index} with seq ${before.seq}`);
    }
    lastSeq.set(key, { index: send.index, seq });
  }
  return problems;
}

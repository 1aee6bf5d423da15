/** What a sender remembers of one send: enough to resend it as it was, and the ack it got. */
export interface Send {
  clientMsgNo: string;
  fromUid: string;
  via: 'ws' | 'rest';
  /** The channel as the audit names it (the same for both sides of a 1:1 chat). */
  channel: string;
  params: { channelId: string; channelType: number; clientMsgNo: string; payload: { type: 1; content: string } };
  round: number;
  /** The order in which its sender made it during its round. */
  index: number;
  ack?: Ack;
}

export interface Ack {
  messageId: string;
  messageSeq: number;
  timestamp: number;
}

export interface SendAck extends Ack {
  clientMsgNo: string;
  reasonCode: number;
}

/**
 * Every send of a crash test and the first ack each got. A later ack for the same send (a resend,
 * or a duplicate sent while the first was in flight) must be the same ack; anything else is noted
 * in `problems`, which the test expects to stay empty.
 */
export class SendLedger {
  private readonly sends = new Map<string, Send>();
  readonly problems: string[] = [];

  add(send: Omit<Send, 'params' | 'ack'>): Send {
    if (this.sends.has(send.clientMsgNo)) throw new Error(`clientMsgNo ${send.clientMsgNo} used twice by the test`);
    const [peerOrGroup, channelType] = targetOf(send.channel, send.fromUid);
    const entry: Send = {
      ...send,
      params: { channelId: peerOrGroup, channelType, clientMsgNo: send.clientMsgNo, payload: { type: 1, content: send.clientMsgNo } },
    };
    this.sends.set(send.clientMsgNo, entry);
    return entry;
  }

  /** Records an ack; returns true if it is the send's first. */
  ack(send: Send, ack: SendAck): boolean {
    if (ack.reasonCode !== 1 || ack.clientMsgNo !== send.clientMsgNo) {
      this.problems.push(`${send.clientMsgNo} (${send.via}, round ${send.round}) answered ${JSON.stringify(ack)}`);
      return false;
    }
    const got: Ack = { messageId: ack.messageId, messageSeq: ack.messageSeq, timestamp: ack.timestamp };
    if (!send.ack) {
      send.ack = got;
      return true;
    }
    if (got.messageId !== send.ack.messageId || got.messageSeq !== send.ack.messageSeq || got.timestamp !== send.ack.timestamp) {
      this.problems.push(`${send.clientMsgNo} acked twice differently: first ${JSON.stringify(send.ack)}, then ${JSON.stringify(got)}`);
    }
    return false;
  }

  /** The server answered with an error instead of an ack (not a lost connection). */
  refused(send: Send, error: unknown): void {
    this.problems.push(`${send.clientMsgNo} (${send.via}, round ${send.round}) failed: ${JSON.stringify(error)}`);
  }

  get(clientMsgNo: string): Send | undefined {
    return this.sends.get(clientMsgNo);
  }

  all(): Send[] {
    return [...this.sends.values()];
  }

  unacked(): Send[] {
    return this.all().filter((s) => !s.ack);
  }

  /** About `count` acked sends spread evenly over the whole ledger. */
  ackedSample(count: number): Send[] {
    const acked = this.all().filter((s) => s.ack);
    const step = Math.max(1, Math.floor(acked.length / count));
    return acked.filter((_, i) => i % step === 0).slice(0, count);
  }
}

/**
 * Audit channel names: `p2p:<uidA>|<uidB>` (sorted), `group:<id>` (type 2), `super:<id>` (type 3).
 * Returns how `fromUid` addresses that channel when sending.
 */
export function targetOf(channel: string, fromUid: string): [channelId: string, channelType: number] {
  const [kind, id = ''] = channel.split(':');
  if (kind === 'group') return [id, 2];
  if (kind === 'super') return [id, 3];
  const [a, b] = id.split('|');
  if (kind !== 'p2p' || !a || !b || (fromUid !== a && fromUid !== b)) throw new Error(`${fromUid} cannot send to ${channel}`);
  return [fromUid === a ? b : a, 1];
}

export const p2pChannel = (a: string, b: string): string => `p2p:${[a, b].sort().join('|')}`;

/**
 * Every send the soak made, by user and the user's own send number n (the `clientMsgNo` is
 * `<uid>:<n>`): its channel, and once acked its seq and messageId. A 30-minute run makes millions
 * of sends, so they live in typed arrays (about 16 bytes each) rather than objects or strings.
 */
class UserSends {
  size = 0;
  channel = new Uint16Array(1024);
  seq = new Uint32Array(1024);
  id = new BigUint64Array(1024);
  /** ACKED | REVOKED | REVOKE_UNSURE */
  flags = new Uint8Array(1024);
  /** How often the end-of-run history read found this message. */
  found = new Uint8Array(1024);

  grow(n: number): void {
    if (n < this.channel.length) return;
    let length = this.channel.length;
    while (length <= n) length *= 2;
    const copy = <A extends Uint8Array | Uint16Array | Uint32Array | BigUint64Array>(a: A, make: (l: number) => A): A => {
      const b = make(length);
      b.set(a as never);
      return b;
    };
    this.channel = copy(this.channel, (l) => new Uint16Array(l));
    this.seq = copy(this.seq, (l) => new Uint32Array(l));
    this.id = copy(this.id, (l) => new BigUint64Array(l));
    this.flags = copy(this.flags, (l) => new Uint8Array(l));
    this.found = copy(this.found, (l) => new Uint8Array(l));
  }
}

const ACKED = 1;
const REVOKED = 2;
/** The revoke request got no answer (its socket closed): it may or may not have happened. */
const REVOKE_UNSURE = 4;

export type Observation = 'ok' | 'not-ours' | 'never-acked' | 'mismatch';

export class SendLedger {
  private readonly users: UserSends[];
  /** Acks for one clientMsgNo that disagree with an earlier ack (a second message stored). */
  conflictingAcks = 0;

  constructor(users: number) {
    this.users = Array.from({ length: users }, () => new UserSends());
  }

  sent(user: number, n: number, channel: number): void {
    const u = this.users[user] as UserSends;
    u.grow(n);
    u.channel[n] = channel;
    u.size = Math.max(u.size, n + 1);
  }

  acked(user: number, n: number, seq: number, messageId: string): void {
    const u = this.users[user] as UserSends;
    const id = BigInt(messageId);
    if ((u.flags[n] ?? 0) & ACKED) {
      if (u.seq[n] !== seq || u.id[n] !== id) this.conflictingAcks++;
      return;
    }
    u.seq[n] = seq;
    u.id[n] = id;
    u.flags[n] = (u.flags[n] ?? 0) | ACKED;
  }

  revoked(user: number, n: number, sure: boolean): void {
    const u = this.users[user] as UserSends;
    u.flags[n] = (u.flags[n] ?? 0) | (sure ? REVOKED : REVOKE_UNSURE);
  }

  /** One message read back from history: is it the one acked for that clientMsgNo, and revoked as expected? */
  observe(user: number, n: number, channel: number, seq: number, messageId: string, revoked: boolean): Observation {
    const u = this.users[user];
    if (!u || n >= u.size) return 'not-ours';
    const flags = u.flags[n] ?? 0;
    if (!(flags & ACKED)) return 'never-acked';
    u.found[n] = Math.min(255, (u.found[n] ?? 0) + 1);
    if (u.channel[n] !== channel || u.seq[n] !== seq || u.id[n] !== BigInt(messageId)) return 'mismatch';
    if (flags & REVOKE_UNSURE) return 'ok';
    return revoked === Boolean(flags & REVOKED) ? 'ok' : 'mismatch';
  }

  /** Acked messages history never showed (lost) or showed more than once (duplicates). */
  tally(): { sent: number; acked: number; revoked: number; lost: number; duplicates: number } {
    const t = { sent: 0, acked: 0, revoked: 0, lost: 0, duplicates: 0 };
    for (const u of this.users) {
      t.sent += Math.max(0, u.size - 1);
      for (let n = 1; n < u.size; n++) {
        const flags = u.flags[n] ?? 0;
        const found = u.found[n] ?? 0;
        if (flags & ACKED) t.acked++;
        if (flags & REVOKED) t.revoked++;
        if (flags & ACKED && found === 0) t.lost++;
        if (found > 1) t.duplicates += found - 1;
      }
    }
    return t;
  }
}

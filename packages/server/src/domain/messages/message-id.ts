/**
 * 64-bit, time-ordered, globally unique ids as decimal strings:
 * 41 bits of ms since 2024-01-01, 10 bits of node id, 12 bits of sequence within the ms.
 */
const EPOCH = 1_704_067_200_000;

export class MessageIdGenerator {
  private lastMs = 0;
  private sequence = 0;

  constructor(private readonly nodeId: number) {
    if (nodeId < 0 || nodeId > 1023) throw new RangeError('nodeId must be 0..1023');
  }

  next(now = Date.now()): string {
    let ms = Math.max(now, this.lastMs);
    if (ms === this.lastMs) {
      this.sequence = (this.sequence + 1) & 0xfff;
      // 4096 ids in one ms: borrow the next ms rather than repeat an id.
      if (this.sequence === 0) ms = this.lastMs + 1;
    } else this.sequence = 0;
    this.lastMs = ms;
    return ((BigInt(ms - EPOCH) << 22n) | (BigInt(this.nodeId) << 12n) | BigInt(this.sequence)).toString();
  }
}

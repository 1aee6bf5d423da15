import type { ChannelAddress, HistoryQuery } from '../messages.js';
import { wkOrderSeqFactor } from './const.js';
import { msgSeqOf } from './local-seqs.js';

/**
 * WuKongIM's history position in the SDK's terms. `oldestOrderSeq` 0 is the first entry into a chat
 * (the newest page); `pullMode` 0 pulls messages older than it, 1 newer ones; `aroundMsgOrderSeq`
 * (not 0) centres the page on that message. An orderSeq that is not a multiple of 1000 belongs to a
 * message still sending, which sorts just after messageSeq = orderSeq / 1000.
 */
export function historyQueryOf(
  channel: ChannelAddress,
  oldestOrderSeq: number,
  contain: boolean,
  pullMode: number,
  limit: number,
  aroundMsgOrderSeq: number,
): HistoryQuery | 'none' {
  if (!(limit >= 1)) return 'none';
  if (aroundMsgOrderSeq > 0) return { channel, around: Math.max(1, msgSeqOf(aroundMsgOrderSeq)), limit };
  if (oldestOrderSeq <= 0) return { channel, startSeq: 0, limit };
  const seq = msgSeqOf(oldestOrderSeq);
  const stored = oldestOrderSeq % wkOrderSeqFactor === 0;
  // Newer than a message sending before the first stored one: everything from seq 1 (startSeq 0 would mean the newest page).
  if (pullMode === 1)
    return seq === 0
      ? { channel, startSeq: 1, pullMode: 1, contain: true, limit }
      : { channel, startSeq: seq, pullMode: 1, contain: stored && contain, limit };
  // Older than a sending message: everything up to and with the stored message it follows.
  if (seq === 0) return 'none';
  return { channel, startSeq: seq, pullMode: 0, contain: stored ? contain : true, limit };
}

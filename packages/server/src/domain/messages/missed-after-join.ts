import { EventName } from '@parley/protocol';
import { renderPush } from '../delivery/push-frame.js';
import type { MissedMessages } from '../delivery/router.js';
import type { MessageActions } from './message-actions.js';

const PAGE = 100;

/**
 * What a member who just joined a super group may have missed while their node subscribed the
 * group's topic: the messages after `afterSeq` that history shows them (their visible window
 * decides, so nothing from before they joined unless the group allows it), as `message.new` frames.
 */
export function missedAfterJoin(actions: () => MessageActions): MissedMessages {
  return async (uid, channelId, afterSeq) => {
    const found: Array<{ seq: number; frame: string }> = [];
    for (let start = afterSeq; ; ) {
      // startSeq 0 would mean "the newest page": from the very first message, say so.
      const from = start === 0 ? { startSeq: 1, contain: true } : { startSeq: start, contain: false };
      const page = await actions().history(uid, { conversationId: `super_team|${channelId}`, direction: 'down', limit: PAGE, ...from });
      for (const m of page.messages) if (!('deleted' in m)) found.push({ seq: m.messageSeq, frame: renderPush(EventName.MessageNew, m) });
      const last = page.messages.at(-1);
      if (!page.hasMoreAfter || !last) return found;
      start = last.messageSeq;
    }
  };
}

import type { Fanout, NewMessage } from './index.js';

/** A 1:1 chat's fan-out: each side's row under its own view of the conversation id. */
export const p2pFanout = (from: string, to: string): Fanout => ({
  kind: 'users',
  targets: [
    { uid: from, conversationId: `p2p|${to}` },
    { uid: to, conversationId: `p2p|${from}` },
  ],
});

/**
 * Makes text messages for a contract suite: each call a new message id, clientMsgNo and timestamp
 * (`now` + how many it made, `made`), in `defaults`' channel from its sender unless `over` says otherwise.
 */
export function messageMaker(defaults: { channelId: string; fromUid: string; firstId: number; clientPrefix: string; now: number }) {
  let n = 0;
  const make = (over: Partial<NewMessage> & { fanout: Fanout }): NewMessage => {
    n++;
    return {
      channelType: 1,
      channelId: defaults.channelId,
      messageId: String(defaults.firstId + n),
      clientMsgNo: `${defaults.clientPrefix}${n}`,
      fromUid: defaults.fromUid,
      timestamp: defaults.now + n,
      contentType: 1,
      payloadJson: JSON.stringify({ type: 1, content: `m${n}` }),
      metaJson: '{}',
      redDot: true,
      mentionUids: [],
      mentionAll: false,
      ...over,
    };
  };
  return Object.defineProperty(make, 'made', { get: () => n }) as typeof make & { readonly made: number };
}

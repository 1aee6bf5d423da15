import type { ParleyClient } from '../client.js';
import { type RecentSession, toRecentSession } from './recent-session.js';

/** Dart's `StreamSubscription`, as much of it as a listener needs. */
export interface StreamSubscription {
  cancel(): void;
}

let nextKey = 0;

/**
 * Flutter's `onMySessionUpdate` broadcast stream: every change to one of the user's sessions, made
 * on any device, this one included, and every new session. It is the lossless way to follow the
 * list (a `minTimestamp` query cannot see ext changes nor deletions); deletions arrive on
 * `client.conversations.onConversationDelete`.
 */
export class SessionUpdateStream {
  constructor(private readonly client: ParleyClient) {}

  listen(onData: (session: RecentSession) => void): StreamSubscription {
    const key = `nim.onMySessionUpdate.${++nextKey}`;
    this.client.conversations.onConversationUpdate.add(key, (c) => onData(toRecentSession(c)));
    return { cancel: () => this.client.conversations.onConversationUpdate.remove(key) };
  }
}

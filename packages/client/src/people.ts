import type { PresenceState, Profile, TypingEvent } from '@parley/protocol';
import { EventName } from '@parley/protocol/constants';
import type { Connection } from './connection.js';
import { KeyedListeners } from './listeners.js';

type ChatRef = { channelId: string; channelType: 1 | 2 | 3 };

/**
 * Other people as the app shows them: who is online (presence), who is typing, and their names and
 * avatars. Presence subscriptions belong to a connection on the server, so the client keeps the set
 * the app follows and subscribes it again after every reconnect; `onPresenceChanged` then gets each
 * followed user's state as it is now, so nothing missed while offline stays wrong.
 */
export class People {
  readonly onPresenceChanged = new KeyedListeners<[PresenceState]>();
  readonly onTyping = new KeyedListeners<[TypingEvent]>();
  readonly onUserUpdated = new KeyedListeners<[Profile]>();
  private readonly followed = new Set<string>();

  constructor(private readonly connection: Connection) {}

  /** Follows these users (at most 500 per call): their state now, then `onPresenceChanged` on every change. */
  async follow(uids: readonly string[]): Promise<PresenceState[]> {
    for (const uid of uids) this.followed.add(uid);
    const { users } = await this.connection.request<{ users: PresenceState[] }>('presence.subscribe', { uids });
    return users;
  }

  async unfollow(uids: readonly string[]): Promise<void> {
    for (const uid of uids) this.followed.delete(uid);
    await this.connection.request('presence.unsubscribe', { uids });
  }

  /** Names and avatars of up to 100 users you may see (others are left out). */
  async profiles(uids: readonly string[]): Promise<Profile[]> {
    return (await this.connection.request<{ users: Profile[] }>('user.profiles', { uids })).users;
  }

  /** Tells the chat you are typing; call it again every few seconds while you are (the server drops faster repeats). */
  async startTyping(chat: ChatRef): Promise<boolean> {
    return (await this.connection.request<{ forwarded: boolean }>('typing.start', chat)).forwarded;
  }

  async stopTyping(chat: ChatRef): Promise<boolean> {
    return (await this.connection.request<{ forwarded: boolean }>('typing.stop', chat)).forwarded;
  }

  /** @internal After each (re)connect: the server forgot this connection's subscriptions. */
  async resubscribe(): Promise<void> {
    const uids = [...this.followed];
    for (let i = 0; i < uids.length; i += 500) {
      const { users } = await this.connection.request<{ users: PresenceState[] }>('presence.subscribe', { uids: uids.slice(i, i + 500) });
      for (const state of users) this.onPresenceChanged.emit(state);
    }
  }

  /** @internal */
  handlePush(event: string, data: unknown): void {
    if (event === EventName.PresenceChanged) this.onPresenceChanged.emit(data as PresenceState);
    else if (event === EventName.Typing) this.onTyping.emit(data as TypingEvent);
    else if (event === EventName.UserUpdated) this.onUserUpdated.emit(data as Profile);
  }
}

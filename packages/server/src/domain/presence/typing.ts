import { ChannelType, EventName, type TypingEvent, type TypingParams } from '@parley/protocol';
import type { Storage } from '../../ports/storage/index.js';
import { renderPush } from '../delivery/push-frame.js';
import type { DeliveryRouter } from '../delivery/router.js';

export interface TypingOptions {
  /** A user's typing is forwarded at most once per this long per chat (clients repeat it while typing). */
  intervalMs: number;
  /** Receivers show it this long unless repeated: a lost "stopped" can never leave it stuck. */
  expiresMs: number;
  /** Groups and super groups with more members than this get no typing at all. */
  maxMembers: number;
  clock?: () => number;
}

/**
 * "Someone is typing": never stored, forwarded to the other members' devices that are online now
 * (pushes reach only connected devices, on any node). Each push says how long to show it, so a
 * receiver clears it by itself; a client repeats `typing.start` every interval while typing.
 * A user who is not in the chat, or a peer who blocked them, is answered `forwarded: false` and
 * nobody is told, so the answer reveals no more than a send would.
 */
export class TypingService {
  /** `uid|type|channel` -> when it was last forwarded */
  private readonly last = new Map<string, number>();
  private readonly clock: () => number;

  constructor(
    private readonly storage: Storage,
    private readonly router: DeliveryRouter,
    private readonly options: TypingOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async start(uid: string, params: TypingParams): Promise<boolean> {
    const key = `${uid}|${params.channelType}|${params.channelId}`;
    const now = this.clock();
    if (now - (this.last.get(key) ?? Number.NEGATIVE_INFINITY) < this.options.intervalMs) return false;
    const told = await this.tell(uid, params, this.options.expiresMs);
    if (told) this.remember(key, now);
    return told;
  }

  /**
   * Clears it at once for the others (the input was emptied, the message sent). Only after a start
   * that was forwarded: stopping what nobody was told of tells nobody.
   */
  async stop(uid: string, params: TypingParams): Promise<boolean> {
    if (!this.last.delete(`${uid}|${params.channelType}|${params.channelId}`)) return false;
    return this.tell(uid, params, 0);
  }

  private async tell(uid: string, params: TypingParams, expiresInMs: number): Promise<boolean> {
    const audience = await this.audience(uid, params);
    if (!audience) return false;
    const channelId = params.channelType === ChannelType.Person ? uid : params.channelId;
    const event: TypingEvent = { channelId, channelType: params.channelType, uid, expiresInMs };
    const frame = renderPush(EventName.Typing, event);
    for (const to of audience) this.router.pushToUser(to, frame);
    return true;
  }

  /** Who is told, or undefined when nobody may be. */
  private async audience(uid: string, params: TypingParams): Promise<string[] | undefined> {
    if (params.channelType === ChannelType.Person) {
      if (params.channelId === uid) return undefined;
      const facts = await this.storage.users.personSendFacts(uid, params.channelId);
      return facts.peerExists && !facts.blockedByPeer && !facts.senderBanned ? [params.channelId] : undefined;
    }
    const key = { channelType: params.channelType, channelId: params.channelId };
    const facts = await this.storage.channels.groupSendFacts(key, uid);
    if (!facts.channel || facts.channel.dismissed || !facts.member || facts.senderBanned) return undefined;
    const members = await this.storage.channels.members(key, this.options.maxMembers + 1);
    if (members.length > this.options.maxMembers) return undefined;
    return members.map((m) => m.uid).filter((m) => m !== uid);
  }

  /** Keeps the map to the chats typed in lately: old entries go as new ones come. */
  private remember(key: string, now: number): void {
    this.last.set(key, now);
    if (this.last.size < 10_000) return;
    for (const [k, at] of this.last) if (now - at >= this.options.intervalMs) this.last.delete(k);
  }
}

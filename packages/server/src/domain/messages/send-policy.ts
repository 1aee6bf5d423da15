import { MemberRole, ReasonCode } from '@parley/protocol';
import type { GroupSendFacts, PersonSendFacts } from '../../ports/storage/index.js';

const isMuted = (mutedUntil: number, now: number): boolean => mutedUntil === -1 || mutedUntil > now;

/**
 * Whether a member may post to a group, as a reason code (WuKongIM's table).
 * Owners and admins are exempt from whitelist and mute-all; a personally muted member is muted.
 */
export function groupSendReason(facts: GroupSendFacts, now: number): number {
  const { channel, member } = facts;
  if (!channel) return ReasonCode.ReasonChannelNotExist;
  if (facts.senderBanned) return ReasonCode.ReasonBan;
  if (channel.dismissed) return ReasonCode.ReasonDisband;
  if (channel.banned) return ReasonCode.ReasonBan;
  if (!member) return ReasonCode.ReasonSubscriberNotExist;
  const privileged = member.role >= MemberRole.Admin;
  if (!privileged && facts.whitelistSize > 0 && !facts.senderWhitelisted) return ReasonCode.ReasonNotInWhitelist;
  if (!privileged && channel.muteAll && !facts.senderWhitelisted) return ReasonCode.ReasonSendBan;
  if (isMuted(member.mutedUntil, now)) return ReasonCode.ReasonSendBan;
  return ReasonCode.ReasonSuccess;
}

export function personSendReason(facts: PersonSendFacts): number {
  // A banned sender: their connections are closed, but an admin send in their name, or a send racing the ban, is not.
  if (facts.senderBanned) return ReasonCode.ReasonBan;
  if (!facts.peerExists) return ReasonCode.ReasonChannelNotExist;
  if (facts.blockedByPeer) return ReasonCode.ReasonInBlacklist;
  return ReasonCode.ReasonSuccess;
}

import { paramError } from './result.js';

/** Flutter's `NIMSessionType` (the ones a server session can have). */
export type NIMSessionType = 'p2p' | 'team' | 'superTeam' | 'system';

/** Android's `Pair<SessionTypeEnum, String>` from `parseSessionId`: the type and the bare account or team id. */
export interface NIMSessionTypePair {
  sessionType: NIMSessionType;
  sessionId: string;
}

/** Flutter's `NIMMySessionKey`, one entry of `deleteMySession`. */
export interface NIMMySessionKey {
  sessionId: string;
  sessionType?: NIMSessionType;
}

const prefixOfType: Record<NIMSessionType, string> = { p2p: 'p2p', team: 'team', superTeam: 'super_team', system: 'system' };
const typeOfPrefix: Record<string, NIMSessionType> = { p2p: 'p2p', team: 'team', super_team: 'superTeam', system: 'system' };

/**
 * NIM's session id (`p2p|accid`, `team|tid`, `super_team|tid`) is Parley's conversation id. Flutter
 * passes the type beside the id as well; a bare id (`bob`) with its type is accepted too.
 */
export function conversationIdOf(sessionId: string, sessionType?: NIMSessionType): string {
  if (typeof sessionId !== 'string' || sessionId === '') throw paramError('sessionId is required');
  if (sessionId.includes('|')) {
    const pair = sessionTypePairOf(sessionId);
    if (sessionType !== undefined && pair.sessionType !== sessionType)
      throw paramError(`sessionId ${sessionId} is not of sessionType ${sessionType}`);
    return sessionId;
  }
  if (sessionType === undefined || !Object.hasOwn(prefixOfType, sessionType))
    throw paramError(`sessionId ${sessionId} needs its type: p2p|accid, team|tid or super_team|tid`);
  return `${prefixOfType[sessionType]}|${sessionId}`;
}

export function sessionTypePairOf(conversationId: string): NIMSessionTypePair {
  const bar = conversationId.indexOf('|');
  const sessionType = typeOfPrefix[conversationId.slice(0, bar)];
  if (bar < 0 || !sessionType) throw paramError(`${conversationId} is not a session id (p2p|accid, team|tid, super_team|tid)`);
  return { sessionType, sessionId: conversationId.slice(bar + 1) };
}

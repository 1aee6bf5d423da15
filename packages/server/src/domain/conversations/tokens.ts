import { ParleyError } from '@parley/protocol';

/** Opaque to clients; base64url JSON, so a server of another version can still read it. */
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A list cursor: the (updateTime, conversationId) of the last entry of the previous page. */
export interface ListCursor {
  sortTs: number;
  conversationId: string;
}

export const encodeCursor = (c: ListCursor): string => encode([c.sortTs, c.conversationId]);

export function decodeCursor(token: string): ListCursor {
  const value = decode(token);
  if (Array.isArray(value) && value.length === 2 && isInt(value[0]) && typeof value[1] === 'string') {
    return { sortTs: value[0], conversationId: value[1] };
  }
  throw new ParleyError('request.invalid', 'cursor is not one this server issued');
}

/** A pinned-list cursor: the (pinnedAt, conversationId) of the last entry of the previous page. */
export interface PinCursor {
  pinnedAt: number;
  conversationId: string;
}

/** Tagged, so that a list cursor given to listPinned (or the other way round) is refused, not misread. */
export const encodePinCursor = (c: PinCursor): string => encode(['pin', c.pinnedAt, c.conversationId]);

export function decodePinCursor(token: string): PinCursor {
  const value = decode(token);
  if (Array.isArray(value) && value.length === 3 && value[0] === 'pin' && isInt(value[1]) && typeof value[2] === 'string') {
    return { pinnedAt: value[1], conversationId: value[2] };
  }
  throw new ParleyError('request.invalid', 'cursor is not a pinned-list cursor this server issued');
}

/** A sync token: the user's version and the super-group clock the client has seen, and the epoch. */
export interface SyncToken {
  version: number;
  clock: number;
  epoch: string;
}

export const encodeSyncToken = (t: SyncToken): string => encode({ v: t.version, c: t.clock, e: t.epoch });

export function decodeSyncToken(token: string): SyncToken {
  const value = decode(token) as { v?: unknown; c?: unknown; e?: unknown } | undefined;
  if (value && isInt(value.v) && isInt(value.c) && typeof value.e === 'string') return { version: value.v, clock: value.c, epoch: value.e };
  throw new ParleyError('sync.invalid_token');
}

import type { ErrorCode } from '@parley/protocol';
import { type MessageName, U, type World } from './authz-world.js';

/** Who tries, with no valid token: refused before anything is read. */
export const TOKEN_IDENTITIES = ['noToken', 'forged', 'expired', 'otherAudience'] as const;
/** Who tries with a valid token of their own, on alice's data. */
export const MEMBER_IDENTITIES = ['outsider', 'otherGroupMember', 'lateJoiner', 'leftMember', 'peer'] as const;
/** Who tries the admin API without the app secret. */
export const ADMIN_IDENTITIES = ['noSecret', 'wrongSecret', 'clientToken'] as const;

export type TokenIdentity = (typeof TOKEN_IDENTITIES)[number];
export type MemberIdentity = (typeof MEMBER_IDENTITIES)[number];
export type AdminIdentity = (typeof ADMIN_IDENTITIES)[number];

export const ACTOR: Record<MemberIdentity, string> = {
  outsider: U.carol,
  otherGroupMember: U.frank,
  lateJoiner: U.dave,
  leftMember: U.erin,
  peer: U.bob,
};

/** What a probe points at; messages by their name in the world. */
export interface Target {
  conversationId?: string;
  groupId?: string;
  msg?: MessageName;
  msgs?: MessageName[];
  /** More params (WS) or query/body fields (REST). */
  extra?: Record<string, unknown>;
}

/** One request, in both forms: WebSocket params, REST path (with query) and body. */
export interface Request {
  params: Record<string, unknown>;
  path: string;
  body?: unknown;
  /** A body that is not JSON (an upload form). */
  raw?: { text: string; contentType: string };
}

export type Check = (answer: any, w: World, actor: string) => void;

export type Expect =
  /** Refused with this error (REST: this status). */
  | { kind: 'refused'; code: ErrorCode; status: number }
  /** A send refused with this reason code (WS: the ack; REST: message.refused with this status). */
  | { kind: 'refusedSend'; reasonCode: number; status: number }
  /** A per-id result (conversation.delete): 200, every id ok: false with this error. */
  | { kind: 'refusedEach'; code: ErrorCode }
  /**
   * Allowed: `check` says what the answer may show. `changes` says whose state may change (by
   * default nobody's); `setup` runs before, `undo` after (then nothing may have changed).
   */
  | {
      kind: 'allowed';
      check: Check;
      changes?: 'actor' | 'any';
      setup?: (w: World) => Promise<void>;
      undo?: (w: World) => Promise<void>;
    };

export interface Probe {
  on: Target;
  expect: Expect;
}

/** A cell: probes (a cell's refusals all hold, or it fails), or not applicable with a one-word reason. */
export type Cell = { probes: Probe[] } | { na: string };

export interface Operation {
  /** The `methods` key, when the operation exists on the WebSocket. */
  ws?: string;
  /** The route as registered (`METHOD /path/:param`), when it exists on REST. */
  rest?: string;
  request(w: World, on: Target, actor: string): Request;
  /** A request its own user may make (bob's): what the token identities try. */
  sample: Target;
  cells: Record<MemberIdentity, Cell>;
}

export const refused = (code: ErrorCode, status: number): Expect => ({ kind: 'refused', code, status });
export const refusedSend = (reasonCode: number, status: number): Expect => ({ kind: 'refusedSend', reasonCode, status });
export const refusedEach = (code: ErrorCode): Expect => ({ kind: 'refusedEach', code });
export const allowed = (check: Check, options: Omit<Extract<Expect, { kind: 'allowed' }>, 'kind' | 'check'> = {}): Expect => ({
  kind: 'allowed',
  check,
  ...options,
});
export const na = (reason: string): Cell => ({ na: reason });
export const probes = (...list: Array<[Target, Expect]>): Cell => ({ probes: list.map(([on, expect]) => ({ on, expect })) });

export const enc = encodeURIComponent;
export const query = (params: Record<string, unknown> = {}): string => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  return entries.length ? `?${entries.map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&')}` : '';
};

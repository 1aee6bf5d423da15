import { paramError } from './result.js';

/**
 * Android's `QueryMySessionOption` (and the five positional arguments of Flutter's form). Timestamps
 * are ms. `needLastMsg` and `hasMore` are NIM's 0/1 integers; a boolean is taken too, as the option
 * object's setters and iOS's `needLastMessage` use one.
 */
export interface QueryMySessionOption {
  /** Only sessions updated after this (exclusive); 0 = the full list. */
  minTimestamp?: number | null;
  /** Only sessions updated before this (exclusive), for paging back; 0 or absent = no bound. */
  maxTimestamp?: number | null;
  /** 0 or 1, default 1. */
  needLastMsg?: 0 | 1 | boolean | null;
  /** 1..100, default 100 (0 or absent = the default). */
  limit?: number | null;
  /** Flutter's "is the result complete" flag, 0 or 1; Android documents it as unused, and so it is here. */
  hasMore?: 0 | 1 | null;
}

export const NIM_LIST_MAX = 100;

/** The native `conversation.list` params of a NIM query, or a 414 for what NIM itself refuses. */
export function listParamsOf(option: QueryMySessionOption): Record<string, unknown> {
  const { minTimestamp, maxTimestamp, needLastMsg, limit, hasMore } = option;
  for (const [name, value] of [
    ['minTimestamp', minTimestamp],
    ['maxTimestamp', maxTimestamp],
  ] as const) {
    if (value != null && (!Number.isSafeInteger(value) || value < 0)) throw paramError(`${name} must be a timestamp in ms, not ${value}`);
  }
  const wantsLast = flag('needLastMsg', needLastMsg, true);
  flag('hasMore', hasMore, false);
  if (limit != null && (!Number.isInteger(limit) || limit < 0 || limit > NIM_LIST_MAX))
    throw paramError(`limit must be 1..${NIM_LIST_MAX} (0 = ${NIM_LIST_MAX}), not ${limit}`);
  return {
    limit: limit || NIM_LIST_MAX,
    needLastMsg: wantsLast,
    ...(minTimestamp ? { minTimestamp } : {}),
    ...(maxTimestamp ? { maxTimestamp } : {}),
  };
}

/** NIM's integer flags: 0 or 1 (a boolean too); anything else is the parameter error NIM answers. */
function flag(name: string, value: number | boolean | null | undefined, fallback: boolean): boolean {
  if (value == null) return fallback;
  if (value === 0 || value === 1 || typeof value === 'boolean') return value === 1 || value === true;
  throw paramError(`${name} is 0 or 1, not ${value}`);
}

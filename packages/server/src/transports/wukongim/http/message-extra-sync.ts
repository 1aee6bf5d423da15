import type { WkMessageExtra, WkMessageExtraSyncParams } from '@parley/protocol';
import type { AppContext } from '../../../app-context.js';
import { toWkMessageExtra } from './wk-message.js';

/** At most this many extras a page (WuKongIM's SDK asks for 100). */
const MAX_LIMIT = 100;

/**
 * WuKongIM's message-extra sync (the SDK's `syncMessageExtraCallback`): the caller's visible messages
 * of the channel revoked or edited after `extra_version`, oldest change first, as message extras.
 * A client passes the largest `extra_version` it has to get the rest.
 */
export async function messageExtraSync(ctx: AppContext, uid: string, p: WkMessageExtraSyncParams): Promise<WkMessageExtra[]> {
  const ref = { channelId: p.channel_id, channelType: p.channel_type as 1 | 2 | 3 | 4 };
  const changed = await ctx.messageActions.changedSince(uid, ref, p.extra_version ?? 0, Math.min(p.limit ?? MAX_LIMIT, MAX_LIMIT));
  return changed.map(toWkMessageExtra);
}

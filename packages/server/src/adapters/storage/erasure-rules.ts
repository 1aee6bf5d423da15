/**
 * `UserDataStore`'s dialect-free parts, shared by the SQL adapters (the port states the rules).
 */

/** A clientMsgNo not below this was sent by a client: erased ones start with U+0001 (see `erasedClientMsgNo`). */
export const FIRST_SENDABLE_CLIENT_MSG_NO = ' ';

/** Cheap pre-filter for `scrubbedReply`: a meta without this text has no reply. */
export const REPLY_MARK = '"reply"';

/**
 * The meta without the reply's quote of `uid`, or undefined when it has none: a reply naming
 * `uid` as the sender loses its `preview` (the replied message's text), keeps the rest.
 */
export function scrubbedReply(metaJson: string, uid: string): string | undefined {
  let meta: { reply?: { fromUid?: unknown; preview?: unknown } };
  try {
    meta = JSON.parse(metaJson);
  } catch {
    return undefined;
  }
  const reply = meta.reply;
  if (!reply || reply.fromUid !== uid || reply.preview === undefined) return undefined;
  const { preview: _quote, ...rest } = reply;
  return JSON.stringify({ ...meta, reply: rest });
}

import type { MessageRef } from './message-state.js';
import type { StoredMessage } from './messages.js';
import type { EventsOf } from './webhook-outbox.js';

/** `StoredMessage.streamState`: not a stream (every message sent without `stream: true`). */
export const STREAM_NONE = 0;
/** Open: chunks are appended to its text. */
export const STREAM_OPEN = 1;
/** Ended by its sender or closed idle: nothing changes its text any more (an edit may, as for any text). */
export const STREAM_ENDED = 2;

/** What an append did. */
export type StreamAppend =
  /** The chunk was the next one: the message with it applied. */
  | { kind: 'applied'; message: StoredMessage }
  /** The chunk was applied before (chunkNo at or below the last applied): nothing changed, also after the end. */
  | { kind: 'repeat'; message: StoredMessage }
  /** A chunk is missing before this one: nothing changed; `expected` is the next chunkNo to send. */
  | { kind: 'gap'; expected: number }
  /** Not a stream, or ended (and the chunk is a new one), or revoked: nothing changed. */
  | { kind: 'not_open'; message: StoredMessage }
  /** The text would be longer than `maxChars`: nothing changed. */
  | { kind: 'too_large' };

/**
 * Streamed messages (docs/protocol.md, "Streaming messages"): a text message stored open (its
 * commit, `NewMessage.stream`, sets streamState STREAM_OPEN and streamAt to its timestamp) whose
 * `payload.content` grows chunk by chunk until it ends. The text so far is the payload itself, so
 * history, the conversation's last message and search read it as any message's text.
 * - Chunks apply in order, exactly once each: chunkNo = streamChunk + 1 is appended (streamChunk
 *   and streamAt move); a chunkNo at or below streamChunk is a repeat and changes nothing; a higher
 *   one is a gap and changes nothing. This holds under concurrent calls on any number of nodes:
 *   two racing appends of the same chunk apply it once, the other answers `repeat`.
 * - `end` and `closeIdle` are conditional on the stream being open: of racing ends and idle closes
 *   (on any nodes) exactly one ends it and gets the message; the others get nothing.
 * - A revoked message takes no chunk (`not_open`) but can still be ended.
 */
export interface MessageStreamStore {
  /** How many streams `fromUid` has open. */
  openCount(fromUid: string): Promise<number>;
  /** Appends `delta` as chunk `chunkNo` (see the rules above); `at` becomes streamAt. */
  append(ref: MessageRef, chunkNo: number, delta: string, at: number, maxChars: number): Promise<StreamAppend>;
  /**
   * Ends the open stream at `ref` with `status` (streamState STREAM_ENDED, streamStatus, streamAt =
   * at) and returns it; undefined, changing nothing, when it is not an open stream. `events` is
   * called with the ended message, in the same transaction.
   */
  end(ref: MessageRef, status: string, at: number, events?: EventsOf<StoredMessage>): Promise<StoredMessage | undefined>;
  /**
   * Ends, with `status`, up to `limit` open streams whose streamAt is before `idleBefore`, oldest
   * first, and returns those it ended (`events` called for each).
   */
  closeIdle(idleBefore: number, status: string, at: number, limit: number, events?: EventsOf<StoredMessage>): Promise<StoredMessage[]>;
}

/**
 * The append decision on a message as read (both adapters): the new payload to write on the
 * condition that streamChunk is still what was read, or the answer.
 */
export function planAppend(
  m: StoredMessage,
  chunkNo: number,
  delta: string,
  maxChars: number,
): { kind: 'write'; payloadJson: string } | StreamAppend {
  if (m.streamState !== STREAM_NONE && chunkNo <= m.streamChunk) return { kind: 'repeat', message: m };
  if (m.streamState !== STREAM_OPEN || m.revokedAt > 0) return { kind: 'not_open', message: m };
  if (chunkNo > m.streamChunk + 1) return { kind: 'gap', expected: m.streamChunk + 1 };
  const payload = JSON.parse(m.payloadJson) as { content?: unknown };
  const content = `${typeof payload.content === 'string' ? payload.content : ''}${delta}`;
  if (content.length > maxChars) return { kind: 'too_large' };
  return { kind: 'write', payloadJson: JSON.stringify({ ...payload, content }) };
}

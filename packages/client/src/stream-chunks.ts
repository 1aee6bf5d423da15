import type { StreamPush } from '@parley/protocol';
import type { LocalMessage } from './store.js';

/** A chunk as `onMessageStream` reports it; absent when the whole state came instead. */
export interface StreamChunk {
  chunkNo: number;
  delta: string;
}

/**
 * `message.stream` pushes applied to the cached message, in chunkNo order and once each. The server
 * pushes a chunk only once it and every chunk before it are stored, so when one is missing here (a
 * push lost while the device was away, or overtaken by one from another server node) the message as
 * the server has it now covers the new chunk: it is read instead, and the chunks that follow apply
 * to it. So is a message this device never read (it joined late).
 */
export class StreamChunks {
  constructor(
    private readonly cached: (push: StreamPush) => Promise<LocalMessage | undefined>,
    private readonly fetch: (push: StreamPush) => Promise<LocalMessage | undefined>,
    private readonly applied: (message: LocalMessage, chunk: StreamChunk | undefined) => Promise<void>,
  ) {}

  async arrive(push: StreamPush): Promise<void> {
    const message = await this.cached(push);
    const known = message?.stream ? message.stream.chunkNo : undefined;
    if (known !== undefined && push.chunkNo <= known) return;
    if (message && known === push.chunkNo - 1) return this.applied(append(message, push), { chunkNo: push.chunkNo, delta: push.delta });
    const fresh = await this.fetch(push);
    if (fresh?.stream && fresh.stream.chunkNo > (known ?? -1)) await this.applied(fresh, undefined);
  }
}

/** The message with one more chunk of text. */
export function append(m: LocalMessage, push: StreamPush): LocalMessage {
  const payload = m.payload as { type: number; content?: string };
  return {
    ...m,
    payload: { ...payload, content: `${payload.content ?? ''}${push.delta}` },
    stream: { streaming: true, chunkNo: push.chunkNo, status: null },
  } as LocalMessage;
}

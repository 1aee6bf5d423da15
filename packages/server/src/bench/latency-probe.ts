import { openAuthed } from './ws-open.js';

/**
 * Send -> delivery of one message at a time, nothing else in flight: the latency of the path itself
 * (store, publish, the broker's hop when sender and receiver sit on different nodes, push), without
 * the queueing a saturating load adds. Returns one sample per delivered message, in ms, and how many
 * never arrived.
 */
export async function probeLatency(
  senderUrl: string,
  receiverUrl: string,
  peer: string,
  samples: number,
): Promise<{ latencies: number[]; lost: number }> {
  const receiver = await openAuthed(receiverUrl);
  const sender = await openAuthed(senderUrl);
  let lost = 0;
  let waiting: ((no: string) => void) | undefined;
  receiver.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith('{"event":"message.new"')) waiting?.(text);
  });
  const results: number[] = [];
  try {
    // The first few warm the path (connections, statement caches, JIT) and are not kept.
    for (let i = -20; i < samples; i++) {
      const no = `probe-${Date.now()}-${i}`;
      const started = performance.now();
      // The bus is at most once: a message that never arrives is counted, not waited for.
      const delivered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000);
        waiting = (text) => {
          if (!text.includes(no)) return;
          clearTimeout(timer);
          resolve(true);
        };
      });
      sender.send(
        `{"id":${i + 100},"method":"message.send","params":{"channelId":"${peer}","channelType":1,"clientMsgNo":"${no}","payload":{"type":1,"content":"probe"}}}`,
      );
      if (!(await delivered)) lost++;
      else if (i >= 0) results.push(performance.now() - started);
    }
  } finally {
    sender.terminate();
    receiver.terminate();
  }
  return { latencies: results, lost };
}

import type { BusMessage } from '../../ports/bus.js';

/**
 * How a bus message travels through a broker: one text, `<node>\n<kind><meta>\n<frame>`. The frame
 * is already the client's JSON text (a fan-out's `<frame>` is its shared frame, then a line per
 * recipient when it has frames of their own); it is carried as is, not escaped into a second JSON string, so a
 * message costs one concatenation to send and one `indexOf` to read. `<node>` names the publishing
 * node, which delivered to itself already and drops its own echo.
 */
export function encode(node: string, message: BusMessage): string {
  if (message.kind === 'control') return `${node}\nc${JSON.stringify({ event: message.event, data: message.data })}`;
  if (message.kind === 'fanout') {
    // The frames after the shared one follow it, one per line (JSON text holds no raw newline):
    // carried as they are, not escaped into the meta.
    const meta: { u: string[]; o?: string; s?: number } = { u: message.uids };
    if (message.origin) meta.o = message.origin;
    if (message.seq !== undefined) meta.s = message.seq;
    const after = message.after?.length ? `\n${message.after.join('\n')}` : '';
    return `${node}\nf${JSON.stringify(meta)}\n${message.frame}${after}`;
  }
  const meta: { o?: string; a?: unknown; s?: number } = {};
  if (message.origin) meta.o = message.origin;
  if (message.about) meta.a = message.about;
  if (message.seq !== undefined) meta.s = message.seq;
  return `${node}\np${JSON.stringify(meta)}\n${message.frame}`;
}

/** The publishing node and the message; undefined for a text no Parley node wrote. */
export function decode(text: string): { node: string; message: BusMessage } | undefined {
  const head = text.indexOf('\n');
  if (head < 0) return undefined;
  const node = text.slice(0, head);
  const kind = text[head + 1];
  try {
    if (kind === 'c') {
      const { event, data } = JSON.parse(text.slice(head + 2)) as { event: string; data: unknown };
      return typeof event === 'string' ? { node, message: { kind: 'control', event, data } } : undefined;
    }
    if (kind === 'f') {
      const message = decodeFanout(text, head);
      return message && { node, message };
    }
    if (kind !== 'p') return undefined;
    // JSON text never holds a raw newline, so the first one after the meta ends it.
    const body = text.indexOf('\n', head + 2);
    if (body < 0) return undefined;
    const meta = JSON.parse(text.slice(head + 2, body)) as {
      o?: string;
      a?: { channelType: number; channelId: string; seq: number };
      s?: number;
    };
    const message: BusMessage = { kind: 'push', frame: text.slice(body + 1) };
    if (meta.o) message.origin = meta.o;
    if (meta.a) message.about = meta.a;
    if (typeof meta.s === 'number') message.seq = meta.s;
    return { node, message };
  } catch {
    return undefined;
  }
}

function decodeFanout(text: string, head: number): BusMessage | undefined {
  const lines = text.slice(head + 2).split('\n');
  const meta = JSON.parse(lines[0] as string) as { u?: unknown; o?: string; s?: number };
  const frame = lines[1];
  if (!Array.isArray(meta.u) || frame === undefined) return undefined;
  const message: BusMessage = { kind: 'fanout', frame, uids: meta.u as string[] };
  if (lines.length > 2) {
    if (lines.length !== meta.u.length + 2) return undefined;
    message.after = lines.slice(2);
  }
  if (meta.o) message.origin = meta.o;
  if (typeof meta.s === 'number') message.seq = meta.s;
  return message;
}

import type { Message } from '@parley/protocol';

/** Payload fields the app reads; other apps may put more in a payload, and the server keeps it. */
export interface ShownPayload {
  type: number;
  content?: string;
  url?: string;
  name?: string;
  width?: number;
  height?: number;
  size?: number;
  kind?: string;
  text?: string;
}

/** The payload as it reads now: the edited one once the sender edited it. */
export const shownPayload = (m: Pick<Message, 'payload' | 'extra'>): ShownPayload => (m.extra.editedPayload ?? m.payload) as ShownPayload;

/** Notices the server posts into groups (created, members added): shown centred, never as a bubble. */
export const isNotice = (m: Pick<Message, 'payload'>): boolean => (m.payload as ShownPayload).kind === 'parley.notice';

/** One line of text for previews and reply quotes. */
export function summaryOf(m: Pick<Message, 'payload' | 'extra'>): string {
  const p = shownPayload(m);
  if (p.kind === 'parley.notice') return p.text ?? '';
  switch (p.type) {
    case 1:
      return p.content ?? '';
    case 2:
      return '[Image]';
    case 3:
      return `[File] ${p.name ?? ''}`.trim();
    case 4:
      return '[Voice]';
    case 5:
      return '[Video]';
    case 6:
      return '[Location]';
    case 999:
      // ContentType.Erased: its sender's data was erased (docs/protocol.md, "Erased messages").
      return '[Deleted message]';
    default:
      return '[Message]';
  }
}

/** `@uid` words in a group message become its mentions; `@all` mentions everyone. */
export function mentionsIn(text: string): { uids: string[]; all?: boolean } | undefined {
  // A uid may hold '.' and '@', but a sentence's full stop after a mention is not part of it.
  const words = [...text.matchAll(/(?:^|\s)@([A-Za-z0-9_.@-]{1,64})/g)].map((m) => (m[1] as string).replace(/\.+$/, '')).filter(Boolean);
  if (words.length === 0) return undefined;
  const all = words.includes('all');
  const uids = [...new Set(words.filter((w) => w !== 'all'))].slice(0, 100);
  return all ? { uids, all } : { uids };
}

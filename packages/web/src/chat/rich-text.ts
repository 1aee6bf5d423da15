/** A piece of a text message: plain text, a link, or a mention (`me`: of the reader). */
export type TextPiece =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string; me: boolean };

// Links start with http:// or https:// (nothing else becomes clickable: no javascript:, no data:);
// mentions are @uid at the start of a word, as `mentionsIn` reads them.
const PATTERN = /https?:\/\/[^\s<>"]+|(?<=^|\s)@[A-Za-z0-9_.@-]{1,64}/g;
// A link's last characters are often the sentence's, not the address's: "see https://x.org/a."
const TRAILING = /[.,;:!?'")\]]+$/;

function linkHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits a message's text into text, links and mentions, for rendering as React elements (never as
 * HTML, so the text cannot inject markup). `me` marks mentions of the reader, and `@all`.
 */
export function splitText(text: string, me: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  const plain = (to: number) => to > at && pieces.push({ kind: 'text', text: text.slice(at, to) });
  for (const match of text.matchAll(PATTERN)) {
    const start = match.index;
    let token = match[0];
    if (token.startsWith('@')) {
      token = token.replace(/\.+$/, '');
      const uid = token.slice(1);
      plain(start);
      pieces.push({ kind: 'mention', text: token, me: uid === me || uid === 'all' });
    } else {
      token = token.replace(TRAILING, '');
      const href = linkHref(token);
      if (!href) continue;
      plain(start);
      pieces.push({ kind: 'link', text: token, href });
    }
    at = start + token.length;
  }
  plain(text.length);
  return pieces;
}

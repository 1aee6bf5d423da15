/**
 * Message search's one tokenizer, used by both backends (docs/protocol.md, Search): the same
 * tokens are written into SQLite's FTS5 table and PostgreSQL's tsvector, and queries are cut the
 * same way, so both find the same messages.
 *
 * Text is NFKC-normalised and lowercased. Runs of Chinese, Japanese or Korean characters (no spaces
 * between words) become overlapping bigrams and unigrams, in two separate columns: mixing them in
 * one column breaks phrase adjacency. A query's run of two or more such characters is the phrase of
 * its bigrams (北京 finds 我们去北京开会; 北京开会 needs 北京 京开 开会 adjacent); one character
 * alone searches the unigrams. Other words (Latin, Cyrillic, digits...) are kept whole, with Latin
 * diacritics folded (café = cafe), and a query word matches as a prefix (meet finds meeting).
 * Word segmentation (Intl.Segmenter) was not used: its recall depends on the segmenter cutting the
 * query and the text the same way (好吃 is not a word of 很好|吃); n-grams do not.
 */

/** Bumped when the tokens change: the index must then be rebuilt. */
export const SEARCH_TOKENIZER_VERSION = 1;

/** The longest text indexed per message, in characters: the rest is not searchable. */
export const MAX_INDEXED_CHARS = 8000;

const CJK_CLASS = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3005\u3006\u30fc\u30fb\uff70`;
/** A run of CJK characters, or a run of other letters, digits and marks: what lies between is a separator. */
const RUN = new RegExp(String.raw`([${CJK_CLASS}]+)|((?:(?![${CJK_CLASS}])[\p{L}\p{N}\p{M}])+)`, 'gu');
const MARKS = /\p{M}+/gu;
/**
 * ASCII text is its own NFKC form and has no marks to fold: its words are its runs of letters and
 * digits. Written over code units (none from 0x80 up): the same test as `\p{ASCII}` with the `u` flag,
 * as a surrogate is above 0x7f either way, without the Unicode-mode matcher.
 */
const ASCII = /^[^\u0080-\uffff]*$/;
const ASCII_WORD = /[a-z0-9]+/g;

export interface SearchDocument {
  /** Bigrams of CJK runs and whole other words, in text order (phrase positions). */
  bi: string[];
  /** Single CJK characters. */
  uni: string[];
}

type Run = { cjk: true; chars: string[] } | { cjk: false; word: string };

/** The runs of the text's first MAX_INDEXED_CHARS (after NFKC and lowercasing). */
function runs(text: string): Run[] {
  if (ASCII.test(text)) {
    const words = text.toLowerCase().slice(0, MAX_INDEXED_CHARS).match(ASCII_WORD) ?? [];
    return words.map((word) => ({ cjk: false, word }));
  }
  const out: Run[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().slice(0, MAX_INDEXED_CHARS).matchAll(RUN)) {
    out.push(m[1] !== undefined ? { cjk: true, chars: [...m[1]] } : { cjk: false, word: m[2] as string });
  }
  return out;
}

/** A non-CJK word as indexed: diacritics folded (NFD, marks dropped, NFC again). */
function foldWord(word: string): string {
  if (ASCII.test(word)) return word;
  return word.normalize('NFD').replace(MARKS, '').normalize('NFC');
}

const bigrams = (chars: readonly string[]): string[] => chars.slice(1).map((c, i) => `${chars[i]}${c}`);

/** The tokens of a message's text. */
export function searchDocument(text: string): SearchDocument {
  // Most messages: ASCII words need neither runs nor folding, and have no CJK characters.
  if (ASCII.test(text)) return { bi: text.toLowerCase().slice(0, MAX_INDEXED_CHARS).match(ASCII_WORD) ?? [], uni: [] };
  const doc: SearchDocument = { bi: [], uni: [] };
  for (const run of runs(text)) {
    if (run.cjk) {
      doc.bi.push(...bigrams(run.chars));
      doc.uni.push(...run.chars);
    } else {
      const word = foldWord(run.word);
      if (word) doc.bi.push(word);
    }
  }
  return doc;
}

/** One term of a query: every term must match (AND). */
export interface SearchTerm {
  column: 'bi' | 'uni';
  /** A phrase: these tokens adjacent, in order. */
  tokens: string[];
  /** The (single) token matches as a prefix. */
  prefix: boolean;
}

/** At most this many terms are searched; a query with more is refused (it would cost without narrowing). */
export const MAX_SEARCH_TERMS = 16;

/** The terms of a query; none when it holds nothing searchable (only punctuation or spaces). */
export function searchTerms(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const run of runs(query)) {
    if (run.cjk) {
      if (run.chars.length === 1) terms.push({ column: 'uni', tokens: run.chars, prefix: false });
      else terms.push({ column: 'bi', tokens: bigrams(run.chars), prefix: false });
    } else {
      const word = foldWord(run.word);
      if (word) terms.push({ column: 'bi', tokens: [word], prefix: true });
    }
  }
  return terms;
}

/** The text of a payload that search reads: a text's content, a file's (or image's, video's) name. */
export function searchableText(payloadJson: string): string {
  if (!payloadJson) return '';
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    return '';
  }
  if (!payload || typeof payload !== 'object') return '';
  const p = payload as Record<string, unknown>;
  if (p.type === 1 && typeof p.content === 'string') return p.content;
  if (typeof p.type === 'number' && p.type >= 2 && p.type <= 5 && typeof p.name === 'string') return p.name;
  return '';
}

/** The current text of a stored message: its edit if edited, nothing once revoked. */
export function currentSearchText(m: { payload: string; edited_payload: string; revoked_at: number }): string {
  if (m.revoked_at > 0) return '';
  return searchableText(m.edited_payload || m.payload);
}

// --- Channel scoping ---------------------------------------------------------------------------

/**
 * A message's channel as one more token of its document (column `ch` in FTS5, weight C in the
 * tsvector): a search in one conversation, or over the few channels a user reads, intersects the
 * word's postings with the channels' inside the index instead of checking every match of the word.
 * Hex keeps it one token for any tokenizer.
 */
export const channelToken = (channelType: number, channelId: string): string =>
  `c${channelType}x${ASCII.test(channelId) ? asciiHex(channelId) : Buffer.from(channelId, 'utf8').toString('hex')}`;

const HEX = Array.from({ length: 128 }, (_, i) => i.toString(16).padStart(2, '0'));
/**
 * An ASCII id's UTF-8 bytes in hex, without a Buffer: the indexer makes a token for every message,
 * and the Buffer's copy and encoding were most of its cost.
 */
function asciiHex(id: string): string {
  let hex = '';
  for (let i = 0; i < id.length; i++) hex += HEX[id.charCodeAt(i)];
  return hex;
}

/**
 * Up to this many readable channels, a search names them in the index query; above, the index
 * yields the word's matches newest first and each is checked against the channels (one pass).
 */
export const MAX_SCOPED_CHANNELS = 256;

// --- SQLite FTS5 -----------------------------------------------------------------------------

/** A term list as an FTS5 MATCH expression over the `bi` and `uni` columns, within `channels` (tokens) when given. */
export function fts5Match(terms: readonly SearchTerm[], channels?: readonly string[]): string {
  const words = terms.map((t) => `${t.column} : "${t.tokens.join(' ').replaceAll('"', '""')}"${t.prefix ? ' *' : ''}`).join(' AND ');
  return channels?.length ? `(${words}) AND ch : (${channels.map((c) => `"${c}"`).join(' OR ')})` : words;
}

// --- PostgreSQL tsvector / tsquery --------------------------------------------------------------

const QUOTED = /['\\]/;
/**
 * A quoted lexeme with what follows it (`:1A`), built as one string: each extra concatenation of a
 * CJK (two-byte) token costs about as much again (BENCHMARKS.md, 2026-12-03: a Chinese sentence's tsvector
 * faster in six of six side-by-side runs).
 */
const lexeme = (token: string, suffix: string): string =>
  QUOTED.test(token) ? `'${token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${suffix}` : `'${token}'${suffix}`;
/** tsvector positions stop at 16383 (PostgreSQL's limit); a lexeme keeps at most 256 of them. */
const MAX_POSITION = 16383;
const MAX_POSITIONS_PER_LEXEME = 256;

/** One lexeme's positions as tsvector text (`3A,7A`) while they are gathered. */
interface Positions {
  text: string;
  count: number;
  last: number;
}

/** `'token':1A,5A` for each distinct token, in order of first appearance. */
function lexemes(out: string[], tokens: readonly string[], weight: 'A' | 'B'): void {
  const byToken = new Map<string, Positions>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const at = Math.min(i + 1, MAX_POSITION);
    const seen = byToken.get(token);
    if (!seen) byToken.set(token, { text: `${at}${weight}`, count: 1, last: at });
    else if (seen.count < MAX_POSITIONS_PER_LEXEME) {
      seen.count++;
      // Positions only repeat once they stop at MAX_POSITION: a repeat adds nothing.
      if (at !== seen.last) seen.text += `,${at}${weight}`;
      seen.last = at;
    }
  }
  for (const [token, p] of byToken) out.push(lexeme(token, `:${p.text}`));
}

/**
 * The document as tsvector input text (`'北京':1A '北':1B ...`): the lexemes are given verbatim, so
 * PostgreSQL's parser and the database's locale play no part (a `C` locale's parser would not cut
 * CJK at all). Bigrams and words are weight A, unigrams weight B: the two "columns". It runs on the
 * send path for every text message, so it builds strings directly.
 */
export function tsvectorText(doc: SearchDocument, channel?: string): string | null {
  if (!doc.bi.length && !doc.uni.length) return null;
  const out: string[] = [];
  lexemes(out, doc.bi, 'A');
  lexemes(out, doc.uni, 'B');
  if (channel) out.push(lexeme(channel, ':1C'));
  return out.join(' ');
}

/** A term list as tsquery input text (`'北京':A <-> '京开':A & 'meet':*A`), within `channels` (tokens) when given. */
export function tsqueryText(terms: readonly SearchTerm[], channels?: readonly string[]): string {
  const words = terms
    .map((t) => {
      const weight = t.column === 'bi' ? 'A' : 'B';
      const parts = t.tokens.map((tok) => lexeme(tok, `:${t.prefix ? '*' : ''}${weight}`));
      return parts.length > 1 ? `(${parts.join(' <-> ')})` : parts[0];
    })
    .join(' & ');
  return channels?.length ? `${words} & (${channels.map((c) => lexeme(c, ':C')).join(' | ')})` : words;
}

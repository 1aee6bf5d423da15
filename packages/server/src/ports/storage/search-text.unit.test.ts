import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelToken,
  currentSearchText,
  fts5Match,
  MAX_INDEXED_CHARS,
  type SearchDocument,
  searchDocument,
  searchTerms,
  tsqueryText,
  tsvectorText,
} from './search-text.js';

describe('search tokenizer', () => {
  it('cuts CJK runs into bigrams and unigrams, other words whole, accents and case folded (NFKC)', () => {
    expect(searchDocument('北京开会, Café ＡＢＣ 12')).toEqual({
      bi: ['北京', '京开', '开会', 'cafe', 'abc', '12'],
      uni: ['北', '京', '开', '会'],
    });
    expect(searchDocument('会議ーです')).toEqual({ bi: ['会議', '議ー', 'ーで', 'です'], uni: ['会', '議', 'ー', 'で', 'す'] });
    expect(searchDocument('  ...!? ')).toEqual({ bi: [], uni: [] });
  });

  it('makes a query: a CJK run a phrase of bigrams, one character a unigram, a word a prefix', () => {
    expect(searchTerms('北京开会 吃 Meet')).toEqual([
      { column: 'bi', tokens: ['北京', '京开', '开会'], prefix: false },
      { column: 'uni', tokens: ['吃'], prefix: false },
      { column: 'bi', tokens: ['meet'], prefix: true },
    ]);
    expect(searchTerms('—')).toEqual([]);
  });

  it('writes the same terms for FTS5 and for PostgreSQL', () => {
    const terms = searchTerms('北京开 吃 meet');
    expect(fts5Match(terms)).toBe('bi : "北京 京开" AND uni : "吃" AND bi : "meet" *');
    expect(tsqueryText(terms)).toBe("('北京':A <-> '京开':A) & '吃':B & 'meet':*A");
    expect(tsvectorText(searchDocument("it's 北京"))).toBe("'it':1A 's':2A '北京':3A '北':1B '京':2B");
    expect(tsvectorText(searchDocument('a a'))).toBe("'a':1A,2A");
    expect(tsvectorText(searchDocument('!'))).toBeNull();
    // Within channels: their tokens (one hex token each) intersected inside the index.
    const ch = channelToken(2, 'g1');
    expect(ch).toBe('c2x6731');
    // The hex of the id's UTF-8 bytes, whether written without a Buffer (ASCII ids) or with one.
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (id) => {
        expect(channelToken(1, id)).toBe(`c1x${Buffer.from(id, 'utf8').toString('hex')}`);
      }),
    );
    expect(channelToken(1, 'é\u0000~')).toBe('c1xc3a9007e');
    expect(fts5Match(searchTerms('meet'), [ch, 'c1x62'])).toBe('(bi : "meet" *) AND ch : ("c2x6731" OR "c1x62")');
    expect(tsqueryText(searchTerms('meet'), [ch, 'c1x62'])).toBe("'meet':*A & ('c2x6731':C | 'c1x62':C)");
    expect(tsvectorText(searchDocument('hi'), ch)).toBe("'hi':1A 'c2x6731':1C");
  });

  it('reads the current text: the edit, nothing once revoked, file names, not custom payloads', () => {
    const text = (content: string) => JSON.stringify({ type: 1, content });
    expect(currentSearchText({ payload: text('old'), edited_payload: text('new'), revoked_at: 0 })).toBe('new');
    expect(currentSearchText({ payload: text('old'), edited_payload: '', revoked_at: 5 })).toBe('');
    expect(currentSearchText({ payload: JSON.stringify({ type: 3, url: 'u', name: 'a.pdf' }), edited_payload: '', revoked_at: 0 })).toBe(
      'a.pdf',
    );
    expect(currentSearchText({ payload: JSON.stringify({ type: 1001, content: 'x' }), edited_payload: '', revoked_at: 0 })).toBe('');
  });

  it('gives what the per-character definition gives, for any text (its fast paths change nothing)', () => {
    const pool = [
      ..."abzAZ09 .,!?'\\-_\n\t",
      ...'éüßÉÑçø',
      '\u0301', // combining acute: folded away
      ...'北京开会我们々ーァカ한국어',
      ...'ＡＢ１ﬁ①', // NFKC: fullwidth, ligature, circled digit
      'İ', // lowercases to i + combining dot
      ...'αβΩжЯ',
      '😀',
      '\ud800', // a lone surrogate
    ];
    const text = fc.array(fc.constantFrom(...pool), { maxLength: 40 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(searchDocument(t)).toEqual(referenceDocument(t));
        expect(tsvectorText(searchDocument(t), 'c1x61')).toBe(referenceTsvector(referenceDocument(t), 'c1x61'));
      }),
      { numRuns: 2000 },
    );
    // Past the indexed length, and positions past PostgreSQL's last.
    const long = `${'ab '.repeat(6000)}北京`;
    expect(searchDocument(long)).toEqual(referenceDocument(long));
    const many = { bi: Array.from({ length: 17_000 }, (_, i) => (i % 3 === 0 ? 'x' : `w${i}`)), uni: [] };
    expect(tsvectorText(many)).toBe(referenceTsvector(many));
    const late = { bi: [...Array.from({ length: 16_390 }, (_, i) => `w${i}`), 'y', 'y', 'y'], uni: [] };
    expect(tsvectorText(late)).toBe(referenceTsvector(late));
    expect(tsvectorText(late)).toMatch(/'y':16383A$/);
    // No token of the tokenizer holds a quote or a backslash, but the text stays valid if one did.
    const odd = { bi: ["it's", 'a\\b'], uni: [] };
    expect(tsvectorText(odd)).toBe("'it''s':1A 'a\\\\b':2A");
    expect(tsvectorText(odd)).toBe(referenceTsvector(odd));
  });
});

// The tokenizer as first written, one character at a time: the definition the fast paths must keep.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3005\u3006\u30fc\u30fb\uff70]/u;
function referenceDocument(text: string): SearchDocument {
  const runs: { cjk: boolean; chars: string[] }[] = [];
  let current: { cjk: boolean; chars: string[] } | undefined;
  for (const ch of text.normalize('NFKC').toLowerCase().slice(0, MAX_INDEXED_CHARS)) {
    const cjk = CJK.test(ch);
    if (!cjk && !/[\p{L}\p{N}\p{M}]/u.test(ch)) {
      current = undefined;
      continue;
    }
    if (!current || current.cjk !== cjk) {
      current = { cjk, chars: [] };
      runs.push(current);
    }
    current.chars.push(ch);
  }
  const doc: SearchDocument = { bi: [], uni: [] };
  for (const run of runs) {
    if (run.cjk) {
      doc.bi.push(...run.chars.slice(1).map((c, i) => `${run.chars[i]}${c}`));
      doc.uni.push(...run.chars);
    } else {
      const word = run.chars
        .join('')
        .normalize('NFD')
        .replace(/\p{M}+/gu, '')
        .normalize('NFC');
      if (word) doc.bi.push(word);
    }
  }
  return doc;
}

function referenceTsvector(doc: SearchDocument, channel?: string): string | null {
  if (!doc.bi.length && !doc.uni.length) return null;
  const lexeme = (t: string) => `'${t.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  const positions = new Map<string, number[]>();
  const add = (tokens: readonly string[], weight: 'A' | 'B') =>
    tokens.forEach((t, i) => {
      const list = positions.get(`${weight}${t}`) ?? [];
      positions.set(`${weight}${t}`, list);
      if (list.length < 256) list.push(Math.min(i + 1, 16383));
    });
  add(doc.bi, 'A');
  add(doc.uni, 'B');
  const out = [...positions].map(([key, list]) => `${lexeme(key.slice(1))}:${[...new Set(list)].map((p) => `${p}${key[0]}`).join(',')}`);
  if (channel) out.push(`${lexeme(channel)}:1C`);
  return out.join(' ');
}

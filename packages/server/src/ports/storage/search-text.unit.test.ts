import { describe, expect, it } from 'vitest';
import { channelToken, currentSearchText, fts5Match, searchDocument, searchTerms, tsqueryText, tsvectorText } from './search-text.js';

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
});

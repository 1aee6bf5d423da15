import { describe, expect, it } from 'vitest';
import { splitText } from './rich-text';

describe('splitText', () => {
  it('makes http and https addresses links, without the sentence punctuation after them', () => {
    expect(splitText('see https://example.com/a?b=1. and (http://x.org)', 'ann')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. and (' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
      { kind: 'text', text: ')' },
    ]);
  });

  it('leaves other schemes, and markup, as text', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://x.org', '<b>bold</b>'])
      expect(splitText(text, 'ann')).toEqual([{ kind: 'text', text }]);
    expect(splitText('<a href="https://x.org">x</a>', 'ann')).toEqual([
      { kind: 'text', text: '<a href="' },
      { kind: 'link', text: 'https://x.org', href: 'https://x.org/' },
      { kind: 'text', text: '">x</a>' },
    ]);
  });

  it("marks mentions, the reader's and @all as theirs, but not an address's @", () => {
    expect(splitText('@ann and @bob. mail x@y.z, @all', 'ann')).toEqual([
      { kind: 'mention', text: '@ann', me: true },
      { kind: 'text', text: ' and ' },
      { kind: 'mention', text: '@bob', me: false },
      { kind: 'text', text: '. mail x@y.z, ' },
      { kind: 'mention', text: '@all', me: true },
    ]);
  });

  it('keeps plain text whole', () => {
    expect(splitText('just words', 'ann')).toEqual([{ kind: 'text', text: 'just words' }]);
    expect(splitText('', 'ann')).toEqual([]);
  });
});

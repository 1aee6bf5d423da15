import { describe, expect, it } from 'vitest';
import { mentionsIn, summaryOf } from './content';

describe('mentionsIn', () => {
  it('takes @uid words, without a sentence full stop, and @all', () => {
    expect(mentionsIn('thanks @dan. and @em@il.example.com!')).toEqual({ uids: ['dan', 'em@il.example.com'] });
    expect(mentionsIn('@all hands, @bob')).toEqual({ uids: ['bob'], all: true });
    expect(mentionsIn('mail me at x@y.z')).toBeUndefined();
  });
});

describe('summaryOf', () => {
  const noEdit = { revoked: false, revoker: null, revokedAt: null, editedAt: null, editedPayload: null, readCount: 0, unreadCount: 0 };
  it('reads the edited text, and names what is not text', () => {
    expect(
      summaryOf({
        payload: { type: 1, content: 'old' } as never,
        extra: { ...noEdit, editedPayload: { type: 1, content: 'new' } as never },
      }),
    ).toBe('new');
    expect(summaryOf({ payload: { type: 2, url: '/v1/files/x' } as never, extra: noEdit })).toBe('[Image]');
    expect(summaryOf({ payload: { type: 1000, kind: 'parley.notice', text: 'a added b' } as never, extra: noEdit })).toBe('a added b');
    expect(summaryOf({ payload: { type: 999 } as never, extra: noEdit })).toBe('[Deleted message]');
  });
});
